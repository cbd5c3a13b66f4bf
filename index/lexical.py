"""BM25 over the current passages with Dutch stemming and stop words; rebuilt from the store, never stored."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.passages import Passage


class LexicalIndex:
    """Okapi BM25 (bm25s + Snowball stemmer) over passage texts, with their section headings."""

    def __init__(self, passages: Sequence[Passage], language: str = "dutch") -> None:
        import bm25s
        import Stemmer

        self._bm25s = bm25s
        self._stemmer = Stemmer.Stemmer(language)
        self._stopwords = {"dutch": "nl", "english": "en"}.get(language, language)
        self.size = len(passages)
        self._bm25 = bm25s.BM25()
        self.vocabulary: set[str] = set()
        if passages:
            corpus = self._tokens([_searchable(p) for p in passages])
            self.vocabulary = {t for doc in corpus for t in doc}
            self._bm25.index(corpus, show_progress=False)

    def _tokens(self, texts: list[str]) -> list[list[str]]:
        return self._bm25s.tokenize(
            texts, stopwords=self._stopwords, stemmer=self._stemmer, return_ids=False, show_progress=False
        )

    def query_terms(self, query: str) -> list[str]:
        """Stemmed content words of a query."""
        return self._tokens([query])[0]

    def coverage(self, query: str) -> float:
        """Share of the query's content words that occur in the corpus: low for another language."""
        terms = self.query_terms(query)
        return sum(t in self.vocabulary for t in terms) / len(terms) if terms else 0.0

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage, in the order they were given."""
        terms = [t for t in self.query_terms(query) if t in self.vocabulary]
        if not self.size or not terms:
            return np.zeros(self.size)
        return np.asarray(self._bm25.get_scores(terms), dtype=float)


def _searchable(passage: Passage) -> str:
    # The section heading ("Kernwapens") is part of what a passage is about.
    return f"{passage.section}\n{passage.text}" if passage.section else passage.text
