"""A question's words matched to a passage's words by meaning: across languages and inflections.

BM25 sees "weapons" and "wapens", or "gebouwd" and "bouwde", as different words. The embedding model
places single words well across languages ("war" ~ "oorlog" 0.87, "built" ~ "gebouwd" 0.94), so each
content word of a question is matched to its closest word in every candidate sentence. Word vectors
are cached (bounded), so a warm answer embeds only the words it has not seen before.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from index.embeddings import Embedder
from index.lexical import stopwords

_WORD = re.compile(r"[^\W\d_]{3,}")
# Question words and auxiliaries of both languages: they ask, they are not what is asked about.
_QUESTION_WORDS = frozenset(
    "welke welk wie wat waar waarom wanneer hoe hoeveel moet moeten moest worden wordt werd zou zouden kan kunnen "
    "kon gaat gaan ging heeft hebben had volgens what which who whom whose when where why how many much did does "
    "was were are has have had can could would should will the and for that this with from into".split()
)
# English function words bm25s's short English list lacks ("about", "his", "during" ...): in a question about
# Dutch articles they match nothing by meaning and only thin out what the question's real words weigh.
_ENGLISH_FUNCTION_WORDS = frozenset(
    "about above after again against all also any because been before being below between both down during each "
    "few further her here hers herself him himself his its itself just more most myself nor now off once only other "
    "our ours ourselves out over own same she should some than them themselves those through too under until upon "
    "very while you your yours yourself".split()
)
FLOOR, FULL = 0.5, 0.9  # a cosine at or under FLOOR is no match; at or over FULL a full one


@cache
def _ignored() -> frozenset[str]:
    return frozenset(stopwords("dutch")) | frozenset(stopwords("english")) | _QUESTION_WORDS | _ENGLISH_FUNCTION_WORDS


def content_words(text: str) -> list[str]:
    """The distinct lower-cased content words of a text, in order (letters only, 3+, no stop words)."""
    ignored = _ignored()
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in ignored:
            seen.setdefault(word)
    return list(seen)


@dataclass
class WordVectors:
    """Unit word vectors from the embedder, the last `limit` words kept (float16: ~1 KB a word)."""

    embedder: Embedder
    limit: int = 60_000
    _cache: OrderedDict[str, np.ndarray] = field(default_factory=OrderedDict, repr=False)

    def get(self, words: Sequence[str]) -> np.ndarray:
        """One unit row per word."""
        missing = [w for w in dict.fromkeys(words) if w not in self._cache]
        if missing:
            vectors = np.asarray(self.embedder.embed_documents(missing), dtype=np.float32)
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
            for word, vector in zip(missing, vectors, strict=True):
                self._cache[word] = vector.astype(np.float16)
        rows = []
        for word in words:
            self._cache.move_to_end(word)
            rows.append(self._cache[word])
        while len(self._cache) > self.limit:
            self._cache.popitem(last=False)
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)


def match_scores(vectors: WordVectors, question: Sequence[str], texts: Sequence[list[str]]) -> np.ndarray:
    """[question word, text] -> how well the text's closest word matches it, 0 (none) to 1 (same word)."""
    scores = np.zeros((len(question), len(texts)), dtype=np.float32)
    vocabulary = list(dict.fromkeys(w for words in texts for w in words))
    if not question or not vocabulary:
        return scores
    index = {w: i for i, w in enumerate(vocabulary)}
    cosines = vectors.get(list(question)) @ vectors.get(vocabulary).T
    for j, words in enumerate(texts):
        if words:
            scores[:, j] = cosines[:, [index[w] for w in words]].max(axis=1)
    return np.clip((scores - FLOOR) / (FULL - FLOOR), 0.0, 1.0)
