"""Hybrid retrieval: BM25 and dense (passage + best sentence) scores, z-normalised and fused.

Plain reciprocal-rank fusion lets a weak signal drown a strong one (BM25 is useless for an English
question over Dutch articles; MiniLM is weak on Dutch). Here each signal's scores become z-scores
against the whole corpus (BM25 scores every passage; dense statistics come from a sample of stored
vectors), so a signal that finds nothing special stays near zero instead of being stretched by
rank. The lexical weight is scaled by how much of the query's vocabulary the corpus knows at all,
so a question in another language leans on the dense signal.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from index import snapshot as snapshots
from index.embeddings import Embedder
from index.lexical import LexicalIndex, Tokenizer
from index.passages import Passage
from index.snapshot import Snapshot
from index.store import PassageStore

logger = logging.getLogger(__name__)
ARTICLE_VECTORS_KEPT = 32  # articles whose vectors stay in memory for scoped questions


@dataclass(frozen=True)
class RetrievalConfig:
    """Knobs of hybrid retrieval; the defaults are tuned on XQuAD-NL (see bench/retrieval.py)."""

    k: int = 5
    candidates: int = 20  # per signal in hybrid mode; one signal alone (dense or lexical mode) takes twice as many
    lexical_weight: float = 0.5
    coverage_power: float = 2.0
    sentence_weight: float = 0.5
    sentence_candidates: int = 12  # hybrid: the best candidates so far whose sentence vectors are read (0: all)
    mode: str = "hybrid"  # hybrid | dense | lexical


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score and the signals behind it."""

    passage: Passage
    score: float
    signals: dict[str, float] = field(default_factory=dict)


class HybridSearch:
    """Searches the current passages of a store, and follows the store's changes by generation.

    The search state is an immutable `Snapshot`, replaced whole (one reference) when the index changes, so
    every search scores and returns passages of one generation. Before a search it checks the store's
    generation (at most every `check_seconds`) and applies what changed, so changes made by another process
    or client show up without a restart. With `cache_dir` the state is kept on disk between processes.
    """

    def __init__(
        self,
        store: PassageStore,
        embedder: Embedder,
        config: RetrievalConfig | None = None,
        *,
        cache_dir: Path | None = None,
        check_seconds: float = 0.0,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self.cache_dir = cache_dir
        self.check_seconds = check_seconds
        self._tokenizer = Tokenizer()
        self._lock = threading.Lock()  # one update at a time; searches never wait for it
        self._checked = time.monotonic()
        self._vectors: OrderedDict[tuple[str, str], tuple] = OrderedDict()
        self._snapshot, stale = snapshots.resume(store, cache_dir, self._tokenizer)
        if stale:
            self._save(self._snapshot)

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def lexical(self) -> LexicalIndex:
        return self._snapshot.lexical

    @property
    def size(self) -> int:
        """Current passages."""
        return self._snapshot.size

    def refresh(self) -> None:
        """Rebuild the search state from the store's contents, from scratch."""
        with self._lock:
            self._snapshot = snapshots.build(self.store, self._tokenizer)
        self._save(self._snapshot)

    def update(self, *, force: bool = False) -> bool:
        """Apply index changes since the current generation; True when something changed. Cheap when nothing
        did (one catalog read by id); skipped when the last check was less than `check_seconds` ago."""
        if not force and time.monotonic() - self._checked < self.check_seconds:
            return False
        with self._lock:
            self._checked = time.monotonic()
            current = self._snapshot
            fresh = snapshots.updated(current, self.store)
            if fresh is current:
                return False
            self._snapshot = fresh  # the swap: searches from here on see the new generation
        if self.cache_dir:
            threading.Thread(target=self._save, args=(fresh,), name="citebot-save-search", daemon=True).start()
        return True

    def _save(self, snapshot: Snapshot) -> None:
        if self.cache_dir is None:
            return
        try:
            with self._lock:  # saving reads the vocabulary an update may be growing
                snapshots.save(snapshot, self.cache_dir)
        except OSError as exc:  # a cache: the search works without it
            logger.warning("could not save the search state to %s: %s", self.cache_dir, exc)

    def search(self, query: str, *, k: int | None = None, article_ids: list[str] | None = None) -> list[Hit]:
        """The best `k` passages for `query`, optionally only from some articles."""
        self.update()
        snap = self._snapshot  # one generation for the whole search
        cfg = self.config
        k = k or cfg.k
        if not snap.size or not query.strip():
            return []
        scope = snap.rows_of(article_ids) if article_ids else None
        if scope is not None and not len(scope):
            return []
        signals: dict[str, dict[int, float]] = {}
        # At most 2 x candidates rows are read per search whatever the mode: each is one row read from Chroma.
        n = cfg.candidates if cfg.mode == "hybrid" else 2 * cfg.candidates
        if cfg.mode in ("hybrid", "lexical"):
            scores = snap.lexical.scores(query)
            # Only rows holding a query word score above 0 (at 100k passages, typically a third of them).
            rows = scope if scope is not None else np.nonzero(scores > 0)[0]  # (flatnonzero of floats is 10x slower)
            values = scores[rows]
            top = _top(rows, values, n)
            # BM25 is scored over the whole corpus (or the scope), so its z-scores use those statistics.
            mean, std = _moments(values, len(scope) if scope is not None else snap.lexical.size)
            signals["lexical"] = {int(i): (float(scores[i]) - mean) / std for i in top}
        fetched: dict[str, tuple[Passage, np.ndarray]] = {}
        coverage = snap.lexical.coverage(query) if "lexical" in signals else 0.0
        if cfg.mode in ("hybrid", "dense"):
            vector = self.embedder.embed_query(query)
            query_vector = np.asarray(vector, dtype=np.float32)
            if article_ids:
                passage, sentence = self._scoped_dense(snap, query_vector, article_ids)
                signals["passage"] = _z(snap, "passage", passage, query_vector)
            else:
                hits = self._known(snap, self.store.search_passages(vector, n))
                signals["passage"] = _z(snap, "passage", hits, query_vector)
                # The best sentence of every candidate (dense or BM25), from the vectors stored with it.
                candidates = sorted(set(signals["passage"]) | set(signals.get("lexical", {})))
                read = max(cfg.sentence_candidates, k)
                if cfg.mode == "hybrid" and cfg.sentence_candidates and len(candidates) > read:
                    # Each candidate is a row read from Chroma (disk pages at 100k passages): only the best by
                    # BM25 and passage similarity (XQuAD-NL hit@1 the same as reading all ~35 of them; dense mode,
                    # which leans on the sentence signal more, reads all).
                    ranked = self._fuse(signals, coverage)
                    candidates = sorted(sorted(ranked, key=lambda i: -ranked[i])[:read])
                fetched = self.store.passages_with_sentences([snap.ids[i] for i in candidates])
                sentence = {
                    i: float((fetched[snap.ids[i]][1] @ query_vector).max())
                    for i in candidates
                    if snap.ids[i] in fetched and len(fetched[snap.ids[i]][1])
                }
            signals["sentence"] = _z(snap, "sentence", sentence, query_vector)
        fused = self._fuse(signals, coverage)
        best = sorted(fused.items(), key=lambda item: -item[1])[:k]
        missing = [snap.ids[i] for i, _ in best if snap.ids[i] not in fetched]
        passages = {i: p for i, (p, _) in fetched.items()} | (self.store.passages_by_id(missing) if missing else {})
        return [
            Hit(
                passages[snap.ids[i]],
                score,
                {name: values[i] for name, values in signals.items() if i in values} | {"coverage": coverage},
            )
            for i, score in best
            if snap.ids[i] in passages  # gone since this generation (a writer dropped the old version)
        ]

    def article_passages(self, article_id: str) -> list[Passage]:
        """The current passages of one article, in order (read by id: one small read per call)."""
        ids = self._snapshot.passage_ids(article_id)
        found = self.store.passages_by_id(ids)
        return sorted((found[i] for i in ids if i in found), key=lambda p: p.ordinal)

    def _known(self, snap: Snapshot, hits: list[tuple[str, float]]) -> dict[int, float]:
        """Keep the best score per current passage (stale versions are dropped)."""
        out: dict[int, float] = {}
        for passage_id, score in hits:
            i = snap.by_id.get(passage_id)
            if i is not None and score > out.get(i, -np.inf):
                out[i] = score
        return out

    def _scoped_dense(
        self, snap: Snapshot, query: np.ndarray, article_ids: list[str]
    ) -> tuple[dict[int, float], dict[int, float]]:
        """Passage and best-sentence similarity of every passage of a few articles, scored here (a filtered
        nearest-neighbour search in Chroma gets slow as the collection grows)."""
        passages: dict[int, float] = {}
        sentences: dict[int, float] = {}
        for article_id in dict.fromkeys(article_ids):
            version = snap.versions.get(article_id)
            if version is None:
                continue
            passage_ids, passage_vectors, sentence_ids, sentence_vectors = self._article_vectors(
                snap, article_id, version
            )
            for out, ids, sims in (
                (passages, passage_ids, passage_vectors @ query),
                (sentences, sentence_ids, sentence_vectors @ query),
            ):
                for passage_id, sim in zip(ids, sims.tolist(), strict=True):
                    row = snap.by_id.get(passage_id)
                    if row is not None and sim > out.get(row, -np.inf):
                        out[row] = sim
        return passages, sentences

    def _article_vectors(self, snap: Snapshot, article_id: str, version: str) -> tuple:
        key = (article_id, version)
        if key in self._vectors:
            self._vectors.move_to_end(key)
            return self._vectors[key]
        vectors = self.store.passage_vectors(snap.passage_ids(article_id))
        self._vectors[key] = vectors
        while len(self._vectors) > ARTICLE_VECTORS_KEPT:
            self._vectors.popitem(last=False)
        return vectors

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


def _z(snap: Snapshot, name: str, values: dict[int, float], query: np.ndarray) -> dict[int, float]:
    """Dense similarities as z-scores against the corpus: similarity statistics of a sample of stored vectors."""
    sims = snap.samples[name] @ query
    mean, std = float(sims.mean()), float(sims.std()) or 1.0
    return {i: (s - mean) / std for i, s in values.items()}


def _top(rows: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """The `n` rows with the highest positive `values` (one per row), best first, without sorting all of them."""
    if len(values) > 8 * n:
        # The n-th best of every 4th value is at most the n-th best of all: a safe floor that leaves few rows.
        floor = np.partition(values[::4], -n)[-n]
        keep = np.nonzero(values >= floor)[0]
        rows, values = rows[keep], values[keep]
    if len(values) > n:
        part = np.argpartition(-values, n)[:n]
        rows, values = rows[part], values[part]
    order = np.argsort(-values, kind="stable")
    return rows[order][values[order] > 0]


def _moments(values: np.ndarray, n: int) -> tuple[float, float]:
    """Mean and standard deviation (1.0 when 0) of `n` scores: `values` and n - len(values) zeros."""
    if n <= 0:
        return 0.0, 1.0
    mean = float(values.sum(dtype=np.float64)) / n
    variance = float(values.astype(np.float64) @ values) / n - mean * mean
    return mean, math.sqrt(variance) if variance > 1e-12 else 1.0


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
