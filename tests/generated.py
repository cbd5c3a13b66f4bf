"""Generated articles and cheap vectors for store-level tests that need many rows or many versions.

The vectors are 16 numbers from a hash of the text: these tests are about which rows the store and the
search keep and return, not about how well dense retrieval ranks them. Chroma and its SQLite are real.
"""

from __future__ import annotations

import hashlib

import numpy as np

from index.embeddings import Embedder
from index.passages import Passage
from index.store import ArticleRecord, SentenceRow


class HashVectors(Embedder):
    name = "hash-16"
    max_tokens = 400

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out = []
        for text in texts:
            raw = np.frombuffer(hashlib.sha256(text.encode()).digest()[:16], dtype=np.uint8).astype(np.float32)
            out.append((raw / np.linalg.norm(raw)).tolist())
        return out


def make_article(
    n: int, version: str, texts: list[str], *, sentence_rows: int | None = None, sep: str = ":"
) -> tuple[ArticleRecord, list[Passage], list[SentenceRow]]:
    """Article `artikel-NNN` at `version` with one passage per text; each of the first `sentence_rows`
    passages (all by default) is one sentence. `sep` joins the parts of passage ids."""
    article_id = f"artikel-{n:03d}"
    passages = [
        Passage(
            id=f"{article_id}{sep}{version}{sep}{i:04d}",
            article_id=article_id,
            ordinal=i,
            text=text,
            start=0,
            end=10,
            paragraph=i,
            section="",
            title=f"Artikel {n}",
            date="2024-01-01",
            source=f"{article_id}.txt",
            version=version,
            hash=f"{n}-{version}-{i}",
        )
        for i, text in enumerate(texts)
    ]
    sentences = [SentenceRow(f"{p.id}:s0", p.id, article_id, version, p.text) for p in passages[:sentence_rows]]
    record = ArticleRecord(article_id, f"Artikel {n}", "2024-01-01", f"{article_id}.txt", "h", version, len(passages))
    return record, passages, sentences
