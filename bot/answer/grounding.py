"""What a generated claim adds that its cited passages do not say: names, numbers, negation, content words.

Similarity alone lets an invented detail through when the rest of the sentence is the passage's ("... op
televisie, samen met Xi Jinping in Peking" is close to "... op televisie"). These rules are strict on purpose:
a name or number that no cited passage contains is an invented fact whatever the cosine; a "not" the passage
does not have reverses it; and in the passages' own language every content word must come from the passages
(or the question, which only frames the answer). A rejected answer is not lost: the extractive answer, which
quotes the passage verbatim, takes its place.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

# Words that turn a statement around, Dutch and English.
NEGATIONS = frozenset(
    "geen niet nooit niemand niets nergens noch allerminst "
    "no not never none nobody nothing nowhere neither nor cannot without".split()
)
# "niet alleen X" / "not only X" affirms X.
_NOT_ONLY = re.compile(r"\b(?:niet (?:alleen|enkel|slechts|zomaar)|not (?:only|just|merely))\b")
# Words that deny without a negation word: a passage saying "weigerde" supports a claim saying "niet".
_NEGATIVE_MEANING = re.compile(
    r"\b(?:weiger\w*|ontk\w*|zonder|nauwelijks|amper|verbo\w*|refus\w*|den(?:y|ies|ied)|hardly|barely|"
    r"forb\w*|declin\w*|fail\w*|lack\w*|absent)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
    "tien": 10, "elf": 11, "twaalf": 12, "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50,
    "honderd": 100, "duizend": 1000, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100, "thousand": 1000,
}  # fmt: skip
# A number word that is also an article ("een") proves nothing: only digits and the words from two up count.
_COUNTED = {w: v for w, v in _NUMBER_WORDS.items() if v > 1}
_DIGITS = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CAPITALISED = re.compile(r"[A-ZÀ-Ý][\w'’-]*")
# Words with which any answer reports what a passage says; they add no fact.
_FRAMING = frozenset(
    "zegt zei zeggen gezegd stelt stelde vertelt vertelde verklaart verklaarde noemt noemde aldus volgens "
    "vindt vond vinden meent meende denkt dacht zoals "
    "artikel artikelen passage passages bron bronnen interview says said say states stated tells told "
    "according article articles source sources explains explained thinks believes".split()
)
_FRAMING_TEXT = " ".join(sorted(_FRAMING))
# Clause boundaries: a negation belongs to its clause ("Hoewel hij de oorlog steunt, werd hij niet ...").
_CLAUSE = re.compile(
    r"\s*(?:[,;:–—]|\s-\s)\s*|\s+(?=(?:maar|hoewel|terwijl|want|omdat|but|although|while|whereas|because)\b)"
)
# Words that start sentences and are no names; a capitalised first word outside this list counts as a name.
_STARTERS = frozenset(
    "like according during after before because since when while although though however also first then later "
    "finally yet still so thus therefore instead both either despite even only just once there here this that "
    "these those what which who how why where whether his her their its our my your he she they it we you i "
    "per via tijdens daarna eerst later tenslotte uiteindelijk sinds terwijl hoewel echter bovendien daarom "
    "ondanks zoals net zelfs alleen pas toch nog wel zowel beide dit dat deze die zijn haar hun hij zij ze "
    "het de een er hier daar wat welke wie hoe waarom waar ook maar en of want dus".split()
)
NAME_FUZZY = 0.72  # "Lukashenko" ~ "Loekasjenko" 0.76, "Putin" ~ "Poetin" 0.73; "Xi" ~ "Wit" 0.40
NAME_COSINE = 0.65  # across languages: "Belarus" ~ "Wit-Rusland" 0.77, "Crimea" ~ "Krim" 0.68, "China" ~ "Rusland" 0.61


@dataclass(frozen=True)
class Added:
    """What a claim says beyond its passages; empty when nothing."""

    names: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    negation: str = ""

    def __bool__(self) -> bool:
        return bool(self.names or self.numbers or self.words or self.negation)

    def describe(self) -> list[str]:
        return (
            [f"name: {n}" for n in self.names]
            + [f"number: {n}" for n in self.numbers]
            + [f"word: {w}" for w in self.words]
            + ([f"negation: {self.negation}"] if self.negation else [])
        )


def fold(text: str) -> str:
    """Lower case without accents: 'Oekraïne' and 'oekraine' are one name."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def numbers(text: str) -> set[str]:
    """Digits (separators dropped: '1.200' = '1200') and counted number words as digits."""
    found = {re.sub(r"[.,]", "", d) for d in _DIGITS.findall(text)}
    found |= {str(_COUNTED[w]) for w in _WORD.findall(fold(text)) if w in _COUNTED}
    return found


def _negations(folded: str) -> list[str]:
    """The negation words of a folded text ("niet", "not", "n't"); "niet alleen" / "not only" is none."""
    words = _WORD.findall(_NOT_ONLY.sub(" ", folded))
    return [w for w in words if w in NEGATIONS or w.endswith(("n't", "n’t"))]


def negation(text: str) -> str:
    """The first negation word of `text`, or ''."""
    return next(iter(_negations(fold(text))), "")


def names(claim: str, stopwords: frozenset[str]) -> list[str]:
    """Capitalised words of a claim; the first word only when it is not a stop word ('Hij', 'The')."""
    found = []
    for match in _CAPITALISED.finditer(claim):
        at_start = not claim[: match.start()].strip(" \"'“‘(")
        word = re.sub(r"['’]s$", "", match.group(0)).strip("'’-")  # "Putin's"
        key = fold(word)
        if key in stopwords or key in _FRAMING or key in _NUMBER_WORDS:
            continue
        if at_start and (key in NEGATIONS or key in _STARTERS):
            continue
        # "Ajax-spits": the capitalised part is the name.
        found += [p for p in word.split("-") if p[:1].isupper()] if "-" in word else [word]
    return found


@dataclass
class Grounding:
    """Checks claims against passages. `terms` stems content words (the lexical index's tokenizer);
    `similar(texts, others)` gives each text's best cosine with any of `others`, across languages (the
    embedder)."""

    terms: Callable[[list[str]], list[list[str]]]
    stopwords: frozenset[str]
    similar: Callable[[Sequence[str], Sequence[str]], list[float]]

    def added(
        self,
        claim: str,
        passages: Sequence[str],
        closest: Callable[[str], Sequence[str]],
        question: str = "",
        same_language: bool = True,
    ) -> Added:
        """`closest(clause)`: the passage clauses nearest a clause of the claim (for negation)."""
        source = "\n".join(passages)
        negations = (_new_negation(part, closest(part)) for part in clauses(claim))
        return Added(
            names=tuple(self._new_names(claim, source, same_language)),
            numbers=tuple(sorted(numbers(claim) - numbers(source))),
            words=tuple(self._new_words(claim, source, question)) if same_language else (),
            negation=next((n for n in negations if n), ""),
        )

    def _new_names(self, claim: str, source: str, same_language: bool) -> list[str]:
        folded = fold(source)
        words = {fold(w) for w in _WORD.findall(source)}
        capitalised = sorted({w for w in _CAPITALISED.findall(source)})
        new = []
        for name in names(claim, self.stopwords):
            key = fold(name)
            if key in words or re.search(rf"\b{re.escape(key)}", folded):
                continue
            if any(SequenceMatcher(None, key, w).ratio() >= NAME_FUZZY for w in words if len(w) >= 3):
                continue
            new.append(name)
        if new and not same_language and capitalised:  # one embedding call for all the names left
            new = [n for n, cosine in zip(new, self.similar(new, capitalised), strict=True) if cosine < NAME_COSINE]
        return new

    def _new_words(self, claim: str, source: str, question: str) -> list[str]:
        claim_terms, source_terms, question_terms, framing = self.terms([claim, source, question, _FRAMING_TEXT])
        known = set(source_terms) | set(question_terms)
        new = []
        for term in dict.fromkeys(claim_terms):
            if term in known or term in framing or term.isdigit():
                continue
            if any(_related(term, k) for k in known):
                continue
            new.append(term)
        return new


def _related(a: str, b: str) -> bool:
    """Inflections, compounds and separable verbs the stemmer leaves apart: "aanvraagt" / "aanvrager",
    "oefent" / "uitoefent", "kernwapen" / "kernwapenarsenaal"."""
    short, long_ = sorted((a, b), key=len)
    if len(short) < 4:
        return False
    if short in long_:
        return True
    common = len(os.path.commonprefix([a, b]))
    return common >= 6 or common >= 0.8 * len(short)


def clauses(sentence: str) -> list[str]:
    """A sentence cut at commas, dashes and clause conjunctions."""
    return [c for c in _CLAUSE.split(sentence) if c and _WORD.search(c)]


def _new_negation(claim: str, closest: Sequence[str]) -> str:
    """A clause of the claim whose polarity none of its closest passage clauses has: a "niet" the passage
    does not have, or one it has that the claim drops. Polarity counts denials ("weigerde", "zonder" too),
    so "niet zonder voorwaarden" reverses "zonder voorwaarden" and "weigerde" supports "niet"."""
    if not closest:
        return ""
    mine = polarity(claim)
    theirs = [polarity(c) for c in closest]
    if mine in theirs:
        return ""
    if mine or negation(claim):
        return negation(claim) or "denial"
    return f"dropped '{negation(closest[0]) or 'denial'}'"


def polarity(text: str) -> int:
    """1 when a clause denies (an odd number of negation and denial words), else 0."""
    folded = fold(text)
    return (len(_negations(folded)) + len(_NEGATIVE_MEANING.findall(_NOT_ONLY.sub(" ", folded)))) % 2
