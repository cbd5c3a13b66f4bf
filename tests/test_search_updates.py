"""A running search follows index changes: one consistent generation per search, changes from another
client or process seen before the next question, and a saved search state that a new process resumes.

Real Chroma stores in tmp dirs; the vectors are hashes of the text (tests/generated.py), so most searches
here rank by BM25 alone: hash vectors would drown the marker words.
"""

from __future__ import annotations

import base64
import dataclasses
import random
import threading
from pathlib import Path

import numpy as np
import pytest

from index.embeddings import ReusingEmbeddings
from index.lexical import LexicalIndex
from index.passages import Passage
from index.retrieve import HybridSearch, RetrievalConfig, _top
from index.store import _SPLIT, PASSAGES, ROW, ArticleRecord, PassageStore, SentenceRow, make_client
from tests.generated import HashVectors, make_article


def article(n: int, version: int, paragraphs: int = 6) -> tuple[ArticleRecord, list[Passage], list[SentenceRow]]:
    """Article n at a version; every passage names its own marker word, e.g. 'kenmerk7x2'."""
    texts = [
        f"Alinea {i} over kenmerk{n}x{version}. De gemeenteraad besprak punt {i} van de agenda."
        for i in range(paragraphs)
    ]
    return make_article(n, f"v{version}", texts)


BM25_ONLY = RetrievalConfig(mode="lexical", k=10)


def open_store(folder: Path) -> PassageStore:
    return PassageStore(make_client(folder), ReusingEmbeddings(HashVectors()))


@pytest.fixture
def store(tmp_path: Path) -> PassageStore:
    store = open_store(tmp_path / "data")
    for n in range(10):
        store.write_article(*article(n, 1))
    return store


def marker_hits(search: HybridSearch, n: int, version: int, **kwargs) -> list[Passage]:
    """Passages found for a marker word that contain it (dense retrieval always returns something)."""
    marker = f"kenmerk{n}x{version}"
    return [h.passage for h in search.search(marker, k=10, **kwargs) if marker in h.passage.text]


def test_searches_during_updates_always_return_the_passages_their_scores_came_from(
    store: PassageStore, tmp_path: Path
) -> None:
    search = HybridSearch(store, HashVectors())
    writer = open_store(tmp_path / "data")  # another client, as an operator's `index sync` would be
    mismatches: list[str] = []
    searches = 0
    stop = threading.Event()

    def change() -> None:
        rng = random.Random(3)
        versions = dict.fromkeys(range(10), 1)
        for _ in range(40):
            n = rng.randrange(12)
            if n in versions and rng.random() < 0.3:
                writer.remove_article(f"artikel-{n:03d}")
                del versions[n]
            else:
                versions[n] = versions.get(n, 0) + 1
                writer.write_article(*article(n, versions[n], paragraphs=rng.randrange(3, 9)))
        stop.set()

    def ask() -> None:
        nonlocal searches
        rng = random.Random(threading.get_ident())
        while not stop.is_set():
            n, version = rng.randrange(12), rng.randrange(1, 6)
            for hit in search.search(f"kenmerk{n}x{version}", k=10):
                searches += 1
                # BM25 found this row for the marker word: the passage returned for it must contain it.
                if "lexical" in hit.signals and f"kenmerk{n}x{version}" not in hit.passage.text:
                    mismatches.append(f"kenmerk{n}x{version} -> {hit.passage.text}")

    threads = [threading.Thread(target=change)] + [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert searches > 100 and mismatches == []
    # After the writer stopped, the search holds exactly the catalog's current passages.
    search.update(force=True)
    current = {p.id for p in store.passages()}
    assert set(search.snapshot.by_id) == current and search.size == len(current)


def test_a_change_by_another_client_shows_up_at_the_next_search(store: PassageStore, tmp_path: Path) -> None:
    search = HybridSearch(store, HashVectors(), BM25_ONLY)
    writer = open_store(tmp_path / "data")
    assert marker_hits(search, 20, 1) == []
    writer.write_article(*article(20, 1))
    hits = marker_hits(search, 20, 1)
    assert hits and {p.article_id for p in hits} == {"artikel-020"}
    writer.write_article(*article(20, 2))  # a new version replaces the old one
    assert marker_hits(search, 20, 1) == [] and marker_hits(search, 20, 2)
    writer.remove_article("artikel-020")
    assert marker_hits(search, 20, 2) == []
    # Scoped searches (dense scores computed from the article's own vectors) see the same generation.
    search.config = RetrievalConfig()
    writer.write_article(*article(3, 2))
    scoped = search.search("gemeenteraad", k=10, article_ids=["artikel-003"])
    assert len(scoped) == 6 and {h.passage.version for h in scoped} == {"v2"}
    assert {"passage", "sentence"} <= set(scoped[0].signals)


def test_a_running_search_reads_only_the_changed_articles_catalog_records(
    store: PassageStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catalog's change log names the articles each commit changed: picking up a change costs the same with
    ten articles or a hundred thousand (no full catalog read), and ends where a search built from scratch is."""
    search = HybridSearch(store, HashVectors(), BM25_ONLY)
    writer = open_store(tmp_path / "data")
    writer.write_article(*article(3, 2))
    writer.remove_article("artikel-004")
    writer.write_articles([article(40, 1), article(41, 1)])

    def whole_catalog(self: PassageStore) -> dict:
        raise AssertionError("the whole catalog was read")

    monkeypatch.setattr(PassageStore, "articles", whole_catalog)
    assert search.update(force=True)
    monkeypatch.undo()
    fresh = HybridSearch(store, HashVectors(), BM25_ONLY)
    assert search.snapshot.versions == fresh.snapshot.versions and set(search.snapshot.by_id) == set(
        fresh.snapshot.by_id
    )
    assert marker_hits(search, 40, 1) and marker_hits(search, 3, 2) and not marker_hits(search, 4, 1)


def test_a_search_too_far_behind_the_change_log_compares_the_whole_catalog(
    store: PassageStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.store

    monkeypatch.setattr(index.store, "CHANGES_KEPT", 3)
    search = HybridSearch(store, HashVectors(), BM25_ONLY)
    writer = open_store(tmp_path / "data")
    for n in range(50, 55):  # five commits: the reader's own commit left the log
        writer.write_article(*article(n, 1))
    assert search.update(force=True)
    assert all(marker_hits(search, n, 1) for n in range(50, 55))
    assert search.snapshot.versions == {a.id: a.version for a in store.articles().values()}


def test_check_seconds_limits_how_often_the_index_is_checked(store: PassageStore, tmp_path: Path) -> None:
    search = HybridSearch(store, HashVectors(), BM25_ONLY, check_seconds=3600)
    open_store(tmp_path / "data").write_article(*article(21, 1))
    assert marker_hits(search, 21, 1) == []  # not checked again yet
    assert search.update(force=True) and marker_hits(search, 21, 1)


def test_a_new_process_resumes_the_saved_search_state_and_catches_up(store: PassageStore, tmp_path: Path) -> None:
    cache = tmp_path / "search"
    first = HybridSearch(store, HashVectors(), BM25_ONLY, cache_dir=cache)
    assert (cache / "search-rows.json").exists()
    # While no search runs, articles change.
    store.write_article(*article(3, 2))
    store.remove_article("artikel-004")
    store.write_article(*article(30, 1))
    resumed = HybridSearch(store, HashVectors(), BM25_ONLY, cache_dir=cache)
    fresh = HybridSearch(store, HashVectors(), BM25_ONLY)
    assert first.snapshot.generation != resumed.snapshot.generation == fresh.snapshot.generation
    for n, version in [(3, 1), (3, 2), (4, 1), (30, 1), (5, 1)]:
        assert [p.id for p in marker_hits(resumed, n, version)] == [p.id for p in marker_hits(fresh, n, version)]
    assert marker_hits(resumed, 30, 1) and not marker_hits(resumed, 4, 1) and not marker_hits(resumed, 3, 1)
    np.testing.assert_allclose(
        resumed.lexical.scores("gemeenteraad agenda")[resumed.lexical.alive()].sum(),
        fresh.lexical.scores("gemeenteraad agenda").sum(),
        rtol=1e-5,
    )


@pytest.mark.parametrize("damage", ["truncate", "garbage", "mismatch"])
def test_a_damaged_saved_state_is_rebuilt_not_trusted(store: PassageStore, tmp_path: Path, damage: str) -> None:
    cache = tmp_path / "search"
    HybridSearch(store, HashVectors(), BM25_ONLY, cache_dir=cache)
    lexical = cache / "search-lexical.npz"
    if damage == "truncate":
        lexical.write_bytes(lexical.read_bytes()[:100])
    elif damage == "garbage":
        (cache / "search-rows.json").write_text("{not json", encoding="utf-8")
    else:  # the two files of different saves
        other = tmp_path / "other"
        s = open_store(tmp_path / "data2")
        s.write_article(*article(1, 1))
        HybridSearch(s, HashVectors(), cache_dir=other)
        lexical.write_bytes((other / "search-lexical.npz").read_bytes())
    search = HybridSearch(store, HashVectors(), BM25_ONLY, cache_dir=cache)
    assert search.size == 60 and marker_hits(search, 7, 1)


def test_bm25_updated_in_place_scores_like_a_fresh_index() -> None:
    """Removing and adding rows gives the scores a fresh BM25 over the live passages gives (idf, lengths)."""
    passages = [p for n in range(30) for p in article(n, 1)[1]]
    extra = [p for n in range(30, 40) for p in article(n, 1)[1]]
    updated = LexicalIndex(passages).with_changes(removed=range(0, 60)).with_changes(added=extra)
    fresh = LexicalIndex(passages[60:] + extra)
    for query in ["kenmerk12x1 gemeenteraad", "agenda punt", "kenmerk2x1", "kenmerk35x1 alinea"]:
        scores = updated.scores(query)
        assert not scores[:60].any()  # removed rows never score
        np.testing.assert_allclose(scores[60:], fresh.scores(query), rtol=1e-5, atol=1e-6)
    assert "kenmerk2x1" not in updated.vocabulary and "kenmerk35x1" in updated.vocabulary
    assert updated.idf("agenda") == pytest.approx(fresh.idf("agenda"))
    compact, kept = updated.compacted()
    assert compact.rows == fresh.rows and list(kept[:2]) == [60, 61]
    np.testing.assert_allclose(compact.scores("agenda kenmerk31x1"), fresh.scores("agenda kenmerk31x1"), rtol=1e-5)


def test_an_index_with_a_sentence_collection_is_migrated_without_embedding(tmp_path: Path) -> None:
    """Indexes built before sentence vectors were packed into passages had a sentence collection: opening one
    moves the vectors into the passages (nothing is embedded again) and drops the collection."""
    from index.store import LEGACY_SENTENCES

    client = make_client(tmp_path / "old")
    vectors = HashVectors()
    passages = client.create_collection(PASSAGES, metadata={"hnsw:space": "cosine", "embedding_model": "hash-16"})
    sentences = client.create_collection(LEGACY_SENTENCES, metadata={"hnsw:space": "cosine"})
    record, rows, _ = article(5, 1, paragraphs=3)
    texts = [f"Eerste zin over kenmerk5x1 nummer {p.ordinal}. Tweede zin over de agenda." for p in rows]
    rows = [dataclasses.replace(p, text=t) for p, t in zip(rows, texts, strict=True)]
    passages.add(
        ids=[p.id for p in rows],
        documents=texts,
        embeddings=vectors.embed_documents(texts),
        metadatas=[p.metadata() for p in rows],
    )
    pieces = [(p.id, j, s) for p in rows for j, s in enumerate([p.text.split(". ")[0] + ".", p.text.split(". ")[1]])]
    sentences.add(
        ids=[f"{pid}:s{j}" for pid, j, _ in pieces],
        documents=[s for _, _, s in pieces],
        embeddings=vectors.embed_documents([s for _, _, s in pieces]),
        metadatas=[{"passage_id": pid, "article_id": record.id, "version": record.version} for pid, _, _ in pieces],
    )
    embeddings = ReusingEmbeddings(HashVectors())
    store = PassageStore(client, embeddings)
    assert LEGACY_SENTENCES not in {c.name for c in client.list_collections()}
    stored, _ = store.stored(record.id, record.version)
    for _, _, sentence in pieces:  # every sentence vector survived, exactly as stored
        np.testing.assert_allclose(stored[sentence], vectors.embed_documents([sentence])[0], atol=2e-3)
    assert embeddings.embedded == 0


def test_rows_from_before_the_one_string_layout_read_like_new_ones(tmp_path: Path) -> None:
    """Passages written before a row kept its text and fields in one metadata string (the text as Chroma document,
    one metadata key per field) are read, searched and reused exactly like rows written now."""
    client = make_client(tmp_path / "mixed")
    vectors = HashVectors()
    old_record, old_rows, _ = article(1, 1, paragraphs=2)
    collection = client.create_collection(PASSAGES, metadata={"hnsw:space": "cosine", "embedding_model": "hash-16"})
    collection.add(
        ids=[p.id for p in old_rows],
        documents=[p.text for p in old_rows],
        embeddings=vectors.embed_documents([p.text for p in old_rows]),
        metadatas=[p.metadata() for p in old_rows],
    )
    embeddings = ReusingEmbeddings(HashVectors())
    store = PassageStore(client, embeddings)
    new_record, new_rows, new_sentences = article(2, 1, paragraphs=2)
    store.write_articles([(new_record, new_rows, new_sentences)])
    read = store.passages_by_id([p.id for p in old_rows + new_rows])
    assert read == {p.id: p for p in old_rows + new_rows}
    stored, texts = store.stored(old_record.id, old_record.version)
    assert texts == [p.text for p in old_rows] and set(stored) >= set(texts)
    nearest = store.search_passages(vectors.embed_query(new_rows[1].text), 1)
    assert nearest[0][0] == new_rows[1].id and nearest[0][1] == pytest.approx(1.0, abs=1e-3)
    scoped = store.search_passages(vectors.embed_query(new_rows[1].text), 2, article_ids=[old_record.id])
    assert {i for i, _ in scoped} == {p.id for p in old_rows}


@pytest.mark.parametrize("size", [5, 20, 161, 5000])
def test_bm25_candidates_are_the_best_scoring_rows_whatever_the_corpus_size(size: int) -> None:
    """The top-n shortcut (a floor from every 4th score) picks exactly the rows a full sort would."""
    rng = np.random.default_rng(size)
    values = np.round(rng.random(size) * 10, 1).astype(np.float32)  # ties included
    values[rng.random(size) < 0.3] = 0
    rows = np.arange(size) * 3
    top = _top(rows, values, 20)
    expected = sorted(values[values > 0].tolist(), reverse=True)[:20]
    assert [float(values[r // 3]) for r in top] == expected


def test_sentence_vectors_are_stored_as_int8_and_float16_rows_from_before_read_alike(tmp_path: Path) -> None:
    """A passage row keeps its sentences' vectors as int8 with a scale each: the cosines search ranks by stay
    within 0.01 of the embedder's. Rows written before, with float16 vectors, are read the same."""
    vectors = HashVectors()
    store = PassageStore(make_client(tmp_path / "int8"), ReusingEmbeddings(vectors))
    record, rows, sentences = article(3, 1, paragraphs=3)
    store.write_articles([(record, rows, sentences)])

    def exact(passage: Passage) -> np.ndarray:
        return np.asarray(vectors.embed_documents([s.text for s in sentences if s.passage_id == passage.id]))

    read = store.passages_with_sentences([p.id for p in rows])
    for p in rows:
        assert read[p.id][0] == p
        np.testing.assert_allclose(read[p.id][1] @ exact(p).T, exact(p) @ exact(p).T, atol=0.01)
    collection = store._passages._collection
    old = collection.get(ids=[rows[0].id], include=["metadatas"])["metadatas"][0]
    body = str(old[ROW]).split(_SPLIT, 1)[0]
    half = exact(rows[0]).astype(np.float16)
    packed = f"{half.shape[1]}:" + base64.b64encode(half.tobytes()).decode("ascii")
    collection.update(ids=[rows[0].id], metadatas=[old | {ROW: body + _SPLIT + packed}])
    passage, sentence_vectors = store.passages_with_sentences([rows[0].id])[rows[0].id]
    assert passage == rows[0]
    np.testing.assert_allclose(sentence_vectors, exact(rows[0]), atol=1e-3)
