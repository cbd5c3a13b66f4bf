"""Showing an article's versions (the catalog keeps them: ArticleRecord.versions)."""

from __future__ import annotations


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
