"""BM25 over the current passages with Dutch stemming and stop words, updated in place of rebuilt.

The index is a list of immutable segments (a sparse term-frequency matrix per batch of passages, Lucene's
layout in miniature). Adding articles adds a segment; replacing or removing one only clears its rows' `alive`
flags. Corpus statistics (document count, average length, document frequencies) cover live rows only and are
applied at query time, so scores equal a fresh Okapi BM25 (Lucene idf, k1 1.5, b 0.75) over the live
passages. `with_changes` returns a new index and leaves the old one untouched, so searches that run during an
update keep a consistent view. `save`/`load` keep it on disk between processes.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from index.passages import Passage

K1, B = 1.5, 0.75
COMPACT_SEGMENTS = 24  # merge segments beyond this many (each costs a little per query term)


@dataclass(frozen=True)
class _Segment:
    tf: sparse.csc_matrix  # rows: passages, columns: term ids (as many as the vocabulary had then)
    length: np.ndarray  # tokens per passage
    alive: np.ndarray  # bool per passage


class Tokenizer:
    """Stemmed content words (bm25s's stop words plus our question words; each word's dictionary form, then the
    Snowball stemmer): "wou" and "wilde" are both "willen", "gestaakt" and "staakten" both "staken", "wegliep"
    and "weggelopen" both "weglopen". A stemmer alone cuts endings, so a question in the past tense missed
    an article's perfect tense."""

    def __init__(self, language: str = "dutch") -> None:
        import bm25s

        self._bm25s = bm25s
        self._stemmer = _LemmaStemmer(language)
        self._stopwords = stopwords(language)

    def __call__(self, texts: list[str]) -> list[list[str]]:
        if not texts:
            return []
        return self._bm25s.tokenize(
            texts, stopwords=self._stopwords, stemmer=self._stemmer, return_ids=False, show_progress=False
        )


# Dictionary forms (simplemma's tables, offline) for the languages we index; others are only stemmed.
_LEMMA_LANGUAGES = {"dutch": "nl", "english": "en"}


class _LemmaStemmer:
    """bm25s's stemmer hook: the Snowball stem of each word's dictionary form (unique words only, cached)."""

    def __init__(self, language: str) -> None:
        import Stemmer

        self._stem = Stemmer.Stemmer(language).stemWord
        self._lang = _LEMMA_LANGUAGES.get(language)
        self._cache: dict[str, str] = {}

    def stemWords(self, words: list[str]) -> list[str]:  # noqa: N802 - the name bm25s calls
        return [self._cache.get(w) or self._add(w) for w in words]

    def _add(self, word: str) -> str:
        lemma = word
        if self._lang and len(word) > 2:
            import simplemma

            # Only words the tables know: a name ("Eindhoven") is not guessed into a plural's singular, and a
            # two-letter word is left alone (the English "he" is not Dutch "heb"). "terug_vinden" (a separable
            # verb) is one word as articles write it.
            if simplemma.is_known(word, lang=self._lang):
                lemma = simplemma.lemmatize(word, lang=self._lang).lower().replace("_", "")
        if len(self._cache) < _LEMMA_CACHE:
            self._cache[word] = stem = self._stem(lemma)
            return stem
        return self._stem(lemma)


_LEMMA_CACHE = 200_000  # distinct words remembered per tokenizer


class LexicalIndex:
    """BM25 scores of every row (live or not) for a query; rows are in the order passages were added."""

    def __init__(
        self,
        passages: Sequence[Passage] = (),
        tokenizer: Tokenizer | None = None,
        *,
        _vocabulary: dict[str, int] | None = None,
        _segments: tuple[_Segment, ...] = (),
        _df: np.ndarray | None = None,
        tag: str = "",
    ) -> None:
        self.tag = tag  # what a saved index belongs to (see index/snapshot.py)
        self._tokenize = tokenizer or Tokenizer()
        self._vocab: dict[str, int] = _vocabulary if _vocabulary is not None else {}
        self._segments = _segments
        self._df = _df if _df is not None else np.zeros(0, dtype=np.int32)
        if passages:
            grown = self.with_changes(added=passages)
            self._vocab, self._segments, self._df = grown._vocab, grown._segments, grown._df
        self._alive = np.concatenate([s.alive for s in self._segments]) if self._segments else np.zeros(0, dtype=bool)
        self.rows = len(self._alive)
        self.size = int(self._alive.sum())
        lengths = np.concatenate([s.length for s in self._segments]) if self._segments else np.zeros(0)
        self._avg_length = float(lengths[self._alive].mean()) if self.size else 1.0
        # BM25's length normalisation per row, fixed for this index (the average length is): a query only adds.
        self._norms = tuple(
            (K1 * ((1 - B) + B * s.length / self._avg_length)).astype(np.float32) for s in self._segments
        )
        self._any_dead = self.size < self.rows

    # ---- changes -------------------------------------------------------------------------------

    def with_changes(self, *, removed: Sequence[int] = (), added: Sequence[Passage] = ()) -> LexicalIndex:
        """A new index with rows `removed` dead and `added` appended as new rows (the old one is unchanged).
        The vocabulary only grows; it is shared, and old segments simply have no column for a newer term."""
        segments = list(self._segments)
        df = self._df
        if len(removed):
            df = df.copy()
            starts = np.cumsum([0] + [len(s.alive) for s in segments])
            rows = np.unique(np.asarray(removed, dtype=np.int64))
            for n, segment in enumerate(segments):
                local = rows[(rows >= starts[n]) & (rows < starts[n + 1])] - starts[n]
                local = local[segment.alive[local]]
                if not len(local):
                    continue
                alive = segment.alive.copy()
                alive[local] = False
                gone = segment.tf.tocsr()[local]
                np.subtract.at(df, gone.indices, 1)
                segments[n] = _Segment(segment.tf, segment.length, alive)
        if len(added):
            docs = self._tokenize([searchable(p) for p in added])
            vocab = self._vocab
            columns, rows_of, counts = [], [], []
            for row, doc in enumerate(docs):
                for term, count in Counter(doc).items():
                    column = vocab.get(term)
                    if column is None:
                        column = vocab[term] = len(vocab)  # the shared vocabulary only grows: safe for readers
                    columns.append(column)
                    rows_of.append(row)
                    counts.append(count)
            shape = (len(docs), len(vocab))
            tf = sparse.csc_matrix(
                (np.asarray(counts, dtype=np.float32), (np.asarray(rows_of), np.asarray(columns))), shape=shape
            )
            grown = np.zeros(len(vocab), dtype=np.int32)
            grown[: len(df)] = df
            np.add.at(grown, np.asarray(columns, dtype=np.int64), 1)
            df = grown
            length = np.asarray([len(d) for d in docs], dtype=np.float32)
            segments.append(_Segment(tf, length, np.ones(len(docs), dtype=bool)))
        if len(segments) > COMPACT_SEGMENTS:
            segments = [_merge(segments, len(self._vocab))]
        return LexicalIndex(tokenizer=self._tokenize, _vocabulary=self._vocab, _segments=tuple(segments), _df=df)

    def compacted(self) -> tuple[LexicalIndex, np.ndarray]:
        """The same live rows in one segment without dead rows, and the old row numbers they came from."""
        keep = np.flatnonzero(self._alive)
        if not self._segments:
            return self, keep
        merged = _merge(list(self._segments), len(self._df))
        segment = _Segment(merged.tf[keep], merged.length[keep], np.ones(len(keep), dtype=bool))
        index = LexicalIndex(tokenizer=self._tokenize, _vocabulary=self._vocab, _segments=(segment,), _df=self._df)
        return index, keep

    # ---- queries -------------------------------------------------------------------------------

    @property
    def vocabulary(self) -> _Known:
        """Terms at least one live passage uses (supports `term in index.vocabulary`)."""
        return _Known(self._vocab, self._df)

    def query_terms(self, query: str) -> list[str]:
        """Stemmed content words of a query."""
        return self._tokenize([query])[0]

    def terms(self, texts: list[str]) -> list[list[str]]:
        """Stemmed content words of each text, in one tokenizer call."""
        return self._tokenize(texts)

    def coverage(self, query: str) -> float:
        """Share of the query's content words that occur in the corpus: low for another language."""
        terms = self.query_terms(query)
        known = self.vocabulary
        return sum(t in known for t in terms) / len(terms) if terms else 0.0

    def df(self, term: str) -> int:
        column = self._vocab.get(term)
        return int(self._df[column]) if column is not None and column < len(self._df) else 0

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus never uses weighs the most."""
        return self._idf(self.df(term))

    @property
    def max_idf(self) -> float:
        """The IDF of a term the corpus never uses: the most any term weighs in an index of this size."""
        return self._idf(0)

    def _idf(self, df: int) -> float:
        return math.log(1 + (self.size + 1) / (df + 0.5))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row (0 for dead rows), in row order."""
        out = np.zeros(self.rows, dtype=np.float32)
        if not self.size:
            return out
        for term in self.query_terms(query):
            df = self.df(term)
            if not df:
                continue
            column = self._vocab[term]
            idf = math.log(1 + (self.size - df + 0.5) / (df + 0.5))
            start = 0
            for segment, norms in zip(self._segments, self._norms, strict=True):
                if column < segment.tf.shape[1]:
                    lo, hi = segment.tf.indptr[column], segment.tf.indptr[column + 1]
                    rows = segment.tf.indices[lo:hi]
                    tf = segment.tf.data[lo:hi]
                    out[start + rows if start else rows] += idf * tf / (norms[rows] + tf)
                start += len(segment.alive)
        if self._any_dead:
            out *= self._alive  # dead rows score 0
        return out

    def alive(self) -> np.ndarray:
        """Which rows are live passages."""
        return self._alive

    # ---- disk ----------------------------------------------------------------------------------

    def save(self, path: Path, tag: str = "") -> None:
        """Write the index to `path` (.npz) atomically: a reader never sees half a file."""
        columns = len(self._df)  # the shared vocabulary may have grown since: this index knows its first terms
        merged = _merge(list(self._segments), columns) if self._segments else None
        terms = list(itertools.islice(self._vocab, columns))
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as fh:
            np.savez(
                fh,
                tag=np.asarray(tag),
                vocabulary=np.asarray(json.dumps(terms)),
                df=self._df,
                data=merged.tf.data if merged else np.zeros(0, np.float32),
                indices=merged.tf.indices if merged else np.zeros(0, np.int32),
                indptr=merged.tf.indptr if merged else np.zeros(columns + 1, np.int32),
                length=merged.length if merged else np.zeros(0, np.float32),
                alive=merged.alive if merged else np.zeros(0, bool),
            )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, tokenizer: Tokenizer | None = None) -> LexicalIndex:
        with np.load(path) as data:
            terms = json.loads(str(data["vocabulary"]))
            length = data["length"]
            tf = sparse.csc_matrix((data["data"], data["indices"], data["indptr"]), shape=(len(length), len(terms)))
            segment = _Segment(tf, length, data["alive"])
            vocabulary = {t: i for i, t in enumerate(terms)}
            return cls(
                tokenizer=tokenizer, _vocabulary=vocabulary, _segments=(segment,), _df=data["df"], tag=str(data["tag"])
            )


class _Known:
    """`term in known`: the term has a column and a live passage uses it."""

    def __init__(self, vocabulary: dict[str, int], df: np.ndarray) -> None:
        self._vocabulary, self._df = vocabulary, df

    def __contains__(self, term: object) -> bool:
        column = self._vocabulary.get(term)  # type: ignore[call-overload]
        return column is not None and column < len(self._df) and bool(self._df[column])


def _merge(segments: list[_Segment], columns: int) -> _Segment:
    """One segment holding every row of `segments` (dead rows stay dead), widened to `columns` terms."""
    widened = [
        sparse.csc_matrix((s.tf.data, s.tf.indices, _pad(s.tf.indptr, columns)), shape=(s.tf.shape[0], columns))
        for s in segments
    ]
    tf = sparse.vstack(widened, format="csc", dtype=np.float32)
    return _Segment(
        tf,
        np.concatenate([s.length for s in segments]),
        np.concatenate([s.alive for s in segments]),
    )


def _pad(indptr: np.ndarray, columns: int) -> np.ndarray:
    """A CSC column pointer extended with empty columns up to `columns`."""
    if len(indptr) - 1 >= columns:
        return indptr
    return np.concatenate([indptr, np.full(columns - (len(indptr) - 1), indptr[-1], dtype=indptr.dtype)])


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
