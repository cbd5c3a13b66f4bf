"""People in questions and articles: whose age a question asks and where news states it ("Vladimir Poetin
(70)"), which office a "who" question asks to name and who holds it ("minister Ferdinand Grapperhaus"), and
which capitalised words name no one ("de Wit-Russische president"). Rules over wording, no NER."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache

from bot.answer.questions import AnswerType, earlier_turn, elliptic_name
from bot.answer.spans import NAME, NAMED_AGE, WORD, Span, place_cued

# "Hoe oud is (sheriff) Jay Jones?", "How old is Putin?", "de leeftijd van Poetin": the person named right after
# the question's words and a title or two (not "de zoon van Poetin": then the age is someone else's), up to
# the question mark ("Hoe oud was hij toen ...?" asks an age at another time than the article's); or "hij".
_AGE_OF = re.compile(
    r"\b(?i:hoe oud (?:is|was|wordt|werd)|how old (?:is|was)|(?:wat is )?de leeftijd van|(?:what is )?the age of)\s+"
    r"(?:(?P<pronoun>(?i:hij|zij|ze|he|she))|(?:(?!van\b|of\b)[a-zà-ÿ-]+\s+){0,3}"
    r"(?P<name>[A-ZÀ-Ý][\w'’-]*(?:\s+(?:(?:van|de|der|den|ter|von|la|le|di|da)\s+)*[A-ZÀ-Ý][\w'’-]*)*))\s*\??\s*$"
)
_ASKS_WHO = re.compile(
    r"\W*(?:(?:en|and|met|van|aan|voor|with|to)\s+)*(?:wie|who|whom)\b(?!\s+(?:is|was)\s+(?-i:[A-ZÀ-Ý]))", re.IGNORECASE
)
_NAME_RUN = re.compile(r"[A-ZÀ-Ý][\w'’-]*(?:\s+[A-ZÀ-Ý][\w'’-]*)*")  # capitalised words in a row


def asks_who(question: str) -> bool:
    """Whether a question asks who ("Wie interviewde hem?", "Met wie sprak hij?"); not "Wie is Poetin?", which
    gives the name and asks what he is."""
    return _ASKS_WHO.match(question) is not None


def age_asked_of(question: str, query: str = "") -> list[str]:
    """The words of the name whose age the question asks ("Hoe oud is Jay Jones?" -> ["Jay", "Jones"]); for a
    follow-up ("Hoe oud is hij?") the first name of the earlier question its search `query` starts with, or the
    one "En Loekasjenko?" names after an age question; or []."""
    match = _AGE_OF.search(question.strip())
    if match is None:
        # "En Loekasjenko?" after "Hoe oud is Poetin?": his age.
        name = elliptic_name(question, query)
        return name.split() if name and _AGE_OF.search(earlier_turn(question, query)) else []
    if match.group("pronoun"):
        earlier = earlier_turn(question, query)
        if asks_who(earlier):
            # "Met wie sprak hij? Hoe oud is zij?": she is the answer ("Wie is Poetin?" names him), named after the
            # earlier question when its answer led with her name (bot/condense.py), else unknown.
            answered = earlier.partition("?")[2]
            return next((m.group().split() for m in _NAME_RUN.finditer(answered)), [])
        # The earlier question's first name, not its first word ("Wat wilde Poetin van Loekasjenko?" -> Poetin).
        return next((m.group().split() for m in _NAME_RUN.finditer(earlier) if m.start() > 0), [])
    return [w for w in match.group("name").split() if w[0].isupper()]


def _same_name(word: str, name: str) -> bool:
    """The same name word: equal, the same first five letters of a long one ("Poetins" ~ "Poetin"), or
    equal once Dutch and English spellings of a transliterated name agree ("Putin" ~ "Poetin",
    "Lukashenko" ~ "Loekasjenko", "Zelensky" ~ "Zelenski")."""
    a, b = word.casefold(), name.casefold()
    if a == b or (min(len(a), len(b)) >= 6 and a[:5] == b[:5]):
        return True
    key = _name_key(a)
    return len(key) >= 4 and key == _name_key(b)


_SPELLINGS = (("tsj", "ch"), ("sj", "sh"), ("oe", "u"), ("ij", "y"), ("j", "y"), ("w", "v"), ("ks", "x"))


def _name_key(word: str) -> str:
    """A name without accents, with Dutch transliterations spelled the English way and a final y as i."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    for dutch, english in _SPELLINGS:
        plain = plain.replace(dutch, english)
    return re.sub(r"y$", "i", plain)


def stated_ages(text: str, names: list[str]) -> list[Span]:
    """The ages news style puts after a name ("Vladimir Poetin (70)") in `text`, of the person `names` (a
    question's name words) calls: the last name before the bracket, and the first name too when both give one."""
    if not names:
        return []
    out = []
    for match in NAMED_AGE.finditer(text):
        first, last = match.group("first"), match.group("last")
        if not _same_name(last, names[-1]):
            continue
        if first is not None and len(names) > 1 and not any(_same_name(first, n) for n in names[:-1]):
            continue
        out.append(Span(AnswerType.NUMBER, match.start("age"), match.end("age"), match.group("age")))
    return out


# The office a "who" question asks to name: "Welke minister ...?", "Wie is de directeur van ...?", "Which
# director ...?"; "Wie leidt ...?" asks for whoever heads it. Generic nouns (man, vrouw, person) name no office.
_ROLE_NOUNS = (
    r"president|minister|premier|burgemeester|directeur|voorzitter|woordvoerder|trainer|coach|leider|topman|"
    r"topvrouw|baas|chef|oprichter|eigenaar|rechter|advocaat|officier|commissaris|gouverneur|ambassadeur|"
    r"director|chairman|chairwoman|spokesman|spokesperson|leader|founder|owner|judge|lawyer|governor|mayor|"
    r"ambassador|ceo|chief|head|manager|wethouder|schepen|kapitein|captain|curator|bewindvoerder|aanklager|"
    r"rector|hoofdredacteur|redacteur|commandant|bevelhebber|staatssecretaris|secretaris|penningmeester|notaris|"
    r"scheidsrechter|aanvoerder|bondscoach|ombudsman|receiver|prosecutor|secretary|treasurer|referee|commander|"
    r"editor|lijsttrekker|fractievoorzitter|partijleider|partijvoorzitter|gedeputeerde|dijkgraaf|informateur|"
    r"formateur|hoogleraar|frontrunner"
)
_ROLE_ASKED = re.compile(
    rf"\b(?:welke?|wat voor(?: een)?|which|what)\s+(?P<a>{_ROLE_NOUNS})\b"
    rf"|\b(?:wie|who)\s+(?:is|was|wordt|werd|zijn|waren|are|were)\s+(?:de|het|the)\s+(?:[\w-]+\s+)?(?P<b>{_ROLE_NOUNS})\b",
    re.IGNORECASE,
)
_HEADS = re.compile(r"\b(?:wie|who)\s+(?:leidt|leidde|leiden|leads|led|heads|headed|runs|ran)\b", re.IGNORECASE)
_CAPITALISED_WORD = re.compile(r"\b[A-ZÀ-Ý][\w-]*")
_HEAD_ROLES = ("direc", "leide", "leade", "topma", "voorz", "chair", "baas", "chef", "ceo", "head")
_STATE_HEADS = ("presi", "premi", "konin", "king", "queen", "burge", "mayor", "dicta")
_ANY_HEAD = frozenset({"leide", "leade", "baas", "chef", "topma", "topvr", "head", "chief"})  # no one office


def asked_roles(question: str) -> tuple[str, ...]:
    """The beginnings of the words for the office a question asks to name ("Welke minister ...?" ->
    ("minis",); "Wie leidt ...?" -> director, leader, chair...), or () when it asks no office. Five letters
    match across Dutch and English ("director" ~ "directeur") and inside compounds ("Verkeersminister")."""
    office = asked_office(question)
    if office in _ANY_HEAD:
        # "Wie is de leider van Wit-Rusland?": its president, premier, director ... is its leader.
        return tuple(dict.fromkeys((office, *_HEAD_ROLES, *_STATE_HEADS)))
    if office:
        return (office,)
    return _HEAD_ROLES if _HEADS.search(question) else ()


def asked_office(question: str) -> str | None:
    """The beginning of the word for the office a question names outright ("Wie is de premier van ...?" ->
    "premi"), or None (also for "Wie leidt ...?", which any head answers)."""
    match = _ROLE_ASKED.search(question)
    return (match.group("a") or match.group("b")).lower()[:5] if match else None


def role_names(text: str, roles: tuple[str, ...], known: str, *, agreeing: bool = True) -> list[Span]:
    """Names right after a word for one of `roles` ("minister Ferdinand Grapperhaus", "Mars One-directeur Bas
    Lansdorp"), but not names the question (`known`) already gives. When the question says whose office
    ("de Russische president", "de president van Rusland"), an office the text says is another country's
    ("de Wit-Russische president Aleksandr Loekasjenko") does not count; `agreeing=False` returns those."""
    if not roles:
        return []
    known_words = {w.casefold() for w in WORD.findall(known)}
    qualifiers = {w.casefold()[:4] for w in _CAPITALISED_WORD.findall(known.strip())[1:]}
    out = []
    for match in _office_before_name(roles).finditer(text):
        name = NAME.match(text, match.end())
        if name is None:
            continue
        words = {w.casefold() for w in WORD.findall(name.group())}
        qualifier = match.group("qualifier")
        agrees = not (qualifiers and qualifier and qualifier.casefold()[:4] not in qualifiers)
        if words and not words <= known_words and agrees is agreeing:
            out.append(Span(AnswerType.PERSON, name.start(), name.end(), name.group()))
    return out


@lru_cache(maxsize=64)
def _office_before_name(roles: tuple[str, ...]) -> re.Pattern[str]:
    """A word for one of `roles` (perhaps inside a compound, perhaps after a capitalised qualifier) followed
    by a name."""
    words = "|".join(map(re.escape, roles))
    return re.compile(rf"(?:(?P<qualifier>[A-ZÀ-Ý][\w-]*)\s+)?(?i:[\w-]*(?:{words})[\w-]*)\s+(?=[A-ZÀ-Ý])")


# A capitalised Dutch adjective of a country or people ("Russische", "Wit-Russische", "Amerikaanse",
# "Nederlandse", "Chinese", "Franse", "Britse", "Poolse", and "Wit-Russisch grondgebied"): it describes, it names
# no one.
_ADJECTIVE = re.compile(r"^[A-ZÀ-Ý][\w-]{2,}(?:ische|isch|sche|aanse|aans|anse|ense|ese|tse|lse|ndse|mse|gse|wse)$")
# "Wie is Loekasjenko?": the question gives the name and asks what the person is, which no name answers.
_WHO_IS_NAMED = re.compile(r"^\W*(?:en\s+)?(?i:wie|who)\s+(?i:is|was|zijn|waren|are|were)\s+[A-ZÀ-Ý][^?]*\??\s*$")


_TITLE = re.compile(rf"^(?:{_ROLE_NOUNS})\s+(?=[A-ZÀ-Ý])", re.IGNORECASE)


def without_title(span: Span) -> Span:
    """A name without the office before it that a sentence start capitalised ("Voorzitter Joke Smit" -> "Joke
    Smit")."""
    title = _TITLE.match(span.text)
    if title is None:
        return span
    return replace(span, start=span.start + title.end(), text=span.text[title.end() :])


def without_adjectives(span: Span) -> Span:
    """A name span without the adjectives of a place or people before the name ("Amsterdamse Verberne" ->
    "Verberne", "Wit-Russische president" is no name to begin with)."""
    start, rest = span.start, span.text
    while (first := re.match(r"(\S+)\s+", rest)) and _ADJECTIVE.search(first.group(1)):
        start, rest = start + first.end(), rest[first.end() :]
    return span if rest == span.text else replace(span, start=start, text=rest)


def names_someone(span: Span, text: str) -> bool:
    """False for a name span of `text` made of adjectives of a country or people only ("Wit-Russische",
    "Russische Oekraïense" in "de pro-Russische Oekraïense journaliste"), and for a person that the word
    before says is a place ("over de situatie in Oekraïne")."""
    name_kinds = (AnswerType.PERSON, AnswerType.PLACE, AnswerType.ORGANISATION)
    if span.kind not in name_kinds:
        return True
    if all(_ADJECTIVE.search(w) for w in span.text.split() if w[0].isupper()):
        return False
    return span.kind is not AnswerType.PERSON or not place_cued(text, span.start)


def asks_who_named(question: str) -> bool:
    """Whether the question asks who a person it names is ("Wie is Poetin?", "Who was Jay Jones?")."""
    return _WHO_IS_NAMED.match(question) is not None
