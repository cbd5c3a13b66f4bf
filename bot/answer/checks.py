"""Check a generated answer against the passages it cites before anyone sees it.

Invented citation numbers are removed; every sentence must be supported by a passage it cites (or, with no
marker of its own, by one the answer cites elsewhere): enough of its content words occur in the passage, or
its meaning is close to one of the passage's sentences; and it may add nothing the passages do not say (a
name, a number, a negation or, in the passages' language, a content word: see grounding.py). Only the exact
"not in the articles" sentence is exempt. The verdict says whether the answer may be shown.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from bot.answer.grounding import Added, Grounding, clauses, fold, numbers
from bot.answer.types import NOT_IN_ARTICLES
from index.embeddings import Embedder
from index.lexical import LexicalIndex, searchable, stopwords
from index.retrieve import Hit
from index.sentences import sentence_spans

_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_PUNCTUATION = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class SupportConfig:
    """A sentence is supported when either signal reaches its bar (tuned on tests/test_checks.py cases)."""

    lexical: float = 0.6
    semantic: float = 0.62
    # An English answer about Dutch passages shares no words and scores lower cosines (USE multilingual).
    cross_lingual_semantic: float = 0.44
    corpus_language: str = "nl"


@dataclass
class CheckReport:
    """What the checks found; `verdict` is 'ok', 'refusal' or 'fallback'."""

    verdict: str = "ok"
    reason: str = ""
    cited: list[int] = field(default_factory=list)
    removed_citations: list[int] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    uncited: list[str] = field(default_factory=list)
    support: list[float] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self) | {"support": [round(s, 3) for s in self.support]}


@dataclass(frozen=True)
class Sentence:
    """One sentence of the answer: its text without markers and the passage numbers it cites."""

    text: str
    cites: tuple[int, ...]


@dataclass(frozen=True)
class CheckedAnswer:
    """The answer text renumbered to its valid citations, the passages they point to, and the report."""

    text: str
    hits: list[Hit]
    sentences: list[Sentence]
    report: CheckReport


def parse_sentences(text: str) -> list[Sentence]:
    """Sentences with their [n] markers; a marker after the full stop belongs to the sentence before it."""
    pieces = [text[s:e] for s, e in sentence_spans(text)]
    sentences: list[Sentence] = []
    for piece in pieces:
        leading = re.match(r"(\s*\[\d+(?:\s*[,;]\s*\d+)*\])+", piece)
        if leading and sentences:
            moved = _numbers(leading.group(0))
            sentences[-1] = Sentence(sentences[-1].text, sentences[-1].cites + moved)
            piece = piece[leading.end() :]
        bare = _MARKER.sub("", piece).strip()
        if bare:
            sentences.append(Sentence(bare, _numbers(piece)))
    return sentences


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for m in _MARKER.finditer(text) for n in re.split(r"\s*[,;]\s*", m.group(1)))


def is_refusal(text: str) -> bool:
    """Exactly the prompt's "not in the articles" sentence (any case, punctuation or spacing)."""
    return _normal(text) in _REFUSALS


def _normal(text: str) -> str:
    return _PUNCTUATION.sub(" ", text.lower()).strip()


_REFUSALS = frozenset(_normal(t) for t in NOT_IN_ARTICLES.values())


class AnswerChecker:
    """Runs the checks; the lexical index supplies stemmed content words and their IDF weights."""

    def __init__(
        self, embedder: Embedder, lexical: Callable[[], LexicalIndex], config: SupportConfig | None = None
    ) -> None:
        self.embedder = embedder
        # A passage's sentences are compared with several answer sentences and then searched for the quote:
        # embed them once per passage (the retrieved passages repeat from question to question, too).
        self._sentence_vectors = functools.lru_cache(maxsize=64)(self._embed_sentences)
        self._clause_vectors = functools.lru_cache(maxsize=64)(self._embed_clauses)
        self.lexical = lexical
        self.config = config or SupportConfig()
        self.grounding = Grounding(
            terms=lambda texts: self.lexical().terms(texts),
            stopwords=frozenset(fold(w) for w in stopwords("dutch") + stopwords("english")),
            similar=self._best_cosines,
        )

    def check(self, text: str, hits: Sequence[Hit], language: str = "nl", question: str = "") -> CheckedAnswer:
        """Validate `text` (citing hits as [1]..[n]) and renumber its citations 1..m in order of use.
        `question` (the standalone question) may lend the answer its own words, never names or numbers."""
        report = CheckReport()
        sentences = parse_sentences(text.strip())
        if not sentences:
            report.verdict, report.reason = "fallback", "empty answer"
            return CheckedAnswer("", [], [], report)
        valid = set(range(1, len(hits) + 1))
        report.removed_citations = sorted({n for s in sentences for n in s.cites if n not in valid})
        sentences = [Sentence(s.text, tuple(dict.fromkeys(n for n in s.cites if n in valid))) for s in sentences]
        order = list(dict.fromkeys(n for s in sentences for n in s.cites))
        report.cited = order
        claims = [s for s in sentences if not self._exempt(s)]
        if not order:
            if not claims and any(is_refusal(s.text) for s in sentences):
                report.verdict = "refusal"
            else:
                report.verdict, report.reason = "fallback", "no valid citation"
            return CheckedAnswer("", [], [], report)
        for sentence in claims:
            sources = [hits[n - 1] for n in sentence.cites or order]
            if not sentence.cites:
                report.uncited.append(sentence.text)
            score = max(self._support(sentence.text, hit, language) for hit in sources)
            added = self._added(sentence.text, sources, language, question)
            report.support.append(score)
            report.added += added.describe()
            if score < 1.0 or added:
                report.unsupported.append(sentence.text)
        if report.unsupported:
            report.verdict, report.reason = "fallback", f"{len(report.unsupported)} unsupported sentence(s)"
        renumber = {old: new for new, old in enumerate(order, start=1)}
        renumbered = [Sentence(s.text, tuple(renumber[n] for n in s.cites)) for s in sentences]
        final = " ".join(s.text + "".join(f" [{n}]" for n in s.cites) for s in renumbered)
        return CheckedAnswer(final, [hits[n - 1] for n in order], renumbered, report)

    def _exempt(self, sentence: Sentence) -> bool:
        """The exact refusal sentence, or a sentence with no citation and no content word ("Kort gezegd:")."""
        if is_refusal(sentence.text):
            return True
        return not sentence.cites and not self.lexical().query_terms(sentence.text) and not numbers(sentence.text)

    def _added(self, claim: str, sources: Sequence[Hit], language: str, question: str) -> Added:
        """What the claim says that none of its passages does; a negation is judged clause by clause against
        the passage clauses closest to it in meaning and in words."""
        candidates = [c for hit in sources for c in self._clauses(hit.passage.text)]
        vectors = [self._clause_vectors(hit.passage.text) for hit in sources]
        matrix = np.concatenate(vectors) if candidates else np.zeros((0, 0), dtype=np.float32)
        candidate_terms = [set(t) for t in self.lexical().terms(candidates)]

        def closest(part: str) -> list[str]:
            if not candidates:
                return []
            cosines = matrix @ np.asarray(self.embedder.embed_query(part), dtype=np.float32)
            terms = set(self.lexical().query_terms(part))
            overlap = np.array([len(terms & t) for t in candidate_terms], dtype=np.float32) + cosines
            return list(dict.fromkeys([candidates[int(np.argmax(cosines))], candidates[int(np.argmax(overlap))]]))

        same = language == self.config.corpus_language
        return self.grounding.added(claim, [searchable(h.passage) for h in sources], closest, question, same)

    @staticmethod
    def _clauses(passage: str) -> list[str]:
        return [c for s, e in sentence_spans(passage) for c in clauses(passage[s:e])]

    def _embed_clauses(self, passage: str) -> np.ndarray:
        parts = self._clauses(passage)
        return np.asarray(self.embedder.embed_documents(parts), dtype=np.float32) if parts else np.zeros((0, 0))

    def _best_cosines(self, texts: Sequence[str], others: Sequence[str]) -> list[float]:
        """Each text's best cosine with any of `others`."""
        if not texts or not others:
            return [0.0] * len(texts)
        vectors = np.asarray(self.embedder.embed_documents([*texts, *others]), dtype=np.float32)
        return [float(v) for v in (vectors[: len(texts)] @ vectors[len(texts) :].T).max(axis=1)]

    def _support(self, sentence: str, hit: Hit, language: str) -> float:
        """>= 1.0 when supported: the larger of the two signals, each divided by its bar."""
        config = self.config
        index = self.lexical()
        # IDF-weighted: the article's subject ("Loekasjenko") is in every passage and proves little.
        weights = {t: index.idf(t) for t in index.query_terms(sentence)}
        shared = weights.keys() & set(index.query_terms(hit.passage.text))
        lexical = sum(weights[t] for t in shared) / sum(weights.values()) if weights else 0.0
        semantic = max(self.similarities(sentence, hit.passage.text), default=0.0)
        if language != config.corpus_language:
            return semantic / config.cross_lingual_semantic
        return max(lexical / config.lexical, semantic / config.semantic)

    def similarities(self, sentence: str, passage: str) -> list[float]:
        """Cosine of `sentence` with each sentence of `passage`."""
        return [float(v) for v in self._cosines([sentence], passage)[0]]

    def best_quote(self, sentences: Sequence[str], passage: str) -> str:
        """The passage sentence closest to the answer sentences that cite it: the verbatim quote."""
        spans = sentence_spans(passage)
        if not spans:
            return passage
        scores = np.maximum(self._cosines(list(sentences), passage).max(axis=0), 0.0)
        s, e = spans[int(np.argmax(scores))]
        return passage[s:e]

    def _cosines(self, sentences: list[str], passage: str) -> np.ndarray:
        """(len(sentences), sentences of passage) cosine matrix; the passage side is cached."""
        parts = self._sentence_vectors(passage)
        if not sentences or not len(parts):
            return np.zeros((max(len(sentences), 1), len(parts)), dtype=np.float32)
        vectors = np.asarray(self.embedder.embed_documents(sentences), dtype=np.float32)
        return vectors @ parts.T

    def _embed_sentences(self, passage: str) -> np.ndarray:
        parts = [passage[s:e] for s, e in sentence_spans(passage)]
        return np.asarray(self.embedder.embed_documents(parts), dtype=np.float32) if parts else np.zeros((0, 0))
