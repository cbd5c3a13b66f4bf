"""Typed spans in a sentence: numbers, dates, names, places, organisations, reasons, quotes.

No NER model runs offline here, so these are patterns over Dutch and English text (capitalised word
runs, digits and number words, month names, cue words such as "omdat"/"because"). They serve two
purposes: a sentence that holds a *new* span of the kind a question asks for is likely the answer, and
the span itself is the short answer shown before the quote. Spans are character offsets, so a short
answer is always a verbatim piece of its sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bot.answer.questions import AnswerType


@dataclass(frozen=True)
class Span:
    """A typed piece of a text: `text[start:end]`."""

    kind: AnswerType
    start: int
    end: int
    text: str


_MONTH_ABBREVIATIONS = frozenset("jan feb mrt apr jun jul aug sep sept okt oct nov dec".split())
_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "january|february|march|may|june|july|august|october|" + "|".join(sorted(_MONTH_ABBREVIATIONS))
)
_WEEKDAYS = (
    "maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|"
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_NUMBER_WORDS = (
    "twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|zestien|zeventien|"
    "achttien|negentien|twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig|honderd|honderden|"
    "duizend|duizenden|miljoen|miljoenen|miljard|miljarden|dozijn|tientallen|half|helft|anderhalf|"
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|hundreds|"
    "thousand|thousands|million|millions|billion|billions|dozen|half"
)
_UNITS = (
    r"%|procent|percent|euro|dollar|dollars|pond|frank|yuan|jaar|jaren|maanden|weken|dagen|uur|minuten|seconden|"
    r"meter|kilometer|km|m|cm|mm|kilo|kg|gram|ton|liter|graden|keer|mijl|mijlen|miles|years|months|weeks|days|"
    r"hours|minutes|seconds|times|points|punten|stemmen|zetels|inwoners|mensen|doden|slachtoffers|"
    r"miljoen|miljard|million|billion"
)
_DATE = re.compile(
    rf"\b(?:(?:{_WEEKDAYS})\s+)?(?:\d{{1,2}}\s+)?(?:{_MONTHS})\b\.?(?:\s+\d{{4}})?"
    rf"|\b(?:{_WEEKDAYS})\b"
    r"|\b(?:in|sinds|tot|vanaf|na|voor|rond|circa|eind|begin|midden|medio|tussen|en|of|from|until|since|by|around|of)?"
    r"\s*\b(?:1[0-9]\d\d|20\d\d)\b(?:\s*[-–]\s*\d{2,4})?"
    r"|\b\d{1,2}e?\s+eeuw\b|\b\d{1,2}(?:st|nd|rd|th)\s+century\b"
    r"|\b(?:gisteren|vandaag|morgen|eergisteren|vorige week|volgende week|vorig jaar|volgend jaar|"
    r"dit jaar|vanavond|vanochtend|vanmorgen|yesterday|today|tomorrow|last week|next week|last year|next year)\b",
    re.IGNORECASE,
)
_TIMES = r"duizend|honderd|miljoen|miljard|thousand|hundred|million|billion"  # multipliers
# One span for a clock time or a score: "3:08", "24-10" (not "08", or "24" and "10"), and one for a number
# with its multiplier and unit: "70 duizend euro", "twee miljoen dollar".
_NUMBER = re.compile(
    rf"(?<![\w.,:])(?:[€$£]\s?)?\d+(?:[.,:]\d+)*(?:-\d+(?!\w))?(?:½)?(?:\s+(?:{_TIMES})\b)?(?:\s*(?:{_UNITS})\b)?"
    rf"|\b(?:{_NUMBER_WORDS})\b(?:\s+(?:{_TIMES})\b)?(?:\s+(?:{_UNITS})\b)?",
    re.IGNORECASE,
)
_PARTICLES = r"van|de|der|den|het|ter|ten|von|la|le|du|di|da|of|the|and|en"  # inside a name: "Jan van der Berg"
# A run of capitalised words, allowing name particles inside ("Jan van der Berg", "Rijk der Nederlanden"), and
# "voor" in an organisation's ("Forum voor Democratie").
NAME = re.compile(rf"\b[A-ZÀ-Ý][\w'’-]*(?:\s+(?:(?:{_PARTICLES}|voor)\s+)*[A-ZÀ-Ý][\w'’-]*)*")
_LEADING_PARTICLE = re.compile(rf"(?:{_PARTICLES})\s+")
ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,6}\b")
PLACE_CUE = re.compile(
    r"\b(?:in|naar|uit|te|bij|vanuit|vanaf|richting|nabij|rond|to|from|at|near|into|across)\s+$", re.IGNORECASE
)


# Who speaks, or whose age is given, is a person: "zegt Woonink", "aldus Lansdorp", "Woonink (54)".
_SPEAKER_CUE = re.compile(
    r"\b(?:zegt|zei|zeggen|aldus|vertelt|vertelde|schrijft|schreef|verklaarde|verklaart|says|said|told)\s+$",
    re.IGNORECASE,
)
AGE_AFTER_NAME = re.compile(r"\s*\(\d{1,3}\)")  # "Woonink (54)"


def speaker_cued(text: str, start: int) -> bool:
    """A verb of saying stands right before position `start` of `text` ("zegt Woonink", "aldus Lansdorp")."""
    return _SPEAKER_CUE.search(text[max(0, start - 14) : start]) is not None


def place_cued(text: str, start: int) -> bool:
    """A preposition of place stands right before position `start` of `text` ("in Lochem", "naar Caracas")."""
    return PLACE_CUE.search(text[max(0, start - 12) : start]) is not None


_PLACE_SUFFIX = re.compile(
    r"(?:land|stad|burg|dam|rijk|berg|dorp|veen|haven|heim|hausen|ville|ton|ford|shire|ia|ië|stan)$", re.IGNORECASE
)
_ORG_WORDS = re.compile(
    r"\b(?:partij|bank|universiteit|university|club|company|bedrijf|omroep|krant|ministerie|ministry|"
    r"vereniging|association|stichting|foundation|raad|council|commissie|commission|leger|army|FC|NV|BV|Inc|Ltd|"
    r"Corporation|Group|Groep|Unie|Union|Verenigde Naties|United Nations)\b"
)
_REASON = re.compile(
    r"\b(?:omdat|want|doordat|vanwege|wegens|daardoor|daarom|dankzij|zodat|aangezien|door(?= de| het| een)|"
    r"om(?= \w+ te\b)|als gevolg van|ten gevolge van|reden|oorzaak|aanleiding|bang dat|bang voor|uit angst|"
    r"uit vrees|vreesde|"
    r"because|due to|since|as a result|so that|in order to|owing to|thanks to|therefore|reason|caused by|"
    r"afraid|feared|for fear|prompted by|triggered by|in response to)\b",
    re.IGNORECASE,
)
# A quotation: "...", “...”, „...”, «...», and Dutch news style ,,...'' (two commas, two apostrophes).
_QUOTE = re.compile(r"(?:,,|[“\"„«‘'])[^“”\"„«»‘’']{8,}(?:''|[”\"»’'])")
_OPENS = re.compile(r",,|[“„«]")
_CLOSES = re.compile(r"''|[”»]")
_SAYING = re.compile(
    r"\b(?:zei|zegt|zeggen|zeiden|aldus|volgens|verklaarde|verklaart|benadrukte|stelde|stelt|meent|vindt|"
    r"vond|liet weten|schreef|schrijft|dreigde|merkte|said|says|told|stated|according to|claimed|wrote)\b",
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[“\"„(]\s*)$")

# Capitalised words that are not names (sentence starts are skipped separately).
_NOT_NAMES = frozenset(
    "De Het Een Dat Die Deze Dit Er In Op Maar En Ook Toen Als Na Voor Met Van Bij Volgens Hij Zij Ze Wij We Ik "
    "Hoewel Tijdens Daarnaast Sinds Omdat Want Terwijl Nadat Voordat Door Zo Nu Dan Ondanks Behalve Tot Uit "
    "Although During Since Because While However Then Now Despite "
    "Je Jullie U The A An This That These Those It He She They We I In On At But And Also When After Before With "
    "Of By According".split()
)


def find_spans(text: str) -> list[Span]:
    """Every typed span in `text`, in order of position (a span may have several kinds)."""
    spans: list[Span] = []
    dates = [(m.start(), m.end()) for m in _DATE.finditer(text) if m.group().strip()]
    for s, e in dates:
        s += len(text[s:e]) - len(text[s:e].lstrip())
        if text[e - 1] == "." and text[s : e - 1].split()[-1].lower() not in _MONTH_ABBREVIATIONS:
            e -= 1  # "eind juni.": the sentence's full stop, not an abbreviation's ("jun.")
        spans.append(Span(AnswerType.DATE, s, e, text[s:e]))
    for m in _NUMBER.finditer(text):
        spans.append(Span(AnswerType.NUMBER, m.start(), m.end(), m.group()))
    for m in NAME.finditer(text):
        s, e, word = m.start(), m.end(), m.group()
        if _SENTENCE_START.search(text[:s]) and " " not in word:
            continue  # one capitalised word at a sentence start says nothing
        first = word.split()[0]
        if first in _NOT_NAMES:
            if " " not in word:
                continue
            s += len(first) + 1
            # ... and the particles after it: "Voor de Amsterdamse Verberne" names "Amsterdamse Verberne".
            while lead := _LEADING_PARTICLE.match(text, s, e):
                s = lead.end()
            word = text[s:e]
        if _DATE.fullmatch(word):
            continue
        kinds = _name_kinds(text, s, word)
        spans.extend(Span(kind, s, e, word) for kind in kinds)
    for m in ACRONYM.finditer(text):
        spans.append(Span(AnswerType.ORGANISATION, m.start(), m.end(), m.group()))
    for m in _REASON.finditer(text):
        end = _clause_end(text, m.end())
        spans.append(Span(AnswerType.REASON, m.start(), end, text[m.start() : end]))
    spans.extend(quote_spans(text))
    return sorted(spans, key=lambda sp: (sp.start, sp.end))


def quote_spans(text: str) -> list[Span]:
    """The quotations of a sentence, with the part of one that runs over several sentences: from an opening
    mark that no mark closes to the end (“Onderhandelingen moeten ... gaan.), from the start to a closing mark
    that none opened (... alles moet besproken worden”, aldus ...)."""
    spans = [Span(AnswerType.QUOTE, m.start(), m.end(), m.group()) for m in _QUOTE.finditer(text)]
    opens, closes = list(_OPENS.finditer(text)), list(_CLOSES.finditer(text))
    end = len(text.rstrip())
    if len(opens) > len(closes) and end - opens[-1].start() >= 10:
        spans.append(Span(AnswerType.QUOTE, opens[-1].start(), end, text[opens[-1].start() : end]))
    elif len(closes) > len(opens) and closes[0].end() >= 10:
        spans.append(Span(AnswerType.QUOTE, 0, closes[0].end(), text[: closes[0].end()]))
    return spans


def _name_kinds(text: str, start: int, word: str) -> list[AnswerType]:
    """Which kinds a capitalised run may be: a person, a place, an organisation (no NER: cues only)."""
    kinds: list[AnswerType] = []
    if speaker_cued(text, start) or AGE_AFTER_NAME.match(text, start + len(word)):
        return [AnswerType.PERSON]
    last = word.split()[-1]
    if place_cued(text, start) or _PLACE_SUFFIX.search(last):
        kinds.append(AnswerType.PLACE)
    if _ORG_WORDS.search(word) or word.isupper():
        kinds.append(AnswerType.ORGANISATION)
    # Anything capitalised may be a person; two or more words ("Diana Panchenko") more likely so.
    kinds.append(AnswerType.PERSON)
    if AnswerType.PLACE not in kinds:
        kinds.append(AnswerType.PLACE)
    if AnswerType.ORGANISATION not in kinds:
        kinds.append(AnswerType.ORGANISATION)
    return kinds


def _clause_end(text: str, start: int) -> int:
    """End of the clause that starts at `start` (the next comma, semicolon or sentence end)."""
    m = re.compile(r"[,;:.!?”\"]").search(text, start)
    return m.start() if m else len(text)


# How strongly a span of one kind answers a question of another: a name may be a person, place or
# organisation; a date is also a number ("in welk jaar" is answered by "1889").
COMPATIBLE: dict[AnswerType, tuple[AnswerType, ...]] = {
    AnswerType.NUMBER: (AnswerType.NUMBER,),
    AnswerType.DATE: (AnswerType.DATE,),
    AnswerType.PERSON: (AnswerType.PERSON,),
    AnswerType.PLACE: (AnswerType.PLACE,),
    AnswerType.ORGANISATION: (AnswerType.ORGANISATION,),
    AnswerType.REASON: (AnswerType.REASON,),
    AnswerType.QUOTE: (AnswerType.QUOTE,),
}

WORD = re.compile(r"\w+")
_COMPOUND = re.compile(r"[\w'’]+(?:-[\w'’]+)*")


def name_words(text: str) -> set[str]:
    """The words by which a name span and a question are compared. A hyphenated name whose later parts are
    capitalised is one word ("Wit-Rusland" is not "Rusland", "Noord-Korea" not "Korea"); one that joins a
    name to a common noun also gives its parts ("Wagner-muiterij" names Wagner)."""
    out = set()
    for token in _COMPOUND.findall(text):
        out.add(token.casefold())
        parts = token.split("-")
        if len(parts) > 1 and all(not p[:1].isupper() for p in parts[1:]):
            out.update(p.casefold() for p in parts if p)
    return out


# "Vladimir Poetin (70)": a number in brackets after a name is that person's age, news style; it answers
# "hoe oud"/"how old", not "hoe groot" or "hoeveel". Groups: the first name if one stands before, the last, the age.
NAMED_AGE = re.compile(r"(?:(?P<first>[A-ZÀ-Ý][\w'’-]+) )?(?P<last>[A-ZÀ-Ý][\w'’-]+) \((?P<age>\d{1,3})\)")
_ASKS_AGE = re.compile(r"\b(?:hoe oud|leeftijd|jarige?|how old|age|aged)\b", re.IGNORECASE)


def _bracket_ages(text: str) -> set[int]:
    """Where the numbers of "Name (70)" end: the ages news style puts after a name."""
    return {m.end("age") for m in NAMED_AGE.finditer(text)}


# Dutch and English spell transliterated names differently ("Loekasjenko" / "Lukashenko", "Poetin" / "Putin",
# "Wolodymyr" / "Volodymyr", "Oekraïne" / "Ukraine"): both sides are folded to one spelling before comparing.
_SPELLINGS = (("tsj", "ch"), ("sj", "sh"), ("zj", "zh"), ("oe", "u"), ("ij", "y"), ("y", "i"), ("j", "i"), ("w", "v"))
_DOUBLED = re.compile(r"(\w)\1")


@lru_cache(maxsize=4096)
def fold_spelling(text_lower: str) -> str:
    """A lower-case text without accents, doubled letters and the Dutch transliteration of Slavic names."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text_lower) if not unicodedata.combining(c))
    for dutch, english in _SPELLINGS:
        plain = plain.replace(dutch, english)
    return _DOUBLED.sub(r"\1", plain)


def _spellings(words: set[str]) -> set[str]:
    """The words, and each in the spelling `fold_spelling` gives it."""
    return words | {fold_spelling(w) for w in words}


YEAR = re.compile(r"(?:1[0-9]|20)\d\d")  # a year, as a number span's whole text
_DAY_OF_MONTH = re.compile(rf"\s+(?:{_MONTHS})\b", re.IGNORECASE)


# "Wanneer zou hij ze inzetten?" asks on what condition, not on what day: "als zijn land wordt aangevallen".
_WHEN_WOULD = re.compile(r"\b(?:wanneer|when)\s+(?:zou|zouden|zal|zullen|would|will)\b", re.IGNORECASE)
_CONDITION = re.compile(
    r"\b(?:als(?= (?:zijn|haar|hun|de|het|ze|zij|hij|we|wij|je|jij|u|men|er|iemand)\b)|zodra|indien|tenzij|"
    r"if|once|unless)\b",
    re.IGNORECASE,
)


def condition_spans(text: str, question: str) -> list[Span]:
    """For a question when something would happen, the conditions `text` states ("als zijn land wordt
    aangevallen", "zodra de wet er is"), as answers of the date kind; none for other questions."""
    if not _WHEN_WOULD.search(question):
        return []
    return [
        Span(AnswerType.DATE, m.start(), end, text[m.start() : end])
        for m in _CONDITION.finditer(text)
        if (end := _clause_end(text, m.end())) > m.end()
    ]


def new_spans(text: str, kind: AnswerType, known: str) -> list[Span]:
    """Spans of `kind` in `text` that add something: not all of their words occur in `known` (the question)."""
    wanted = COMPATIBLE.get(kind)
    if not wanted:
        return []
    known_words = {w.casefold() for w in WORD.findall(known)}
    known_names = _spellings(name_words(known))  # "Lukashenko" gave "Loekasjenko"
    ages = set() if _ASKS_AGE.search(known) else _bracket_ages(text)
    # (only a number question reads it: every sentence of the top passages passes through here)
    counting = kind is AnswerType.NUMBER and _COUNTED.search(known) is not None and asked_measure(known) is None
    out = []
    for span in find_spans(text):
        if span.kind not in wanted or (span.kind is AnswerType.NUMBER and span.end in ages):
            continue
        if kind is AnswerType.NUMBER and (
            _DAY_OF_MONTH.match(text, span.end) or (counting and YEAR.fullmatch(span.text))
        ):
            continue  # "24 februari 2022": a date's day, or a year, counts nothing ("Hoeveel troepen ...?")
        words = {w.casefold() for w in WORD.findall(span.text)}
        if kind is AnswerType.QUOTE:
            out.append(span)
        elif kind is AnswerType.REASON:
            # "Waarom moest de wet worden aangepast?" is not answered by "vanwege een Europese richtlijn" when the
            # question already says "Europese richtlijn": the reason must say something the question does not.
            cue = _REASON.match(span.text)
            said = {w.casefold() for w in WORD.findall(span.text[cue.end() if cue else 0 :]) if len(w) > 3}
            if said - known_words:
                out.append(span)
        elif kind in (AnswerType.NUMBER, AnswerType.DATE):
            if not words <= known_words:
                out.append(span)
        elif not _spellings(name_words(span.text)) & known_names:  # a name sharing a word with the question is
            out.append(span)  # the one it already gave (in either language's spelling)
    if kind is AnswerType.DATE:
        out.extend(condition_spans(text, known))
    return out


_MONEY_ASKED = re.compile(
    r"\b(?:kost|kosten|kostte|kostten|prijs|bedrag|schuld|schulden|schade|waard|verdient|verdiende|betaalt|"
    r"betaalde|betalen|opbrengst|omzet|winst|boete|cost|costs|price|worth|debt|damage|paid|pay|earns?|earned|"
    r"revenue|profit|dollars?|euros?)\b",
    re.IGNORECASE,
)
# "Hoeveel duurder ...?" / "How much cheaper ...?": a difference, answered by a share, a factor or an amount ("63
# procent", "twee keer zo duur", "40 cent meer"), not by any number ("vijf jaar geleden").
_DIFFERENCE_ASKED = re.compile(
    r"\b(?:hoeveel|how much)\s+(?:duurder|goedkoper|hoger|lager|groter|kleiner|sneller|trager|zwaarder|lichter|"
    r"beter|slechter|cheaper|higher|lower|bigger|larger|smaller|faster|slower|heavier|better|worse|more expensive)\b",
    re.IGNORECASE,
)
_DIFFERENCE = re.compile(r"%|\b(?:procent|procentpunt|procentpunten|percent|keer|maal|times)\b", re.IGNORECASE)
_MONEY = re.compile(r"[€$£]|\b(?:euros?|dollars?|pond|ponden|pounds?|frank|cents?|miljoen|miljard)\b", re.IGNORECASE)
_AGE_AFTER_NUMBER = re.compile(r"^-?\s*(?:jaar|jarige|years?)\b", re.IGNORECASE)  # "70 jaar", "70-jarige"
_AGE_UNIT = re.compile(r"\b(?:jaar|years?)$", re.IGNORECASE)  # the span took the unit in: "70 jaar"
# "gebouwd in 1889", "born in 1950": a year something began also says how old it is.
_SINCE = re.compile(
    r"\b(?:geboren|gebouwd|opgericht|gesticht|ontstaan|born|built|founded|established)\b[^.]*$",
    re.IGNORECASE,
)


# Counts of people, asked ("Hoeveel mensen kwamen om?", "How many were injured?") and stated within
# _NEAR characters of the number ("het dodental stond op 23", "twaalf gewonden").
_DEATH = re.compile(
    r"\b(?:doden|dode|dodental|dodentol|omgekomen|omkwamen|kwamen? om(?! te\b)|om het leven|overleden|overleed|"
    r"stierven|stierf|sterfgevallen|doodgeschoten|gedood|levens? (?:geëist|gekost)|died|dead|deaths?|killed|"
    r"death toll|fatalities|perished|lost their lives)\b",
    re.IGNORECASE,
)
_INJURED = re.compile(
    r"\b(?:gewond|gewonden|gewonde|zwaargewond|lichtgewond|verwond|injured|wounded|injuries)\b", re.IGNORECASE
)
_NEAR = 40
# Measures a sentence states in words, number or not: a court's sentence ("twee jaar cel", "vrijgesproken"),
# a match's result ("2-1", "gelijkspel"): what readers ask of news that an article often does not say.
_PENALTY_ASKED = re.compile(
    r"\b(?:welke straf|wat voor straf|strafeis|celstraf|gevangenisstraf|taakstraf|de cel in|"
    r"waartoe \w+ \w+ veroordeeld|sentenced to|what sentence|which sentence|how long \w+ \w+ (?:in prison|in jail))\b",
    re.IGNORECASE,
)
_PENALTY = re.compile(
    r"\b(?:(?:[\w.,]+ )?(?:jaar|maanden|maand|weken|week|dagen) (?:cel|gevangenisstraf|celstraf|taakstraf|"
    r"werkstraf|voorwaardelijk|onvoorwaardelijk|jeugddetentie)|celstraf|gevangenisstraf|taakstraf|werkstraf|tbs|"
    r"levenslang|boete|vrijgesproken|vrijspraak|sentenced to|years in prison|in jail|fined|acquitted|life sentence|"
    r"community service)\b",
    re.IGNORECASE,
)
_SCORE_ASKED = re.compile(
    r"\b(?:uitslag|eindstand|tussenstand|eindscore|hoe eindigde|wat was de score|final score|what was the score|"
    r"how did the (?:match|game) end)\b",
    re.IGNORECASE,
)
_SCORE = re.compile(
    r"(?<![\d/-])(?<!\d[.,])\d{1,2}\s?[-–]\s?\d{1,2}(?![\d/-])(?![.,]\d)|\b(?:gelijkspel|doelpuntloos|draw)\b", re.I
)
TEXT_MEASURES = frozenset({"penalty", "score"})  # stated in words: asked by a question of any kind
_VAGUE = re.compile(
    r"^(?:tientallen|honderden|duizenden|enkele|meerdere|verscheidene|talloze|dozens|hundreds|thousands|several|"
    r"a few|many)\b",
    re.IGNORECASE,
)


def is_vague(span: Span) -> bool:
    """A number that is no count: "tientallen", "honderden", "dozens"."""
    return bool(_VAGUE.match(span.text))


def asked_measure(question: str) -> str | None:
    """Which measure a question asks for, if one that only some numbers or words can answer: "age" ("Hoe oud
    ...?"), "deaths" ("Hoeveel mensen kwamen om?"), "injured", "penalty" ("Welke straf kreeg
    hij?"), "score" ("Wat was de uitslag?"), "money" ("Hoeveel kost ...?"), "difference" ("Hoeveel duurder ...?": a share, a
    factor or an amount); None for any other."""
    for measure, asked in (
        ("age", _ASKS_AGE),
        ("deaths", _DEATH),
        ("injured", _INJURED),
        ("penalty", _PENALTY_ASKED),
        ("score", _SCORE_ASKED),
        ("money", _MONEY_ASKED),
        ("difference", _DIFFERENCE_ASKED),
    ):
        if asked.search(question):
            return measure
    return None


def measure_spans(text: str, spans: list[Span], measure: str) -> list[Span]:
    """The spans of `text` that state `measure`: number `spans` that are an amount of money ("20.000 euro"),
    an age ("Poetin (70)", "70 jaar") or a number of deaths or injured ("het dodental op 23");
    for a penalty or a score, the words that state it ("twee jaar cel", "2-1")."""
    if measure in TEXT_MEASURES:
        pattern = _PENALTY if measure == "penalty" else _SCORE
        return [Span(AnswerType.OTHER, m.start(), m.end(), m.group()) for m in pattern.finditer(text)]
    ages = _bracket_ages(text) if measure == "age" else set()
    return [s for s in spans if s.kind is AnswerType.NUMBER and _number_states(text, s, measure, ages)]


_COUNTED_NEAR = {"deaths": _DEATH, "injured": _INJURED}  # a word within _NEAR characters says what is counted


def _number_states(text: str, span: Span, measure: str, ages: set[int]) -> bool:
    """Whether the number `span` of `text` is the `measure` asked for (`ages`: where "Name (70)" ages end)."""
    if measure == "money":
        return _MONEY.search(text[span.start : span.end + 12]) is not None
    if measure == "difference":
        after = text[span.start : span.end + 12]
        return _DIFFERENCE.search(after) is not None or _MONEY.search(after) is not None
    if measure in _COUNTED_NEAR:
        return _COUNTED_NEAR[measure].search(text[max(0, span.start - _NEAR) : span.end + _NEAR]) is not None
    if measure == "age":
        return (
            span.end in ages
            or _AGE_AFTER_NUMBER.match(text[span.end :]) is not None
            or _AGE_UNIT.search(span.text) is not None
            or _SINCE.search(text[max(0, span.start - 24) : span.start]) is not None
        )
    return False


# "Hoeveel leerlingen ...?" / "How many children ...?": the word after it says what is counted (an adjective may
# come first: "Hoeveel jihadistische aanslagen").
_COUNTED = re.compile(r"\b(?:hoeveel|how many)\s+(\w+)(?:\s+(\w+))?", re.IGNORECASE)
_COUNT_LINKS = frozenset({"met", "van", "op", "with", "of", "at"})  # "onderscheppingen met 24"
_COUNTED_AFTER = 3  # words between a number and the noun it counts ("honderd Amerikaanse leerlingen")


def counted_words(question: str) -> list[str]:
    """The words a "hoeveel ..." question counts, as comparable stems (their first five letters); none for a
    share ("Hoeveel procent ...?": a percentage is no count of something)."""
    match = _COUNTED.search(question)
    if match is None or match.group(1).lower() in _SHARES:
        return []
    first, second = match.group(1).lower(), (match.group(2) or "").lower()
    # The second word only after a Dutch adjective's -e ("jihadistische aanslagen"), not a verb ("children died").
    words = [first, second] if first.endswith("e") else [first]
    return [w[:5] for w in words if len(w) > 3 and w not in _function_words()]


_SHARES = frozenset({"procent", "percent", "percentage", "keer", "vaak", "times"})


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from index.lexical import stopwords

    return frozenset(stopwords("dutch")) | frozenset(stopwords("english"))


def counted_spans(text: str, spans: list[Span], counted: list[str]) -> list[Span]:
    """The number `spans` of `text` followed, within a few words, by a word the question counts: "Een kleine
    honderd leerlingen" for "Hoeveel leerlingen ...?" (a number of something else answers another question)."""
    out = []
    for span in spans:
        if span.kind is not AnswerType.NUMBER:
            continue
        # (the span may hold the noun as its unit: "55 zetels", "vier kinderen")
        own = re.findall(r"\w+", span.text.lower())[1:]
        after = own + re.findall(r"\w+", text[span.end : span.end + 60].lower())[:_COUNTED_AFTER]
        # ... or names it just before: "onderscheppingen met 24".
        before = re.findall(r"\w+", text[max(0, span.start - 40) : span.start].lower())[-2:]
        named = before[:1] if len(before) == 2 and before[1] in _COUNT_LINKS else []
        if any(word.startswith(stem) for word in after + named for stem in counted):
            out.append(span)
    return out


def states_measure(text: str, spans: list[Span], measure: str) -> bool:
    """Whether `text` states `measure` (see `measure_spans`)."""
    return bool(measure_spans(text, spans, measure))


def has_saying(text: str) -> bool:
    """Whether the sentence reports speech ("zei", "aldus", quotation marks)."""
    return bool(_SAYING.search(text) or quote_spans(text))
