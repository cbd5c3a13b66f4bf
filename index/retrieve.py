"""Hybrid retrieval: BM25 and dense (passage + best sentence) scores, z-normalised and fused.

Plain reciprocal-rank fusion lets a weak signal drown a strong one (BM25 is useless for an English
question over Dutch articles; MiniLM is weak on Dutch). Here each signal's scores become z-scores
against the whole corpus (BM25 scores every passage; dense statistics come from a sample of stored
vectors), so a signal that finds nothing special stays near zero instead of being stretched by
rank. The lexical weight is scaled by how much of the query's vocabulary the corpus knows at all,
so a question in another language leans on the dense signal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from index.embeddings import Embedder
from index.lexical import LexicalIndex
from index.passages import Passage
from index.store import PassageStore


@dataclass(frozen=True)
class RetrievalConfig:
    """Knobs of hybrid retrieval; the defaults are tuned on XQuAD-NL (see bench/retrieval.py)."""

    k: int = 5
    candidates: int = 40
    lexical_weight: float = 0.5
    coverage_power: float = 2.0
    sentence_weight: float = 0.5
    mode: str = "hybrid"  # hybrid | dense | lexical


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score and the signals behind it."""

    passage: Passage
    score: float
    signals: dict[str, float] = field(default_factory=dict)


class HybridSearch:
    """Searches the current passages of a store; call `refresh()` after the index changed."""

    def __init__(self, store: PassageStore, embedder: Embedder, config: RetrievalConfig | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self.refresh()

    def refresh(self) -> None:
        """Reload the passage snapshot and rebuild the lexical index from the store's contents."""
        self.passages = self.store.passages()
        self._by_id = {p.id: i for i, p in enumerate(self.passages)}
        self.lexical = LexicalIndex(self.passages)
        self._samples = self.store.sample_vectors() if self.passages else {}

    def search(self, query: str, *, k: int | None = None, article_ids: list[str] | None = None) -> list[Hit]:
        """The best `k` passages for `query`, optionally only from some articles."""
        cfg = self.config
        k = k or cfg.k
        if not self.passages or not query.strip():
            return []
        allowed = None if not article_ids else {i for i, p in enumerate(self.passages) if p.article_id in article_ids}
        if allowed is not None and not allowed:
            return []
        signals: dict[str, dict[int, float]] = {}
        if cfg.mode in ("hybrid", "dense"):
            vector = self.embedder.embed_query(query)
            n = cfg.candidates
            signals["passage"] = self._known(self.store.search_passages(vector, n, article_ids), allowed)
            signals["sentence"] = self._known(self.store.search_sentences(vector, 3 * n, article_ids), allowed)
            for name in ("passage", "sentence"):
                # z-scores against the corpus: similarity statistics of a sample of stored vectors.
                sims = self._samples[name] @ np.asarray(vector, dtype=np.float32)
                mean, std = float(sims.mean()), float(sims.std()) or 1.0
                signals[name] = {i: (s - mean) / std for i, s in signals[name].items()}
        if cfg.mode in ("hybrid", "lexical"):
            scores = self.lexical.scores(query)
            order = [int(i) for i in np.argsort(-scores) if scores[i] > 0 and (allowed is None or i in allowed)]
            signals["lexical"] = {i: float(scores[i]) for i in order[: cfg.candidates]}
            if allowed is not None:
                scores = scores[sorted(allowed)]
            # BM25 is scored over the whole corpus, so its z-scores use the corpus statistics.
            mean, std = float(scores.mean()), float(scores.std()) or 1.0
            signals["lexical"] = {i: (s - mean) / std for i, s in signals["lexical"].items()}
        coverage = self.lexical.coverage(query) if "lexical" in signals else 0.0
        fused = self._fuse(signals, coverage)
        best = sorted(fused.items(), key=lambda item: -item[1])[:k]
        return [
            Hit(
                self.passages[i],
                score,
                {name: values[i] for name, values in signals.items() if i in values} | {"coverage": coverage},
            )
            for i, score in best
        ]

    def _known(self, hits: list[tuple[str, float]], allowed: set[int] | None) -> dict[int, float]:
        """Keep the best score per current passage (stale versions and other scopes are dropped)."""
        out: dict[int, float] = {}
        for passage_id, score in hits:
            i = self._by_id.get(passage_id)
            if i is not None and (allowed is None or i in allowed) and score > out.get(i, -np.inf):
                out[i] = score
        return out

    def _fuse(self, signals: dict[str, dict[int, float]], coverage: float) -> dict[int, float]:
        cfg = self.config
        candidates = sorted({i for values in signals.values() for i in values})
        if not candidates:
            return {}
        z = {name: _floored(values, candidates) for name, values in signals.items() if values}
        if cfg.mode == "lexical" or "passage" not in z:
            return dict(zip(candidates, z.get("lexical", np.zeros(len(candidates))), strict=True))
        dense = (1 - cfg.sentence_weight) * z["passage"] + cfg.sentence_weight * z.get("sentence", z["passage"])
        total = dense
        if cfg.mode == "hybrid" and "lexical" in z:
            weight = cfg.lexical_weight * coverage**cfg.coverage_power
            total = weight * z["lexical"] + (1 - weight) * total
        return dict(zip(candidates, total.tolist(), strict=True))


def _floored(values: dict[int, float], candidates: list[int]) -> np.ndarray:
    """One signal's scores over all candidates; those it did not return get its lowest returned value."""
    floor = min(values.values())
    return np.array([values.get(i, floor) for i in candidates], dtype=float)


class HybridRetriever(BaseRetriever):
    """LangChain retriever over `HybridSearch`; each Document carries its passage and scores in metadata."""

    search: HybridSearch
    k: int | None = None
    article_ids: list[str] | None = None

    model_config = {"arbitrary_types_allowed": True}

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [hit_to_document(hit) for hit in self.search.search(query, k=self.k, article_ids=self.article_ids)]

    def with_scope(self, article_ids: list[str] | None) -> HybridRetriever:
        return self.model_copy(update={"article_ids": article_ids})


def hit_to_document(hit: Hit) -> Document:
    passage = hit.passage
    return Document(
        id=passage.id,
        page_content=passage.text,
        metadata=passage.metadata() | {"score": hit.score, "signals": hit.signals},
    )


def document_to_hit(document: Document) -> Hit:
    meta = dict(document.metadata)
    score = float(meta.pop("score", 0.0))
    signals = meta.pop("signals", {})
    return Hit(Passage.from_metadata(str(document.id), document.page_content, meta), score, signals)
