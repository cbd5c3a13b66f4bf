"""The dense half of retrieval finds the true nearest passages, not an approximation that changes between runs.

A real Chroma store in a tmp dir; vectors are random directions in 96 dimensions (seeded by the text), the
hard case for an approximate nearest-neighbour graph: with Chroma's default search breadth (100) a 2,000-passage
index misses about one in forty of the true 20 nearest.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from index.embeddings import ReusingEmbeddings
from index.store import PASSAGES, SEARCH_EF, PassageStore, make_client
from tests.generated import HashVectors, make_article


class RandomDirections(HashVectors):
    name = "random-96"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(96).astype(np.float32)
            out.append((v / np.linalg.norm(v)).tolist())
        return out


def test_the_nearest_passages_are_the_exact_nearest(tmp_path: Path) -> None:
    store = PassageStore(make_client(tmp_path), ReusingEmbeddings(RandomDirections()))
    articles = [make_article(a, "v1", [f"tekst {a} {i}" for i in range(50)]) for a in range(40)]
    store.write_articles(articles)
    ids = [p.id for _, passages, _ in articles for p in passages]
    matrix = np.array(RandomDirections().embed_documents([p.text for _, ps, _ in articles for p in ps]))
    for q in range(30):
        query = RandomDirections().embed_query(f"vraag {q}")
        exact = [ids[i] for i in np.argsort(-(matrix @ np.array(query)))[:20]]
        found = store.search_passages(query, 20)
        assert [i for i, _ in found] == exact
        assert [s for _, s in found] == pytest.approx(
            sorted((matrix @ np.array(query)).tolist(), reverse=True)[:20], abs=1e-4
        )


def test_an_index_created_with_the_default_search_breadth_gets_ours_on_open(tmp_path: Path) -> None:
    """Indexes built before the setting keep their graph and vectors; only the search breadth changes, once."""
    client = make_client(tmp_path)
    old = client.create_collection(PASSAGES, metadata={"hnsw:space": "cosine", "embedding_model": "random-96"})
    assert old.configuration_json["hnsw"]["ef_search"] == 100
    PassageStore(client, ReusingEmbeddings(RandomDirections()))
    reopened = make_client(tmp_path).get_collection(PASSAGES)
    assert reopened.configuration_json["hnsw"] == reopened.configuration_json["hnsw"] | {
        "ef_search": SEARCH_EF,
        "space": "cosine",
    }
