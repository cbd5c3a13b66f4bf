"""The default answerer: quote the sentences of the retrieved passages that best answer the question."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.answer.types import Answer, Citation
from index.embeddings import Embedder
from index.lexical import LexicalIndex
from index.retrieve import Hit
from index.sentences import sentence_spans


@dataclass(frozen=True)
class ScoredSentence:
    hit: Hit
    start: int
    end: int
    score: float
    similarity: float
    overlap: float

    @property
    def text(self) -> str:
        return self.hit.passage.text[self.start : self.end]


@dataclass
class ExtractiveAnswerer:
    """Scores each sentence of the top passages by meaning (embedding cosine) and shared words.

    Shared words are weighted by IDF, so a rare word of the question ("bang", "journaliste") counts more
    than the article's subject, and a name the articles never use ("Biden") pulls the score down. Their
    weight shrinks with the share of the question's words the corpus knows, so a question in another
    language is judged on meaning. A sentence is quoted when its score reaches `threshold`; below it the
    answer says the articles do not cover the question (tuned with bench/threshold.py).
    """

    embedder: Embedder
    lexical: Callable[[], LexicalIndex]
    threshold: float = 0.40
    cross_lingual_threshold: float = 0.38
    max_quotes: int = 2
    passages: int = 3
    overlap_weight: float = 0.7
    corpus_language: str = "nl"

    def score(self, question: str, query: str, hits: list[Hit], language: str = "nl") -> list[ScoredSentence]:
        """Every sentence of the top passages, best first; `query` adds context words of a follow-up."""
        spans = [(hit, s, e) for hit in hits[: self.passages] for s, e in sentence_spans(hit.passage.text)]
        if not spans:
            return []
        texts = [hit.passage.text[s:e] for hit, s, e in spans]
        vectors = np.asarray(self.embedder.embed_documents([query, *texts]), dtype=np.float32)
        similarities = vectors[1:] @ vectors[0]
        weights = self._term_weights(question, query)
        total = sum(weights.values()) or 1.0
        lexical = self.lexical()
        # Shared words only mean something when the question is in the articles' language.
        w = self.overlap_weight * (1.0 if language == self.corpus_language else lexical.coverage(question))
        scored = []
        for (hit, s, e), text, similarity in zip(spans, texts, similarities, strict=True):
            overlap = sum(weights[t] for t in weights.keys() & set(lexical.query_terms(text))) / total
            score = (1 - w) * float(similarity) + w * overlap
            scored.append(ScoredSentence(hit, s, e, score, float(similarity), overlap))
        return sorted(scored, key=lambda x: -x.score)

    def _term_weights(self, question: str, query: str) -> dict[str, float]:
        """IDF per query word; names the corpus never uses weigh most, words of earlier turns a quarter."""
        lexical = self.lexical()
        names = set(lexical.query_terms(" ".join(re.findall(r"(?<=\w )[A-Z]\w+", question))))
        own = set(lexical.query_terms(question))
        weights = {}
        for term in set(lexical.query_terms(query)) | own:
            known = term in lexical.vocabulary or term in names
            weight = lexical.idf(term) if known else 1.0
            weights[term] = weight if term in own else weight / 4
        return weights

    def answer(
        self, question: str, query: str, hits: list[Hit], language: str, on_partial: Callable[[str], None] | None = None
    ) -> Answer:
        """Quote the best sentence (and a close runner-up), or say the articles do not say."""
        scored = self.score(question, query, hits, language)
        threshold = self.threshold if language == self.corpus_language else self.cross_lingual_threshold
        if not scored or scored[0].score < threshold:
            return Answer.not_in_articles(question, query, language)
        best = scored[0].score
        chosen = [s for s in scored if s.score >= max(threshold, 0.85 * best)][: self.max_quotes]
        # Quote in reading order: by passage rank first, then position in the passage.
        rank = {id(hit): i for i, hit in enumerate(hits)}
        chosen.sort(key=lambda s: (rank[id(s.hit)], s.start))
        citations: list[Citation] = []
        parts: list[str] = []
        for sentence in chosen:
            passage = sentence.hit.passage
            existing = next((c for c in citations if c.passage_id == passage.id), None)
            if existing is None:
                existing = Citation.from_passage(len(citations) + 1, passage, sentence.text)
                citations.append(existing)
            else:  # a second quote from the same passage: widen the quote to cover both
                lo = min(passage.text.find(existing.quote), sentence.start)
                hi = max(passage.text.find(existing.quote) + len(existing.quote), sentence.end)
                citations[existing.n - 1] = Citation(**{**existing.__dict__, "quote": passage.text[lo:hi]})
            parts.append(f"{sentence.text} [{existing.n}]")
        return Answer(question, " ".join(parts), answered=True, citations=citations, language=language, query=query)
