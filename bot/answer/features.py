"""The evidence the extractive answerer weighs: per candidate sentence, and per question.

Sentence features say whether a sentence holds the fact asked for (meaning, shared rare words, a new
span of the asked-for kind, its neighbours, its passage's retrieval strength). Question features say
whether the best candidate is an answer at all (how much of the question the passage covers, which
rare question words it lacks, retrieval margins). Both feed the small learned models in `model.py`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from bot.answer.questions import AnswerType
from bot.answer.spans import Span, fold_spelling, has_saying, new_spans
from bot.answer.wordmatch import WordVectors, content_words, match_scores
from index.embeddings import Embedder
from index.lexical import LexicalIndex, searchable
from index.retrieve import Hit
from index.sentences import sentence_spans

TYPED = frozenset(
    {
        AnswerType.NUMBER,
        AnswerType.DATE,
        AnswerType.PERSON,
        AnswerType.PLACE,
        AnswerType.ORGANISATION,
        AnswerType.REASON,
        AnswerType.QUOTE,
    }
)

BUILD_VERSION = 13  # bump when `FeatureBuilder.build` changes (bench/train_answerer.py caches its output)

SENTENCE_FEATURES = (
    "cosine",
    "cosine_rel",
    "overlap",
    "overlap_rel",
    "window_overlap",
    "prev_cosine",
    "prev_overlap",
    "next_cosine",
    "type_new",
    "type_missing",
    "type_new_prev",
    "saying",
    "names",
    "rank0",
    "rank1",
    "passage_score",
    "first",
    "length",
    "next_overlap",
    "type_new_overlap",
    "type_new_prev_overlap",
    "soft",
    "soft_rare",
    "soft_window",
    "soft_rel",
)

QUESTION_FEATURES = (
    "sentence_logit",
    "sentence_gap",
    "cosine",
    "overlap",
    "window_overlap",
    "passage_overlap",
    "missing_idf",
    "unknown",
    "coverage",
    "names",
    "names_missing",
    "names_missing_near",
    "passage_score",
    "score_margin",
    "dense_z",
    "sentence_z",
    "lexical_z",
    "type_new",
    "type_missing",
    "typed",
    "yesno",
    "rank",
    "local_overlap",
    "orphan",
    "best_in_top",
    "passage_length",
    "soft",
    "soft_rare",
    "soft_window",
    "soft_passage",
    "soft_local",
    "soft_missing",
    "soft_missing_rare",
    "cos_margin",
)
# Retrieval scores as z-scores against the index: an index of one story has no off-topic passages to stand out
# from, so the same answer scores far lower than in an index of many (the answerability model leaves them out).
INDEX_RELATIVE_FEATURES = frozenset({"passage_score", "score_margin", "dense_z", "sentence_z", "lexical_z"})
# Features that compare the question's spelling of names with the articles' (for questions in their language).
SAME_SPELLING_FEATURES = frozenset({"names_missing_near"})
# The features of matching words by meaning (wordmatch.py); a model that reads none of them skips that work.
WORD_MATCH_FEATURES = frozenset(f for f in SENTENCE_FEATURES + QUESTION_FEATURES if f.startswith("soft"))


@dataclass
class Candidate:
    """A sentence of a retrieved passage and its features."""

    hit: Hit
    rank: int
    start: int
    end: int
    features: dict[str, float]
    spans: list[Span] = field(default_factory=list)  # new spans of the asked-for kind
    score: float = 0.0  # the sentence model's logit
    matches: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per question word, 0..1 (wordmatch.py)

    @property
    def text(self) -> str:
        return self.hit.passage.text[self.start : self.end]


@dataclass
class Evidence:
    """Everything the answerer knows about one question, before deciding."""

    question: str
    query: str
    language: str
    kind: AnswerType
    candidates: list[Candidate]
    weights: dict[str, float]  # question term -> weight
    hits: list[Hit]
    words: list[str] = field(default_factory=list)  # the question's content words, matched by meaning
    word_weights: np.ndarray = field(default_factory=lambda: np.zeros(0))  # 1, or 1/4 for earlier turns' words
    rarity: np.ndarray = field(default_factory=lambda: np.zeros(0))  # 1: matched in no candidate sentence
    ruled: bool = False  # the first candidate was put first by a rule (an office holder, a stated measure, a count)


_HYPHENATED = re.compile(r"\w+(?:-\w+)+")  # "Wit-Rusland", "Wagner-muiterij"
_CAPITALISED = re.compile(r"(?<!^)(?<![.!?]\s)\b([A-ZÀ-Ý][\w-]{2,}|\d(?:[\d.,]*\d)?)")


# Quotation marks, and Dutch news style's ,, and '' around a quote.
_QUOTE_MARKS = re.compile(r",,|''|[“”„«»\"]")


def unquoted(sentence: str) -> str:
    """The sentence without its quotation marks, for embedding: the multilingual model reads a quote mark as
    meaning ('“Onderhandelingen moeten zonder voorwaarden van start gaan.' has cosine -0.03 with 'Wat vindt
    Loekasjenko van onderhandelingen?', the same sentence without the mark 0.30)."""
    return " ".join(_QUOTE_MARKS.sub(" ", sentence).split())


def with_parts(terms: set[str], asked: Iterable[str]) -> set[str]:
    """`terms` and the `asked` terms that end one of them: Dutch writes compounds as one word, and the last
    part says what the whole is ("partij" in "regeringspartij", "campagne" in "vaccinatiecampagne"). Not the
    first part: "wapenwet" is a law, not a weapon (matching first parts too answered more XQuAD tuning
    questions but refused fewer unanswerable ones)."""
    found = {t for t in asked if len(t) >= _PART and t not in terms}
    if not found:
        return terms
    long = [u for u in terms if len(u) >= 2 * _PART]
    return terms | {t for t in found if any(u.endswith(t) for u in long)}


_PART = 4  # the shortest stem counted as part of a compound


def question_names(question: str) -> list[str]:
    """Names and numbers of a question (capitalised words not at its start, digits): cross-lingual anchors."""
    return [m.group(1) for m in _CAPITALISED.finditer(question.strip())]


def names_all_in(names: list[str], text: str) -> bool:
    """Whether every one of the question's names occurs in the text, in either language's spelling."""
    lower = text.lower()
    return all(_name_in(n, lower) for n in names)


def _name_in(name: str, text_lower: str) -> bool:
    """A question name occurs in a text, as spelt or in the other language's spelling."""
    key = name.lower()
    return _spelt_in(key, text_lower) or _spelt_in(fold_spelling(key), fold_spelling(text_lower))


def _spelt_in(key: str, text: str) -> bool:
    """`key` occurs in `text`; a shared prefix of 5+ letters counts ("Warsaw" ~ "Warschau" fails)."""
    return key in text or (len(key) >= 6 and key[:5] in text)


def near_text(evidence: Evidence, best: Candidate) -> str:
    """The best candidate's sentence with the sentences right before and after it in its passage."""
    text = best.hit.passage.text
    starts = sorted(c.start for c in evidence.candidates if c.hit is best.hit and c.end <= best.start)
    ends = sorted(c.end for c in evidence.candidates if c.hit is best.hit and c.start >= best.end)
    return text[starts[-1] if starts else best.start : ends[0] if ends else best.end]


class FeatureBuilder:
    """Turns (question, retrieved passages) into Evidence; the embedder and BM25 index are the only models."""

    def __init__(self, embedder: Embedder, lexical: Callable[[], LexicalIndex], passages: int = 3) -> None:
        self.embedder = embedder
        self.lexical = lexical
        self.passages = passages
        self.words = WordVectors(embedder)

    def term_weights(self, question: str, query: str) -> dict[str, float]:
        """IDF per query word; names the corpus never uses weigh most, words of earlier turns a quarter."""
        lexical = self.lexical()
        names = set(lexical.query_terms(" ".join(re.findall(r"(?<=\w )[A-Z]\w+", question))))
        own = set(lexical.query_terms(question))
        weights = {}
        for term in set(lexical.query_terms(query)) | own:
            known = term in lexical.vocabulary or term in names
            weight = lexical.idf(term) if known else 1.0
            weights[term] = weight if term in own else weight / 4
        # "Wit-Rusland" is one name of the story, not two words: its parts share one word's weight (else the
        # story's name outweighs the rare word that says what is asked, "als het wordt aangevallen").
        for compound in _HYPHENATED.findall(query):
            parts = [t for t in dict.fromkeys(lexical.query_terms(compound)) if t in weights]
            if len(parts) > 1:
                for term in parts:
                    weights[term] /= len(parts)
        return weights

    def build(
        self, question: str, query: str, hits: list[Hit], language: str, kind: AnswerType, match_words: bool = True
    ) -> Evidence:
        """Every sentence of the top passages as a Candidate; `match_words=False` leaves the word-matching
        features at zero without embedding any word (for models that do not read them)."""
        lexical = self.lexical()
        weights = self.term_weights(question, query)
        total = sum(weights.values()) or 1.0
        top = hits[: self.passages]
        spans = [(rank, hit, s, e) for rank, hit in enumerate(top) for s, e in sentence_spans(hit.passage.text)]
        evidence = Evidence(question, query, language, kind, [], weights, hits)
        if not spans:
            return evidence
        texts = [hit.passage.text[s:e] for _, hit, s, e in spans]
        own = content_words(question)
        followup = query != question and bool(own)
        heads = [query, question] if followup else [query]
        vectors = np.asarray(self.embedder.embed_documents([*heads, *map(unquoted, texts)]), dtype=np.float32)
        cosines = vectors[len(heads) :] @ vectors[0]
        if followup:
            # A follow-up with words of its own ("En hebben ze nog andere wapens?"): its sentence answers
            # what it asks now, the earlier turn only says what about.
            cosines = (cosines + vectors[len(heads) :] @ vectors[1]) / 2
        terms = [with_parts(set(t), weights) for t in lexical.terms(texts)]
        overlaps = [sum(weights[t] for t in weights.keys() & ts) / total for ts in terms]
        best_cos, best_overlap = float(cosines.max()), max(overlaps) or 1.0
        names = question_names(question)
        top_score = top[0].score
        found_in = [new_spans(text, kind, query) if kind in TYPED else [] for text in texts]
        words = own + [w for w in content_words(query) if w not in own] if match_words else []
        soft, soft_rare, soft_window, matches = self._word_matches(evidence, words, own, spans, texts)
        best_soft = max(soft_rare) or 1.0
        for i, (rank, hit, s, e) in enumerate(spans):
            same_prev = i > 0 and spans[i - 1][1] is hit
            same_next = i + 1 < len(spans) and spans[i + 1][1] is hit
            window = terms[i] | (terms[i - 1] if same_prev else set()) | (terms[i + 1] if same_next else set())
            found = found_in[i]
            prev_found = found_in[i - 1] if same_prev else []
            lower = texts[i].lower()
            f = {
                "cosine": float(cosines[i]),
                "cosine_rel": float(cosines[i]) - best_cos,
                "overlap": overlaps[i],
                "overlap_rel": overlaps[i] / best_overlap,
                "window_overlap": sum(weights[t] for t in weights.keys() & window) / total,
                "prev_cosine": float(cosines[i - 1]) if same_prev else 0.0,
                "prev_overlap": overlaps[i - 1] if same_prev else 0.0,
                "next_cosine": float(cosines[i + 1]) if same_next else 0.0,
                "type_new": float(bool(found)),
                "type_missing": float(kind in TYPED and not found),
                "type_new_prev": float(bool(prev_found)),
                "saying": float(kind is AnswerType.QUOTE and has_saying(texts[i])),
                "names": sum(_name_in(n, lower) for n in names) / len(names) if names else 0.0,
                "rank0": float(rank == 0),
                "rank1": float(rank == 1),
                "passage_score": hit.score - top_score,
                "first": float(not same_prev),
                "length": math.log(max(len(texts[i]), 10)),
                "next_overlap": overlaps[i + 1] if same_next else 0.0,
                # The fact asked for, in the sentence that matches the question or right after it.
                "type_new_overlap": float(bool(found)) * overlaps[i] / best_overlap,
                "type_new_prev_overlap": float(bool(found)) * (overlaps[i - 1] if same_prev else 0.0) / best_overlap,
                "soft": soft[i],
                "soft_rare": soft_rare[i],
                "soft_window": soft_window[i],
                "soft_rel": soft_rare[i] / best_soft,
            }
            evidence.candidates.append(Candidate(hit, rank, s, e, f, found, matches=matches[:, i]))
        return evidence

    def _word_matches(
        self,
        evidence: Evidence,
        words: list[str],
        own: list[str],
        spans: list[tuple[int, Hit, int, int]],
        texts: list[str],
    ) -> tuple[list[float], list[float], list[float], np.ndarray]:
        """Per sentence: the share of the question's `words` (those of the question itself in `own`, the
        earlier turn's count a quarter) it matches by meaning (plain, rare words weighing more, with its
        neighbours), and the per-word match matrix [word, sentence]."""
        weights = np.array([1.0 if w in own else 0.25 for w in words])
        matches = match_scores(self.words, words, [content_words(t) for t in texts] if words else [[]] * len(texts))
        # A word many sentences match is the topic; one few match is what this question is about.
        found = (matches >= 0.5).sum(axis=1)
        rarity = np.log1p(len(texts) / (1.0 + found)) / np.log1p(len(texts))
        evidence.words, evidence.word_weights, evidence.rarity = words, weights, rarity
        n = len(texts)
        if not words:
            zeros = [0.0] * n
            return zeros, zeros, zeros, matches
        plain = weights / weights.sum()
        rare = weights * rarity / ((weights * rarity).sum() or 1.0)
        window = matches.copy()
        for i in range(n):
            if i > 0 and spans[i - 1][1] is spans[i][1]:
                window[:, i] = np.maximum(window[:, i], matches[:, i - 1])
            if i + 1 < n and spans[i + 1][1] is spans[i][1]:
                window[:, i] = np.maximum(window[:, i], matches[:, i + 1])
        return (plain @ matches).tolist(), (rare @ matches).tolist(), (plain @ window).tolist(), matches

    def question_features(self, evidence: Evidence, best: Candidate, second: Candidate | None) -> dict[str, float]:
        """Whether the best candidate answers the question at all."""
        lexical = self.lexical()
        weights = evidence.weights
        total = sum(weights.values()) or 1.0
        passage = best.hit.passage
        hits = evidence.hits
        retrieved = [with_parts(set(t), weights) for t in lexical.terms([searchable(h.passage) for h in hits])]
        in_passage = next(r for h, r in zip(hits, retrieved, strict=True) if h is best.hit)
        missing = [t for t in weights if t not in in_passage]
        # A follow-up is judged as the question asked in full: its search query (the previous question
        # joined to it) stands in for its words.
        own = set(lexical.query_terms(evidence.query))
        names = question_names(evidence.query)
        lower = passage.text.lower()
        signals = best.hit.signals
        found_names = sum(_name_in(n, lower) for n in names)
        near = near_text(evidence, best).lower()
        # Topic words shared by all retrieved articles say little; the question's other words decide.
        # (Other passages of the best passage's own article are the same story, not competitors.)
        own_terms = own or set(weights)
        article = passage.article_id
        rivals = [r for h, r in zip(hits, retrieved, strict=True) if h is best.hit or h.passage.article_id != article]
        local = {t: lexical.idf(t) * (1 - sum(t in r for r in rivals) / (len(rivals) + 1)) for t in own_terms}
        local_total = sum(local.values()) or 1.0
        orphans = [t for t in own_terms if not any(t in r for r in retrieved)]
        soft = self._passage_matches(evidence, best)
        # Meaning in plain cosines, the same scale in any index: how far the best passage's closest sentence is
        # ahead of every other passage's sentences.
        mine = max(c.features["cosine"] for c in evidence.candidates if c.hit is best.hit)
        others = [c.features["cosine"] for c in evidence.candidates if c.hit is not best.hit]
        return {
            "cos_margin": mine - max(others, default=0.0),
            **soft,
            "sentence_logit": best.score,
            "sentence_gap": best.score - (second.score if second else best.score - 5.0),
            "cosine": best.features["cosine"],
            "overlap": best.features["overlap"],
            "window_overlap": best.features["window_overlap"],
            "passage_overlap": sum(weights[t] for t in weights.keys() & in_passage) / total,
            # (a share of the most a word weighs in this index: one article or a thousand, the same scale)
            "missing_idf": max((lexical.idf(t) for t in missing if t in own), default=0.0) / lexical.max_idf,
            "unknown": sum(weights[t] for t in own if t not in lexical.vocabulary) / total,
            "coverage": lexical.coverage(evidence.query),
            "names": found_names / len(names) if names else 1.0,
            "names_missing": float(len(names) - found_names),
            # Where the question's names stand: `names` counts the whole passage, this the quoted sentence and
            # its neighbours. Names said only further away while the sentence holds the fact (the passage is
            # about the named thing, the answer comes later) was an answer in 14 of 15 tuning questions.
            "names_missing_near": sum(not _name_in(n, near) for n in names) / len(names) if names else 0.0,
            "passage_score": best.hit.score,
            "score_margin": hits[0].score - hits[1].score if len(hits) > 1 else 1.0,
            "dense_z": signals.get("passage", 0.0),
            "sentence_z": signals.get("sentence", 0.0),
            "lexical_z": signals.get("lexical", 0.0),
            "type_new": best.features["type_new"],
            "type_missing": best.features["type_missing"],
            "typed": float(evidence.kind in TYPED),
            "yesno": float(evidence.kind is AnswerType.YESNO),
            "rank": float(best.rank),
            "local_overlap": sum(v for t, v in local.items() if t in in_passage) / local_total,
            "orphan": sum(lexical.idf(t) for t in orphans) / (sum(lexical.idf(t) for t in own_terms) or 1.0),
            "best_in_top": float(best.hit is hits[0]),
            "passage_length": math.log(max(len(passage.text), 10)),
        }

    @staticmethod
    def _passage_matches(evidence: Evidence, best: Candidate) -> dict[str, float]:
        """How much of the question the best sentence and its passage match by meaning, and what they lack
        that the other retrieved passages do not cover either."""
        keys = ("soft", "soft_rare", "soft_window")
        out = {k: best.features[k] for k in keys}
        weights = evidence.word_weights
        if not evidence.words:
            return out | dict.fromkeys(("soft_passage", "soft_local", "soft_missing", "soft_missing_rare"), 0.0)
        mine = np.max([c.matches for c in evidence.candidates if c.hit is best.hit], axis=0)
        article = best.hit.passage.article_id
        others = [c.matches for c in evidence.candidates if c.hit.passage.article_id != article]
        elsewhere = np.max(others, axis=0) if others else np.zeros_like(mine)
        local = weights * (1.0 - elsewhere)
        missing = mine < 0.2
        return out | {
            "soft_passage": float(weights @ mine / weights.sum()),
            "soft_local": float(local @ mine / (local.sum() or 1.0)),
            "soft_missing": float(weights @ missing),
            "soft_missing_rare": float(max(evidence.rarity[missing], default=0.0)),
        }
