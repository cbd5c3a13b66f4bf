"""BM25 over the current passages with Dutch stemming and stop words; rebuilt from the store, never stored."""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from index.passages import Passage


class LexicalIndex:
    """Okapi BM25 (bm25s + Snowball stemmer) over passage texts, with their section headings."""

    def __init__(self, passages: Sequence[Passage], language: str = "dutch") -> None:
        import bm25s
        import Stemmer

        # bm25s sets its own logger to DEBUG at import; its "Building index" lines are noise for users.
        logging.getLogger("bm25s").setLevel(logging.WARNING)

        self._bm25s = bm25s
        self._stemmer = Stemmer.Stemmer(language)
        self._stopwords = stopwords(language)
        self.size = len(passages)
        self._bm25 = bm25s.BM25()
        self.vocabulary: set[str] = set()
        self._df: Counter[str] = Counter()
        if passages:
            corpus = self._tokens([searchable(p) for p in passages])
            for doc in corpus:
                self._df.update(set(doc))
            self.vocabulary = set(self._df)
            self._bm25.index(corpus, show_progress=False)

    def _tokens(self, texts: list[str]) -> list[list[str]]:
        return self._bm25s.tokenize(
            texts, stopwords=self._stopwords, stemmer=self._stemmer, return_ids=False, show_progress=False
        )

    def query_terms(self, query: str) -> list[str]:
        """Stemmed content words of a query."""
        return self._tokens([query])[0]

    def terms(self, texts: list[str]) -> list[list[str]]:
        """Stemmed content words of each text, in one tokenizer call."""
        return self._tokens(texts) if texts else []

    def coverage(self, query: str) -> float:
        """Share of the query's content words that occur in the corpus: low for another language."""
        terms = self.query_terms(query)
        return sum(t in self.vocabulary for t in terms) / len(terms) if terms else 0.0

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus never uses weighs the most."""
        return math.log(1 + (self.size + 1) / (self._df.get(term, 0) + 0.5))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage, in the order they were given."""
        terms = [t for t in self.query_terms(query) if t in self.vocabulary]
        if not self.size or not terms:
            return np.zeros(self.size)
        return np.asarray(self._bm25.get_scores(terms), dtype=float)


# Question words and auxiliaries say nothing about what a passage is about.
_EXTRA_STOPWORDS = {
    "dutch": "welke welk wie wat waar waarom wanneer hoe hoeveel moet moeten moest worden wordt werd zou zouden "
    "kan kunnen kon gaat gaan ging heeft hebben had volgens",
}


def stopwords(language: str) -> list[str]:
    """bm25s's stop words for 'dutch' or 'english', with our question words and auxiliaries."""
    from bm25s import stopwords as lists

    base = {"dutch": lists.STOPWORDS_DUTCH, "english": lists.STOPWORDS_EN}.get(language, ())
    return sorted(set(base) | set(_EXTRA_STOPWORDS.get(language, "").split()))


def searchable(passage: Passage) -> str:
    """What BM25 indexes of a passage: the section heading ("Kernwapens") is part of what it is about."""
    return f"{passage.section}\n{passage.text}" if passage.section else passage.text
