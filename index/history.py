"""An article's versions: stamping a new one with its time and what changed, and showing them (the catalog
keeps them in ArticleRecord.history; ArticleRecord.versions reads them)."""

from __future__ import annotations

import difflib
import json
from dataclasses import replace
from datetime import UTC, datetime

from index.store import ArticleRecord

MAX_VERSIONS = 50  # versions kept in an article's history (the catalog row carries them)


def version_line(version: dict) -> str:
    """'2026-11-24T18:30:00Z  v 3fa2c1a0b9  published 2024-05-01, updated 2024-05-03: 2 added, 1 changed, 0 removed'."""
    dates = ", ".join(
        f"{label} {version[key]}"
        for key, label in (("published", "published"), ("modified", "updated"))
        if version.get(key)
    )
    changes = version.get("changes")
    what = (
        f"{changes['added']} added, {changes['changed']} changed, {changes['removed']} removed passages"
        if changes
        else "changes not recorded"
    )
    return f"{version.get('indexed_at') or 'before versions were kept':<20}  v {version['version']}  {dates or 'no date'}: {what}"


def utc_stamp() -> str:
    """Now, in UTC, as '2026-11-24T18:30:00Z' (versions, fetched articles and votes are stamped so)."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def with_version(record: ArticleRecord, old: ArticleRecord | None, changes: dict[str, int]) -> ArticleRecord:
    """`record` stamped with its indexing time and its version history (newest first) on top of `old`'s."""
    now = utc_stamp()
    entry = {
        "version": record.version,
        "indexed_at": now,
        "published": record.date,
        "modified": record.modified,
        "changes": changes,
    }
    history = [entry, *(old.versions() if old else [])][:MAX_VERSIONS]
    return replace(record, indexed_at=now, history=json.dumps(history, ensure_ascii=False))


def passage_changes(before: list[str], after: list[str]) -> dict[str, int]:
    """Passages added, changed (replaced in place) and removed from one version to the next."""
    counts = {"added": 0, "changed": 0, "removed": 0}
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "replace":
            changed = min(i2 - i1, j2 - j1)
            counts["changed"] += changed
            counts["removed"] += i2 - i1 - changed
            counts["added"] += j2 - j1 - changed
        elif op == "delete":
            counts["removed"] += i2 - i1
        elif op == "insert":
            counts["added"] += j2 - j1
    return counts
