"""The default answerer: quote the sentence of the retrieved passages that answers the question, or refuse.

Three steps, each explainable: (1) what kind of fact the question asks for (`questions.py`); (2) every
sentence of the top passages is scored by a small learned model over meaning, shared rare words, a new
span of the asked-for kind, its neighbours and its passage's retrieval strength (`features.py`,
`model.py`); (3) a second model decides from all the evidence whether the best sentence answers the
question at all. Both models are logistic regressions trained by `bench/train_answerer.py` and shipped
as JSON; the answer is always a verbatim quote, with a short answer (a number, date or name) first
where the question asks for one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from bot.answer.features import (
    WORD_MATCH_FEATURES,
    Candidate,
    Evidence,
    FeatureBuilder,
    names_all_in,
    near_text,
    question_names,
    unquoted,
)
from bot.answer.model import AnswererModel, Logistic, language_group, load_model
from bot.answer.people import (
    age_asked_of,
    asked_office,
    asked_roles,
    asks_who_named,
    names_someone,
    role_names,
    stated_ages,
    without_adjectives,
)
from bot.answer.questions import AnswerType, followup_type
from bot.answer.spans import (
    ACRONYM,
    TEXT_MEASURES,
    YEAR,
    Span,
    asked_measure,
    counted_spans,
    counted_words,
    is_vague,
    measure_spans,
    place_cued,
    states_measure,
)
from bot.answer.types import Answer, Citation, Turn
from bot.answer.wordmatch import content_words
from index.embeddings import Embedder
from index.lexical import LexicalIndex
from index.passages import Passage
from index.retrieve import Hit

# Kinds whose answer is a short span shown before the quote.
SHORT_KINDS = frozenset(
    {AnswerType.NUMBER, AnswerType.DATE, AnswerType.PERSON, AnswerType.PLACE, AnswerType.ORGANISATION}
)


@dataclass(frozen=True)
class Decision:
    """The answerer's verdict on one question: the best sentence, its probability, answer or not."""

    evidence: Evidence
    best: Candidate | None
    probability: float
    threshold: float

    @property
    def answerable(self) -> bool:
        return self.best is not None and self.probability >= self.threshold


@dataclass
class ExtractiveAnswerer:
    """Quotes the best sentence (and a close runner-up of the same passage), or says the articles do not say.

    `threshold` / `cross_lingual_threshold` override the model's calibrated answer thresholds (a
    probability that the best sentence answers the question); None keeps the model's own. With
    `article_passages` (an article id -> its current passages), an age question also finds the age stated
    with the name ("Vladimir Poetin (70)") in a passage of a retrieved article that was not retrieved itself.
    """

    embedder: Embedder
    lexical: Callable[[], LexicalIndex]
    threshold: float | None = None
    cross_lingual_threshold: float | None = None
    max_quotes: int = 2
    passages: int = 3
    corpus_language: str = "nl"
    model: AnswererModel | None = None
    article_passages: Callable[[str], list[Passage]] | None = None
    features: FeatureBuilder = field(init=False)

    def __post_init__(self) -> None:
        self.features = FeatureBuilder(self.embedder, self.lexical, self.passages)

    def _model(self) -> AnswererModel:
        """The configured model, or the shipped one (read on first use)."""
        if self.model is None:
            self.model = load_model()
        return self.model

    def analyse(self, question: str, query: str, hits: list[Hit], language: str) -> Evidence:
        """Every candidate sentence with its features and sentence-model score, best first."""
        kind = followup_type(question, query, language)
        model, group = self._model(), language_group(language, self.corpus_language)
        match_words = model.reads_any(group, WORD_MATCH_FEATURES)
        evidence = self.features.build(question, query, hits, language, kind, match_words)
        rank_candidates(evidence, model.sentence[group])
        return evidence

    def decide(self, question: str, query: str, hits: list[Hit], language: str, shown: Sequence[str] = ()) -> Decision:
        """Analyse, then judge whether the best sentence answers the question; `shown`: the answers the reader
        has just read (a follow-up asks for something they do not say yet)."""
        named = age_asked_of(question, query)
        if named:
            hits = self._stated_age_first(named, hits)
        evidence = self.analyse(question, query, hits, language)
        group = language_group(language, self.corpus_language)
        model = self._model()
        override = self.threshold if group == "nl" else self.cross_lingual_threshold
        threshold = override if override is not None else model.thresholds[group]
        if not evidence.candidates:
            return Decision(evidence, None, 0.0, threshold)
        stated = _stated_age(evidence, named) if named else None
        if stated is not None:
            # "Hoe oud is Poetin?" and a sentence says "Vladimir Poetin (70)": that is the answer, whatever
            # else the sentence is about (a rule, not the model: the model rarely sees such a sentence win).
            return Decision(evidence, stated, 1.0, threshold)
        if shown and query != question and not evidence.ruled:
            _not_again(evidence, shown)
        best, *rest = evidence.candidates
        values = self.features.question_features(evidence, best, rest[0] if rest else None)
        probability = Logistic.probability(model.answerable[group].logit(values))
        top = max(evidence.candidates, key=lambda c: c.score)
        if top is not best and evidence.ruled:
            # The office holder's sentence (or the one stating the measure asked for) went before the one the
            # model liked best: whether the articles answer is judged on that one too (the model has not learnt
            # what naming the office or stating the measure says).
            others = [c for c in evidence.candidates if c is not top]
            values = self.features.question_features(evidence, top, others[0] if others else None)
            probability = max(probability, Logistic.probability(model.answerable[group].logit(values)))
        if not _states_what_is_asked(evidence, best, same_language=group == "nl"):
            # "Hoeveel kost ...?" / "Hoe oud is ...?" and no amount or age where the answer would be quoted:
            # the articles talk about it but do not say it (still offered as related when close).
            probability = min(probability, threshold * UNSTATED_SHARE)
        return Decision(evidence, best, probability, threshold)

    def _stated_age_first(self, names: list[str], hits: list[Hit]) -> list[Hit]:
        """`hits` with the first passage that states the named person's age in front: a retrieved one, or
        else one of the top passages' articles (news gives the age where the name first occurs, often in a
        passage that is not about what the question's other words are about)."""
        stating = next((h for h in hits if stated_ages(h.passage.text, names)), None)
        if stating is None and self.article_passages is not None:
            for article_id in dict.fromkeys(h.passage.article_id for h in hits[: self.passages]):
                passage = next((p for p in self.article_passages(article_id) if stated_ages(p.text, names)), None)
                if passage is not None:
                    stating = Hit(passage, min(h.score for h in hits), {})
                    break
        if stating is None:
            return hits
        return [stating, *(h for h in hits if h.passage.id != stating.passage.id)]

    def answer(
        self,
        question: str,
        query: str,
        hits: list[Hit],
        language: str,
        on_partial: Callable[[str], None] | None = None,
        *,
        history: Sequence[Turn] = (),
    ) -> Answer:
        """Quote the answer, with the short answer first where one fits; or refuse, offering a related passage."""
        decision = self.decide(question, query, hits, language, [turn.answer for turn in history[-1:]])
        if not decision.answerable:
            return self.refusal(decision, question, query, language)
        return self.quote(decision, question, query, language)

    def refusal(self, decision: Decision, question: str, query: str, language: str) -> Answer:
        """'Not in the articles', with the closest passage as related (not an answer) when there is one."""
        answer = Answer.not_in_articles(question, query, language)
        best = decision.best
        if best is not None and (
            decision.probability >= decision.threshold * RELATED_SHARE or best.features["cosine"] >= RELATED_COSINE
        ):
            answer.related = [Citation.from_passage(1, best.hit.passage, best.text)]
        return answer

    def quote(self, decision: Decision, question: str, query: str, language: str) -> Answer:
        """The best sentence quoted with its citation, a close runner-up from the same passage, a short answer."""
        best = decision.best
        assert best is not None
        chosen = [best]
        same_passage = [c for c in decision.evidence.candidates[1:] if c.hit is best.hit]
        if best.features["type_missing"]:
            # The sentence that matches the question lacks the fact asked for: it often sits in the next one.
            following = _following(decision.evidence, best)
            if following is not None and following.spans and self.max_quotes > 1:
                chosen.append(following)
        for other in same_passage:
            if len(chosen) >= self.max_quotes or decision.evidence.ruled:
                break  # (a sentence a rule put first is the answer on its own: no runner-up the model liked more)
            if other not in chosen and other.score >= best.score - RUNNER_UP_MARGIN and not _asks(other):
                chosen.append(other)
        chosen.sort(key=lambda c: c.start)
        passage = best.hit.passage
        start, end = min(c.start for c in chosen), max(c.end for c in chosen)
        citation = Citation.from_passage(1, passage, passage.text[start:end])
        holder = best if best.spans else next((c for c in chosen if c.spans), best)
        short = short_answer(holder, decision.evidence)
        if short:
            return Answer.quoting(question, citation, language, query, _window(holder.text, short), short.text)
        return Answer.quoting(question, citation, language, query, " ".join(c.text for c in chosen))


def _not_again(evidence: Evidence, shown: Sequence[str]) -> None:
    """A follow-up is not answered with the sentence the reader has just been shown: a close candidate that
    says something new goes first ("Zou Wit-Rusland kernwapens inzetten?" quoted "... stationeerde Moskou
    recent kernwapens ...", and "En hebben ze nog andere wapens?" quoted it again, not "We hebben ook nog iets
    anders dan kernwapens")."""
    seen = " ".join(_unquoted_lower(text) for text in shown)
    best = evidence.candidates[0]
    if _unquoted_lower(best.text) not in seen:
        return
    for candidate in evidence.candidates[1:]:
        if candidate.score < best.score - REPEAT_MARGIN:
            return
        if _unquoted_lower(candidate.text) not in seen and not _asks(candidate):
            evidence.candidates.remove(candidate)
            evidence.candidates.insert(0, candidate)
            return


def _unquoted_lower(text: str) -> str:
    """A sentence as it stands in an answer's quote, whatever quotation marks either has."""
    return unquoted(text).casefold()


def _following(evidence: Evidence, best: Candidate) -> Candidate | None:
    """The sentence right after the best one in its passage, if it is a candidate."""
    after = [c for c in evidence.candidates if c.hit is best.hit and c.start >= best.end]
    return min(after, key=lambda c: c.start, default=None)


def _preceding(evidence: Evidence, best: Candidate) -> Candidate | None:
    """The sentence right before the best one in its passage, if it is a candidate."""
    before = [c for c in evidence.candidates if c.hit is best.hit and c.end <= best.start]
    return max(before, key=lambda c: c.start, default=None)


def _counts_of_named(evidence: Evidence, candidate: Candidate, names: list[str]) -> bool:
    """Whether a sentence's numbers can count what the question asks of the ones it names: it or a sentence
    next to it names them, or it names no one else ("Hoeveel punten haalde T-Mobile?" is not answered by "KPN
    en Vodafone scoren met 961 en 959 punten", nor one about Forum by "De SP gaat naar vijf zetels"; "slechts
    2.761 mensen meldden zich" may speak of Roche, named two sentences earlier)."""
    if names_all_in(names, near_text(evidence, candidate)):
        return True
    others = question_names(candidate.text) + ACRONYM.findall(candidate.text)  # ("De SP kreeg ...": a name too)
    return not [n for n in others if n[0].isalpha() and not names_all_in([n], " ".join(names))]


def _counts_anothers(text: str, span: Span, names: list[str]) -> bool:
    """Whether a count belongs to someone the question does not name: "De kwart miljoen klanten van XS4All ..."
    counts no customers of KPN, whom the same sentence names later."""
    owner = _OWNER.match(text, span.end)
    return bool(names) and owner is not None and not names_all_in([owner.group(1)], " ".join(names))


def _speaks_of_what_costs(evidence: Evidence, candidate: Candidate) -> bool:
    """For a question what something costs (the measure asked is "money"), whether the sentence or one next to
    it speaks of that something: a word of the question that is no name (names are checked apart) and does not
    ask the price matches one of theirs by meaning ("Hoeveel kost het klimaatakkoord?" is not answered by what problem debts cost, "Hoeveel
    schuld heeft Mars One?" not by what another company charged; "Hoeveel kosten de werken aan de watertoren?"
    is answered by "De werken kosten ... 4,2 miljoen euro", the tower named a paragraph before). True when the
    words were not matched (a model that reads no word matches) or all are names or ask the price."""
    if not evidence.words:
        return True
    near = [c for c in (_preceding(evidence, candidate), candidate, _following(evidence, candidate)) if c is not None]
    found = np.max([c.matches for c in near], axis=0)
    names = {n.lower() for n in question_names(evidence.question)}
    asked = [
        i
        for i, w in enumerate(evidence.words)
        if evidence.word_weights[i] == 1.0 and w not in _PRICE_WORDS and w not in names
    ]
    said = {w for c in near for w in content_words(c.text)}
    # (or ends a compound of theirs: "reis" in "droomreis", "bedrijf" in "ruimtevaartbedrijf")
    return not asked or any(found[i] >= MATCHED or any(w.endswith(evidence.words[i]) for w in said) for i in asked)


def _asked_measure(evidence: Evidence) -> str | None:
    """The measure a number question asks for (an amount, an age, deaths ...), or a penalty or score asked by a
    question of any kind; None for others."""
    measure = asked_measure(evidence.question)
    return measure if evidence.kind is AnswerType.NUMBER or measure in TEXT_MEASURES else None


def _states_what_is_asked(evidence: Evidence, best: Candidate, same_language: bool = True) -> bool:
    """False when the question asks a measure (an amount of money, an age, deaths, a penalty ...) or a number
    ("Hoeveel troepen ...?", "Hoe hoog ...?") and neither the best sentence nor the next one (quoted with it when
    the best lacks the fact) states it, asks why and no cause stands near, or asks who holds an office that
    neither they nor the sentence before name (a question in the articles' language: the word for the office
    is spelt as they spell it); True otherwise."""
    near = [c for c in (_preceding(evidence, best), best, _following(evidence, best)) if c is not None]
    asks = evidence.kind is AnswerType.PERSON and same_language and asked_office(evidence.question) is not None
    offices = asked_roles(evidence.question) if asks else ()
    if offices and not any(office in c.text.lower() for office in offices for c in near):
        # "Wie is de premier van Wit-Rusland?" and no premier near the quote: whoever it names, not as that.
        return False
    if evidence.kind is AnswerType.REASON and not any(c.spans for c in near):
        # "Waarom werd het zoeken onderbroken?" and no "omdat", "vanwege", "door" ... around the quote: the
        # sentence tells what happened, not why.
        return False
    names = question_names(evidence.query)
    counted = counted_words(evidence.question) if evidence.kind is AnswerType.NUMBER else []
    counts = [(c, s) for c in near[near.index(best) :] for s in counted_spans(c.text, c.spans, counted)]
    if counts and names and all(_counts_anothers(c.text, s, names) for c, s in counts):
        # "Hoeveel klanten heeft KPN?" and the sentence counts "De kwart miljoen klanten van XS4All": another's.
        return False
    measure = _asked_measure(evidence)
    if measure is None:
        # "Hoeveel troepen ...?" / "Hoe hoog zijn de heffingen?" and no new number in the sentence or the next:
        # a number is asked, none is given.
        return evidence.kind is not AnswerType.NUMBER or any(c.spans for c in near[near.index(best) :])
    if measure == "money" and not _speaks_of_what_costs(evidence, best):
        return False
    return any(states_measure(c.text, c.spans, measure) for c in near[near.index(best) :])


def _stated_age(evidence: Evidence, names: list[str]) -> Candidate | None:
    """The candidate that states the age of the person the question names, with that age as its span, first."""
    return _promote(evidence, math.inf, lambda c: stated_ages(c.text, names), any_article=True)


def _promote(
    evidence: Evidence, margin: float, spans_of: Callable[[Candidate], list[Span]], any_article: bool = False
) -> Candidate | None:
    """Move the best-scored candidate within `margin` of the best that has `spans_of` to the front, with those
    as its spans; the moved candidate, or None when none has any. Only a sentence of the best one's article
    (the story the question is about), unless `any_article`: "Hoeveel kost het onderhoud?" of a ship is not
    answered by what problem debts cost in another story."""
    best = evidence.candidates[0]
    for candidate in evidence.candidates:
        if candidate.score < best.score - margin:
            break
        if not any_article and candidate.hit.passage.article_id != best.hit.passage.article_id:
            continue
        found = [] if _asks(candidate) else spans_of(candidate)
        if found:
            moved = candidate if found is candidate.spans else replace(candidate, spans=found)
            evidence.candidates.remove(candidate)
            evidence.candidates.insert(0, moved)
            return moved
    return None


def rank_candidates(evidence: Evidence, ranker: Logistic) -> None:
    """Score and sort the candidates, best first; for a number, date, name or reason question, a close
    candidate that holds a new span of that kind goes before one that only repeats the question's words."""
    for candidate in evidence.candidates:
        candidate.score = ranker.logit(candidate.features)
    # "Waar Eu de afgelopen twaalf jaar geweest is?": an article's own question repeats a reader's words and
    # answers nothing; every sentence that says something goes before it.
    evidence.candidates.sort(key=lambda c: (_asks(c), -c.score))
    if not evidence.candidates:
        return
    roles = asked_roles(evidence.question) if evidence.kind is AnswerType.PERSON else ()
    # "Welke minister ...?": a close sentence that names someone right after that office answers it.
    if roles and _promote(evidence, ROLE_MARGIN, lambda c: role_names(c.text, roles, evidence.query), any_article=True):
        evidence.ruled = True
        return
    names = question_names(evidence.query)
    measure = _asked_measure(evidence)
    if measure is not None:
        # "Hoeveel mensen kwamen om?": a close sentence that states a number of deaths (an amount, an age, a
        # penalty ...) answers it; a count before a vague "tientallen". Not from a passage that lacks a name the
        # question gives ("... in the accident in Oss?" is not answered by a tornado's death toll).

        def stated(precise: bool) -> Callable[[Candidate], list[Span]]:
            def spans(c: Candidate) -> list[Span]:
                found = [s for s in measure_spans(c.text, c.spans, measure) if not (precise and is_vague(s))]
                if not found or not names_all_in(names, c.hit.passage.text):
                    return []
                return found if measure != "money" or _speaks_of_what_costs(evidence, c) else []

            return spans

        if _promote(evidence, MEASURE_MARGIN, stated(True)) or _promote(evidence, MEASURE_MARGIN, stated(False)):
            evidence.ruled = True
            return
    counted = counted_words(evidence.question) if evidence.kind is AnswerType.NUMBER else []
    if counted and _promote(
        evidence,
        COUNTED_MARGIN,
        lambda c: (
            [s for s in counted_spans(c.text, c.spans, counted) if not _counts_anothers(c.text, s, names)]
            if _counts_of_named(evidence, c, names)
            else []
        ),
    ):
        # "Hoeveel leerlingen ...?": a close sentence with a number of leerlingen, not a number of anything else.
        evidence.ruled = True
        return
    if evidence.kind in PROMOTED_KINDS and not evidence.candidates[0].spans:
        _promote(evidence, TYPE_MARGIN, lambda c: c.spans, any_article=True)


def _asks(candidate: Candidate) -> bool:
    """Whether a sentence is itself a question."""
    return candidate.text.rstrip(" ”\"'’»)").endswith("?")


PROMOTED_KINDS = SHORT_KINDS | {AnswerType.REASON}
ROLE_MARGIN = 3.0  # ... and one that names the person holding the office asked for ("minister X")
MEASURE_MARGIN = 6.0  # ... and one that states the measure asked for (an amount, age, deaths, a penalty ...)
COUNTED_MARGIN = 3.0  # ... and one with a number of what a "hoeveel ..." question counts
TYPE_MARGIN = 2.0  # logit distance within which a sentence with the asked-for kind of fact is preferred
RELATED_SHARE = 0.35  # a refused question's best passage is offered as related above this share of the threshold
RELATED_COSINE = 0.30  # ... or when its best sentence is this close in meaning (on-topic, but not the fact asked)
UNSTATED_SHARE = 0.5  # a measure asked (an amount, age, deaths ...), none stated: at most this share of the threshold
RUNNER_UP_MARGIN = 0.5  # logit distance within which a second sentence of the same passage is quoted too
REPEAT_MARGIN = 1.0  # ... within which a follow-up's sentence the reader has not just been shown goes first
# "... klanten van XS4All", "... seats of the SP": whose count it is, right after the counted word.
_OWNER = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:van|of)\s+(?:de\s+|het\s+|the\s+)?([A-ZÀ-Ý][\w&+-]*)")
MATCHED = 0.5  # a question word matches a sentence's word by meaning at least this well (wordmatch.py: 0..1)
# The words that ask what something costs: not what the answer must speak of.
_PRICE_WORDS = frozenset(
    "hoeveel kost kosten kostte kostten prijs prijzen bedrag bedragen waard betaalt betaalde betalen betaald "
    "verdient verdiende verdienen geld euro much cost costs price prices worth paid pay pays earn earns earned "
    "money".split()
)


def short_answer(best: Candidate, evidence: Evidence) -> Span | None:
    """The span of the asked-for kind in the best sentence nearest the question's words, if the kind has one."""
    roles = asked_roles(evidence.question) if evidence.kind is AnswerType.PERSON else ()
    if role_names(best.text, roles, evidence.query, agreeing=False):
        # "Wie is de Russische president?" and the sentence names "de Wit-Russische president X": whichever
        # name were picked, the quote says it better.
        return None
    spans = [s for s in best.spans if names_someone(s, best.text)]
    if evidence.kind not in SHORT_KINDS or not spans or asks_who_named(evidence.question):
        return None
    if len({(s.start, s.end) for s in spans}) > 1:
        # Several names (numbers, dates) of the kind asked: which one answers is a guess, and a wrong one in bold
        # misleads more than none; the quote says it. (So too when a rule picked the sentence for its measure:
        # "twee keer zo duur ..., nu nog maar 63 procent" answers "Hoeveel duurder ... nu nog?" with the second.)
        return None
    if evidence.kind is AnswerType.PLACE and not any(place_cued(best.text, s.start) for s in spans):
        return None  # "Daarnaast stationeerde Moskou kernwapens op ...": a subject, not where ("in", "naar" ...)
    text = best.text.lower()
    anchors = [
        m.start() for w in re.findall(r"\w{4,}", evidence.query.lower()) for m in re.finditer(re.escape(w[:5]), text)
    ]

    def distance(span: Span) -> float:
        s, e = span.start, span.end
        far = min((abs((s + e) / 2 - a) for a in anchors), default=0.0)
        # "Hoe oud/hoeveel" is rarely answered by a year; a name of two words is more likely a full name.
        year = evidence.kind is AnswerType.NUMBER and YEAR.fullmatch(span.text) is not None
        return far + (200 if year else 0) - (10 if " " in span.text else 0)

    span = without_adjectives(min(spans, key=distance))
    return replace(span, text=best.text[span.start : span.end])


def _window(sentence: str, span: Span, width: int = 90) -> str:
    """The sentence, or the part around the span with '...' where it was cut at word boundaries."""
    if len(sentence) <= 2 * width:
        return sentence
    lo = max(0, span.start - width)
    hi = min(len(sentence), span.end + width)
    while lo > 0 and not sentence[lo - 1].isspace():
        lo -= 1
    while hi < len(sentence) and not sentence[hi].isspace():
        hi += 1
    return ("... " if lo > 0 else "") + sentence[lo:hi].strip() + (" ..." if hi < len(sentence) else "")
