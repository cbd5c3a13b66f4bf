"""A store past SQLite's 32,766 bound variables: every read pages, and leftovers of an interrupted write
are collected.

The vectors are 16 numbers from a hash of the text (small vectors and generated text, so that 34,000 rows
build in seconds; tests/generated.py); Chroma, its SQLite and the store's code are the real ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embeddings import ReusingEmbeddings
from index.passages import Passage
from index.store import ArticleRecord, PassageStore, SentenceRow, make_client
from tests.generated import HashVectors, make_article

ARTICLES, PER_ARTICLE = 34, 1_000  # 34,000 passages


def article(n: int, version: str = "v1") -> tuple[ArticleRecord, list[Passage], list[SentenceRow]]:
    """Ids like 'artikel-003-v1-0007' (no ':'), so reads that parse ids fall back to metadata here."""
    texts = [
        f"Alinea {i} van artikel {n} ({version}): de gemeenteraad besprak punt {i * 7 + n}." for i in range(PER_ARTICLE)
    ]
    return make_article(n, version, texts, sentence_rows=50, sep="-")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> PassageStore:
    data: Path = tmp_path_factory.mktemp("big-store")
    store = PassageStore(make_client(data), ReusingEmbeddings(HashVectors()))
    for n in range(ARTICLES):
        store.write_article(*article(n))
    return store


def test_every_read_works_past_32766_rows(store: PassageStore) -> None:
    assert len(store.articles()) == ARTICLES and store.count() == ARTICLES * PER_ARTICLE
    passages = store.passages()
    assert len(passages) == ARTICLES * PER_ARTICLE
    assert len({p.id for p in passages}) == len(passages)  # no page read twice
    assert [p.ordinal for p in passages[:3]] == [0, 1, 2] and passages[-1].article_id == f"artikel-{ARTICLES - 1:03d}"
    scoped = store.passages([f"artikel-{n:03d}" for n in range(0, ARTICLES, 2)])
    assert len(scoped) == (ARTICLES // 2) * PER_ARTICLE
    assert store.collect_garbage() == 0


def test_leftovers_of_an_interrupted_update_are_collected_from_both_collections(
    store: PassageStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    record, passages, sentences = article(3, version="v2")

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt("killed before the catalog commit")

    with monkeypatch.context() as patch:
        patch.setattr(store._catalog, "add_texts", killed)
        with pytest.raises(KeyboardInterrupt):
            store.write_article(record, passages, sentences)
    # Readers still see version 1 only; the leftovers are the 1,000 new passage rows.
    assert {p.version for p in store.passages(["artikel-003"])} == {"v1"}
    assert store.collect_garbage() == PER_ARTICLE
    assert store.collect_garbage() == 0
    assert len(store.passages()) == ARTICLES * PER_ARTICLE
