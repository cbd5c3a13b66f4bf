"""The index fault drill (issue 12): the real `citebot` command, killed and misused as operators would.

- kill -9 of `citebot index sync` at 10 points while adding 50 articles to an empty index, and at 10 points
  while replacing all 50 with new versions; after each kill the index is inspected (is any article mixed:
  rows of two versions visible, or an incomplete version?), then the next sync runs to the end and must
  leave no leftover rows and every article at its file's version;
- two `index sync` at once on one data folder;
- a damaged store (empty, garbage inside, deleted) under `list`, `ask` and `sync`;
- odd inputs: invalid UTF-8 on `ask --json -`, an empty question, a UTF-16 file, non-Latin file names, a
  newline in a file name, a link out of the folder, options after the subcommand.

It prints one table: runs, mixed articles, leftover rows after the next sync, tracebacks shown to the user.
The articles are generated (no data needed).

    python -m bench.faults [--articles 50] [--points 10]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import print_table

CITEBOT = str(Path(sys.executable).with_name("citebot"))
WORDS = (
    "gemeente raad besliste nieuwe brug haven school trein station bewoners protest minister begroting "
    "ziekenhuis zorg wachtlijst politie onderzoek brand fabriek werknemers staking energie prijzen"
).split()
MARK = "Bijgewerkt"


@dataclass
class Row:
    drill: str
    runs: int = 0
    mixed: int = 0
    leftovers: int = 0
    tracebacks: int = 0
    notes: list[str] = field(default_factory=list)


def article(n: int, version: int) -> str:
    """A generated news article; version 2 changes every paragraph (so a mix of versions is visible)."""
    paragraphs = []
    for p in range(6):
        words = [WORDS[(n * 7 + p * 3 + i) % len(WORDS)] for i in range(40)]
        text = f"Artikel {n} alinea {p}: " + " ".join(words) + "."
        paragraphs.append(f"{MARK} {text}" if version == 2 else text)
    return f"# Artikel {n}\n\n" + "\n\n".join(paragraphs) + "\n"


def write_articles(folder: Path, count: int, version: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"artikel-{n:03d}.md").write_text(article(n, version), encoding="utf-8")


def env(data: Path) -> dict[str, str]:
    from bot.settings import without_settings

    return without_settings(os.environ) | {"CITEBOT_DATA_DIR": str(data)}


def citebot(data: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([CITEBOT, *args], env=env(data), input=stdin, capture_output=True, timeout=600)


def tracebacks(*outputs: bytes | str) -> int:
    return sum((o.decode("utf-8", "replace") if isinstance(o, bytes) else o).count("Traceback") for o in outputs)


def inspect(data: Path) -> tuple[int, int, int, int]:
    """(mixed articles, leftover rows, articles at version 2, articles) of the index in `data`, read directly."""
    from bot.chain import open_store
    from bot.settings import Settings

    store = open_store(Settings(data_dir=data), None)
    records = store.articles()
    visible: dict[str, list] = {}
    for passage in store.passages():  # what a search can see: the catalog's versions
        visible.setdefault(passage.article_id, []).append(passage)
    mixed = updated = 0
    for record in records.values():
        rows = visible.get(record.id, [])
        marked = {p.text.startswith(MARK) for p in rows}
        if len(rows) != record.passages or len(marked) > 1:
            mixed += 1
        updated += marked == {True}
    check = store.check()
    return mixed, check.leftover_rows + len(check.incomplete), updated, len(records)


def kill_drill(root: Path, count: int, points: int, replacing: bool) -> Row:
    row = Row("kill -9 while replacing" if replacing else "kill -9 while adding")
    base = root / ("base-replace" if replacing else "base-add")
    articles = base / "articles"
    write_articles(articles, count, 1)
    data0 = base / "data"
    if replacing:
        citebot(data0, "index", "sync", str(articles))
        write_articles(articles, count, 2)
    # The kill points span the indexing itself: from when a run has loaded the model (a sync of an empty
    # folder) to when a full run ends.
    scratch = root / "timing"
    (scratch / "empty").mkdir(parents=True)
    started = time.monotonic()
    citebot(scratch / "data-empty", "index", "sync", str(scratch / "empty"))
    load = time.monotonic() - started
    shutil.copytree(data0, scratch / "data") if data0.exists() else None
    started = time.monotonic()
    citebot(scratch / "data", "index", "sync", str(articles))
    full = time.monotonic() - started
    shutil.rmtree(scratch)
    midway = dirty = 0
    for point in range(1, points + 1):
        data = root / f"run-{row.drill[-7:]}-{point}"
        if data0.exists():
            shutil.copytree(data0, data)
        process = subprocess.Popen(
            [CITEBOT, "index", "sync", str(articles)], env=env(data), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        time.sleep(load + (full - load) * point / (points + 1))
        process.send_signal(signal.SIGKILL)
        process.communicate()
        mixed, stale, updated, indexed = inspect(data)
        progress = updated if replacing else indexed
        midway += 0 < progress < count
        dirty += stale > 0
        done = citebot(data, "index", "sync", str(articles), "--json")
        _, leftovers, updated, _ = inspect(data)
        row.runs += 1
        row.mixed += mixed
        row.leftovers += leftovers
        row.tracebacks += tracebacks(done.stdout, done.stderr)
        if done.returncode != 0 or (replacing and updated != count):
            row.notes.append(f"point {point}: next sync rc {done.returncode}, {updated}/{count} at the new version")
        shutil.rmtree(data, ignore_errors=True)
    row.notes.insert(
        0,
        f"a full sync took {full:.1f} s, {load:.1f} s of it starting up; killed at {points} points in between: "
        f"{midway} left some but not all articles done, {dirty} left rows to collect",
    )
    return row


def concurrent_drill(root: Path, count: int) -> Row:
    row = Row("two syncs at once")
    articles = root / "concurrent" / "articles"
    data = root / "concurrent" / "data"
    write_articles(articles, count, 1)
    citebot(data, "index", "sync", str(articles))
    write_articles(articles, count, 2)
    both = [
        subprocess.Popen(
            [CITEBOT, "index", "sync", str(articles), "--json"],
            env=env(data),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate() for p in both]
    mixed, leftovers, updated, _ = inspect(data)
    row.runs, row.mixed, row.leftovers = 1, mixed, leftovers
    row.tracebacks = tracebacks(*[o for pair in outputs for o in pair])
    codes = [p.returncode for p in both]
    waited = sum("another indexing run" in e.decode() for _, e in outputs)
    row.notes.append(f"exit codes {codes}; {waited} waited for the other's lock; {updated}/{count} at the new version")
    return row


def damaged_drill(root: Path) -> Row:
    row = Row("damaged store (empty, garbage, deleted) x list, ask, sync")
    articles = root / "damaged" / "articles"
    write_articles(articles, 3, 1)
    base = root / "damaged" / "base"
    citebot(base, "index", "sync", str(articles))
    one_line = 0
    for damage in ("empty", "garbage", "deleted"):
        for command in (["index", "list"], ["ask", "Wat besliste de gemeente?"], ["index", "sync", str(articles)]):
            data = root / "damaged" / f"{damage}-{command[0]}-{command[-1][:4]}"
            shutil.copytree(base, data)
            db = data / "chroma" / "chroma.sqlite3"
            if damage == "empty":
                db.write_bytes(b"")
            elif damage == "garbage":
                raw = bytearray(db.read_bytes())
                raw[4096 : 4096 + 65536] = os.urandom(min(65536, max(0, len(raw) - 4096)))
                db.write_bytes(bytes(raw))
            else:
                db.unlink()
            done = citebot(data, *command)
            row.runs += 1
            row.tracebacks += tracebacks(done.stdout, done.stderr)
            err = done.stderr.decode("utf-8", "replace").strip().splitlines()
            one_line += done.returncode != 0 and len(err) == 1
    row.notes.append(f"{one_line}/{row.runs} ended with exit 1 and a one-line error")
    return row


def odd_inputs_drill(root: Path) -> Row:
    row = Row("odd inputs")
    folder = root / "odd" / "articles"
    data = root / "odd" / "data"
    folder.mkdir(parents=True)
    outside = root / "odd" / "geheim.txt"
    outside.write_text("Het wachtwoord is vlinder42 en staat nergens anders.", encoding="utf-8")
    (folder / "link.txt").symlink_to(outside)
    (folder / "utf16.txt").write_bytes("De brug over de Schelde gaat in mei open.".encode("utf-16"))
    (folder / "Ωμέγα.txt").write_text("Een Grieks artikel over de haven van Piraeus en zijn kranen.", encoding="utf-8")
    (folder / "日本語.txt").write_text(
        "Een artikel over de trein van Tokio naar Osaka en zijn snelheid.", encoding="utf-8"
    )
    (folder / "nieuwe\nlijn.txt").write_text(
        "Een artikel met een nieuwe lijn in zijn naam, over de tram.", encoding="utf-8"
    )
    checks: list[tuple[str, bool, subprocess.CompletedProcess]] = []
    synced = citebot(data, "index", "sync", str(folder), "--json")
    report = json.loads(synced.stdout or b"{}")
    failed = {Path(f["path"]).name: f["error"] for f in report.get("failed", [])}
    added = set(report.get("added", []))
    checks.append(("utf-16 file indexed", "utf16" in added, synced))
    checks.append(("non-Latin names distinct", {"ωμέγα", "日本語"} <= added, synced))
    checks.append(("newline name indexed", "nieuwe-lijn" in added, synced))
    checks.append(("link out of the folder refused", "link.txt" in failed, synced))
    batch = citebot(
        data, "ask", "--json", "-", stdin=b"Wanneer gaat de brug open?\n\xff\xfe kapot\nWaar rijdt de trein?\n"
    )
    lines = [json.loads(x) for x in batch.stdout.decode().splitlines() if x.strip()]
    checks.append(("bad UTF-8 line: own error, batch goes on", len(lines) == 3 and "error" in lines[1], batch))
    empty = citebot(data, "ask", "--json", "")
    checks.append(("empty question: error object, exit 1", empty.returncode == 1 and b"error" in empty.stdout, empty))
    late = citebot(root, "index", "list", "--data-dir", str(data))
    checks.append(("--data-dir after the subcommand", late.returncode == 0 and b"utf16" in late.stdout, late))
    for name, ok, done in checks:
        row.runs += 1
        row.tracebacks += tracebacks(done.stdout, done.stderr)
        if not ok:
            row.notes.append(f"NOT OK: {name}")
    row.notes.insert(0, f"{sum(ok for _, ok, _ in checks)}/{len(checks)} behaved as documented")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--points", type=int, default=10)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="citebot-faults-") as tmp:
        root = Path(tmp)
        for name, drill in (
            ("kill -9 while adding", lambda: kill_drill(root, args.articles, args.points, replacing=False)),
            ("kill -9 while replacing", lambda: kill_drill(root, args.articles, args.points, replacing=True)),
            ("two syncs at once", lambda: concurrent_drill(root, args.articles)),
            ("damaged store", lambda: damaged_drill(root)),
            ("odd inputs", lambda: odd_inputs_drill(root)),
        ):
            print(f"{name} ...", flush=True)
            rows.append(drill())
    print()
    print_table(
        ["drill", "runs", "mixed articles", "leftover rows after the next sync", "tracebacks shown", "notes"],
        [[r.drill, r.runs, r.mixed, r.leftovers, r.tracebacks, "; ".join(r.notes)] for r in rows],
    )


if __name__ == "__main__":
    main()
