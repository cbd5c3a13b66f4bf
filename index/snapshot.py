"""What a search knows of the index at one generation: passage rows, BM25, vector statistics.

A snapshot is never changed after it is built. `updated` reads only what changed since (the catalog's
article versions say which articles) and returns a new snapshot that shares the unchanged parts, so a
running search swaps one reference and every search sees one consistent generation. Passage texts stay in
Chroma: a search fetches its hits by id. `save`/`load` keep a snapshot in one file so a new process starts
from it and catches up incrementally instead of reading and tokenising every passage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.lexical import LexicalIndex, Tokenizer
from index.passages import Passage
from index.store import PassageStore

COMPACT_DEAD = 0.25  # rewrite rows without dead ones when more than this share is dead
FORMAT = 2  # 2: words are lemmatised before stemming (a saved BM25 of format 1 has other terms)


@dataclass(frozen=True)
class Snapshot:
    generation: str
    seq: int  # the commit number of `generation` (0: unknown, as in a store from before the change log)
    versions: dict[str, str]  # article id -> current version
    ids: tuple[str, ...]  # passage id of each row (a dead row keeps its id until compaction)
    row_articles: tuple[str, ...]  # article id of each row
    by_id: dict[str, int]  # live passage id -> row
    lexical: LexicalIndex
    samples: dict[str, np.ndarray]  # stored passage / sentence vectors, for similarity statistics
    article_rows: dict[str, tuple[int, ...]]  # live rows of each article

    @property
    def size(self) -> int:
        return len(self.by_id)

    def rows_of(self, article_ids: list[str]) -> np.ndarray:
        """Live rows of some articles."""
        return np.asarray([r for a in dict.fromkeys(article_ids) for r in self.article_rows.get(a, ())], np.int64)

    def passage_ids(self, article_id: str) -> list[str]:
        """Ids of one article's live passages."""
        return [self.ids[row] for row in self.article_rows.get(article_id, ())]


def _article_rows(row_articles: tuple[str, ...], rows: range) -> dict[str, tuple[int, ...]]:
    out: dict[str, list[int]] = {}
    for row in rows:
        out.setdefault(row_articles[row], []).append(row)
    return {a: tuple(r) for a, r in out.items()}


def build(
    store: PassageStore, tokenizer: Tokenizer | None = None, written: dict[str, list[Passage]] | None = None
) -> Snapshot:
    """A snapshot of everything the store's catalog names, read from scratch (`written`: passages the caller
    just wrote, by article, which need not be read back)."""
    generation, seq = store.head()  # read first: a commit after this makes the next check see a change
    versions = {a.id: a.version for a in store.articles().values()}
    passages = sorted(_passages(store, list(versions), versions, written), key=lambda p: (p.article_id, p.ordinal))
    return _without_dead_rows(
        generation,
        seq,
        versions,
        tuple(p.id for p in passages),
        tuple(p.article_id for p in passages),
        LexicalIndex(passages, tokenizer),
        store.sample_vectors() if passages else {},
    )


def _without_dead_rows(
    generation: str,
    seq: int,
    versions: dict[str, str],
    ids: tuple[str, ...],
    row_articles: tuple[str, ...],
    lexical: LexicalIndex,
    samples: dict[str, np.ndarray],
) -> Snapshot:
    """A snapshot whose rows are all live (built, compacted or loaded): the row maps follow from the ids."""
    by_id = {p: i for i, p in enumerate(ids)}
    article_rows = _article_rows(row_articles, range(len(ids)))
    return Snapshot(generation, seq, versions, ids, row_articles, by_id, lexical, samples, article_rows)


def updated(snapshot: Snapshot, store: PassageStore, written: dict[str, list[Passage]] | None = None) -> Snapshot:
    """`snapshot` brought up to the store's current generation (itself when nothing changed). The store's
    change log names the articles committed since, so only their catalog records are read; without it (too
    far behind, or an older store) the whole catalog is compared."""
    generation, seq, touched = store.changes_since(snapshot.generation, snapshot.seq)
    if generation == snapshot.generation:
        return snapshot
    if touched is None:
        versions = {a.id: a.version for a in store.articles().values()}
        changed = [a for a, v in versions.items() if snapshot.versions.get(a) != v]
        gone = set(changed) | (set(snapshot.versions) - set(versions))
    else:
        records = store.articles_by_id(sorted(touched))
        versions = {a: v for a, v in snapshot.versions.items() if a not in touched}
        versions |= {a: r.version for a, r in records.items()}
        changed = [a for a, r in records.items() if snapshot.versions.get(a) != r.version]
        gone = set(changed) | {a for a in touched if a in snapshot.versions and a not in records}
    dead = [row for row, article in enumerate(snapshot.row_articles) if article in gone] if gone else []
    added = _passages(store, changed, versions, written)
    by_id = {p: row for p, row in snapshot.by_id.items() if snapshot.row_articles[row] not in gone}
    start = len(snapshot.ids)
    by_id.update({p.id: start + n for n, p in enumerate(added)})
    lexical = snapshot.lexical.with_changes(removed=dead, added=added)
    ids = snapshot.ids + tuple(p.id for p in added)
    row_articles = snapshot.row_articles + tuple(p.article_id for p in added)
    samples = snapshot.samples if snapshot.samples or not by_id else store.sample_vectors()
    article_rows = {a: r for a, r in snapshot.article_rows.items() if a not in gone}
    article_rows |= _article_rows(row_articles, range(start, len(ids)))
    fresh = Snapshot(generation, seq, versions, ids, row_articles, by_id, lexical, samples, article_rows)
    if lexical.rows and lexical.rows - lexical.size > COMPACT_DEAD * lexical.rows:
        fresh = compacted(fresh)
    return fresh


def _passages(
    store: PassageStore, article_ids: list[str], versions: dict[str, str], written: dict[str, list[Passage]] | None
) -> list[Passage]:
    """The current passages of some articles: those just written as given, the others read from the store."""
    wanted = set(article_ids)
    known = {a: ps for a, ps in (written or {}).items() if ps and ps[0].version == versions.get(a) and a in wanted}
    missing = [a for a in article_ids if a not in known]
    read = store.passages(missing, {a: versions[a] for a in missing}) if missing else []
    return [p for ps in known.values() for p in ps] + read


def compacted(snapshot: Snapshot) -> Snapshot:
    """The same snapshot without dead rows."""
    lexical, keep = snapshot.lexical.compacted()
    ids = tuple(snapshot.ids[i] for i in keep)
    row_articles = tuple(snapshot.row_articles[i] for i in keep)
    return _without_dead_rows(
        snapshot.generation, snapshot.seq, snapshot.versions, ids, row_articles, lexical, snapshot.samples
    )


def save(snapshot: Snapshot, folder: Path) -> Path:
    """Write the snapshot (compacted) to `folder/search-state.npz` and its rows to a JSON beside it, atomically
    enough: the JSON names the generation, and `load` accepts the pair only when both agree."""
    snapshot = compacted(snapshot)
    folder.mkdir(parents=True, exist_ok=True)
    lexical_path = folder / "search-lexical.npz"
    rows_path = folder / "search-rows.json"
    tag = f"{snapshot.generation}-{len(snapshot.ids)}"
    snapshot.lexical.save(lexical_path, tag=tag)
    rows = {
        "format": FORMAT,
        "tag": tag,
        "generation": snapshot.generation,
        "seq": snapshot.seq,
        "versions": snapshot.versions,
        "ids": snapshot.ids,
        "articles": snapshot.row_articles,
    }
    tmp = rows_path.with_name(rows_path.name + ".tmp")
    tmp.write_text(json.dumps(rows), encoding="utf-8")
    tmp.replace(rows_path)
    return rows_path


def load(folder: Path, store: PassageStore, tokenizer: Tokenizer | None = None) -> Snapshot | None:
    """A saved snapshot (None when there is none, or it is unreadable, or its two files disagree)."""
    try:
        rows = json.loads((folder / "search-rows.json").read_text(encoding="utf-8"))
        lexical = LexicalIndex.load(folder / "search-lexical.npz", tokenizer)
        if rows.get("format") != FORMAT or lexical.tag != rows["tag"] or lexical.rows != len(rows["ids"]):
            return None
    except Exception:  # noqa: BLE001 - a damaged cache (truncated zip, bad JSON, other format) is rebuilt
        return None
    ids = tuple(rows["ids"])
    samples = store.sample_vectors() if ids else {}
    return _without_dead_rows(
        rows["generation"],
        int(rows.get("seq", 0)),
        dict(rows["versions"]),
        ids,
        tuple(rows["articles"]),
        lexical,
        samples,
    )


def resume(
    store: PassageStore,
    folder: Path | None,
    tokenizer: Tokenizer | None = None,
    written: dict[str, list[Passage]] | None = None,
) -> tuple[Snapshot, bool]:
    """The store's current snapshot, from the one saved in `folder` when there is one (caught up), else built
    from scratch; and whether it differs from what is saved (so it is worth saving)."""
    saved = load(folder, store, tokenizer) if folder else None
    fresh = build(store, tokenizer, written) if saved is None else updated(saved, store, written)
    return fresh, fresh is not saved


def refresh_saved(store: PassageStore, folder: Path, written: dict[str, list[Passage]] | None = None) -> Snapshot:
    """Bring the search state saved in `folder` up to the store's generation (build it if there is none), so
    the next process to search starts from it. The indexer calls this after a run that changed something."""
    fresh, stale = resume(store, folder, written=written)
    if stale:
        save(fresh, folder)
    return fresh
