"""What kind of fact a question asks for (number, date, person, ...), in Dutch and English.

The rules are data: an ordered table of patterns per language, first match wins. They look at the
question's wording only ("Hoeveel ...", "In welk jaar ...", "Who ..."), so they are cheap and explainable;
the answerer then prefers sentences that hold new information of that kind.
"""

from __future__ import annotations

import re
from enum import StrEnum


class AnswerType(StrEnum):
    """The kind of fact a question asks for."""

    NUMBER = "number"
    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    ORGANISATION = "organisation"
    REASON = "reason"
    YESNO = "yesno"
    QUOTE = "quote"
    OTHER = "other"


_PERSON_NOUNS_NL = (
    r"persoon|man|vrouw|speler|speelster|journalist\w*|president|minister|politic\w*|leider|trainer|coach|"
    r"burgemeester|schrijver|schrijfster|auteur|kunstenaar|premier|koning\w*|directeur|voorzitter|zanger\w*|"
    r"acteur|actrice|wetenschapper|onderzoeker|uitvinder|architect|componist|keizer\w*|paus|generaal|rechter|"
    r"advocaat|woordvoerder|arts|dokter|agent|verdachte|slachtoffer|kandidaat|winnaar|oprichter|eigenaar|quarterback"
)
_PERSON_NOUNS_EN = (
    r"person|man|woman|player|journalist|president|minister|politician|leader|coach|mayor|writer|author|artist|"
    r"king|queen|director|chairman|singer|actor|actress|scientist|researcher|inventor|architect|composer|emperor|"
    r"pope|general|judge|lawyer|spokesman|spokesperson|doctor|officer|suspect|victim|candidate|winner|founder|"
    r"owner|quarterback|khan"
)
_PLACE_NOUNS_NL = (
    r"land|landen|stad|steden|plaats|plaatsen|provincie|provincies|regio|gemeente|gemeenten|gemeentes|dorp|dorpen|"
    r"straat|straten|ziekenhuis|gebouw|continent|staat|staten|rivier|gebied|gebieden|wijk|wijken|haven|eiland|"
    r"eilanden|locatie|locaties|stadion|kant|richting|berg|zee|meer"
)
_PLACE_NOUNS_EN = (
    r"country|countries|city|cities|towns?|places?|provinces?|regions?|states?|villages?|streets?|hospital|building|"
    r"continent|rivers?|areas?|districts?|port|islands?|locations?|stadium|side|direction|mountain|sea|lake"
)
_ORG_NOUNS_NL = (
    r"organisatie|organisaties|partij|partijen|bedrijf|bedrijven|club|ploeg|team|krant|kranten|omroep|bank|"
    r"universiteit|instelling|groep|vereniging|firma|merk|fractie|school|zender|maatschappij|instituut|ministerie|"
    r"regering|dienst|vakbond|netwerk|leger|supermarkt|supermarkten|provider|winkel|winkels"
)
_ORG_NOUNS_EN = (
    r"organi[sz]ations?|party|parties|company|companies|firm|club|team|newspapers?|network|broadcaster|bank|"
    r"university|institution|group|association|brand|school|channel|institute|ministry|government|agency|union|"
    r"army|corporation|league|supermarket|provider|shop|store"
)
_TIME_NOUNS_NL = r"jaar|jaren|maand|eeuw|decennium|periode|seizoen|dag|datum|tijdstip|week|uur|tijd|jaartal|dynastie"
_TIME_NOUNS_EN = r"year|years|month|century|decade|period|season|day|date|time|week|hour|era|dynasty"
_NUMBER_NOUNS_NL = (
    r"percentage|aantal|bedrag|score|leeftijd|prijs|hoeveelheid|snelheid|temperatuur|getal|nummer|som|omvang|"
    r"afstand|lengte|hoogte|gewicht|oppervlakte|budget|salaris"
)
_NUMBER_NOUNS_EN = (
    r"percentage|number|amount|score|age|price|quantity|speed|temperature|sum|size|distance|length|height|"
    r"weight|area|budget|salary|population|rate|proportion|fraction"
)

# Dutch auxiliaries and common verbs that open a yes/no question ("Is ...", "Heeft ...", "Zou ...").
_YESNO_NL = (
    r"is|zijn|was|waren|heeft|hebben|had|hadden|kan|kon|kunnen|konden|zal|zou|zullen|zouden|mag|mogen|mocht|"
    r"moet|moeten|moest|wil|wilde|willen|wordt|werd|worden|werden|gaat|ging|gaan|doet|deed|komt|kwam|bestaat|"
    r"staat|stond|speelt|speelde|steunt|steunde|vindt|vond|weet|wist|hoort|hoorde|krijgt|kreeg|zit|zat|blijft|"
    r"bleef|gebruikt|gebruikte|heb|ben|kun|zag|ziet|zei|zegt|vertrokken|vertrok|voerden|voerde|leidde|leidt|"
    r"maakt|maakte|neemt|nam|denkt|dacht|ontving|ontvangt|won|wint|verloor|verliest|bevat|betekent|liep|loopt"
)
_YESNO_EN = r"is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|shall|may|might|must|am"

_Rule = tuple[re.Pattern[str], AnswerType]


def _rules(table: list[tuple[str, AnswerType]]) -> list[_Rule]:
    return [(re.compile(pattern), kind) for pattern, kind in table]


# Ordered: the first pattern that matches decides. Questions are lower-cased, leading "en"/"maar" removed.
RULES: dict[str, list[_Rule]] = {
    "nl": _rules(
        [
            # ("..., waardoor de Broncos een nieuwe set downs kregen?": there it joins a clause, it asks nothing)
            (r"\b(waarom|hoezo|om welke reden(?:en)?|hoe komt het|met welk doel)\b|^waardoor\b", AnswerType.REASON),
            (r"\bwat (is|was|zijn|waren) de (reden|redenen|oorzaak|oorzaken|aanleiding)\b", AnswerType.REASON),
            (r"\b(wanneer|sinds wanneer|tot wanneer|hoe laat|hoe lang geleden)\b", AnswerType.DATE),
            (rf"\b(welk|welke|in welk|in welke|op welke|op welk)e? ({_TIME_NOUNS_NL})\b", AnswerType.DATE),
            (
                r"\b(hoeveel|hoe ?veel|hoe vaak|hoe (oud|groot|lang|hoog|zwaar|ver|breed|diep|duur|snel|klein))\b",
                AnswerType.NUMBER,
            ),
            (
                rf"\b(welk|welke|wat is het|wat was het|wat is de|wat was de)e? ({_NUMBER_NOUNS_NL})\b",
                AnswerType.NUMBER,
            ),
            # "Wat kost de verbouwing?" asks an amount, as "Hoeveel kost ...?" does.
            (r"\bwat (kost|kostte|kosten|kostten|verdient|verdiende|verdienen)\b", AnswerType.NUMBER),
            (
                r"^(wie|van wie|aan wie|met wie|door wie|voor wie|over wie|naast wie|tegen wie|bij wie)\b",
                AnswerType.PERSON,
            ),
            (r"\bwie\b", AnswerType.PERSON),
            (rf"\b(welk|welke|wat voor)e? ({_PERSON_NOUNS_NL})\b", AnswerType.PERSON),
            (rf"\b(welk|welke|wat voor)e? ({_ORG_NOUNS_NL})\b", AnswerType.ORGANISATION),
            (rf"\b(welk|welke|wat voor)e? ({_PLACE_NOUNS_NL})\b", AnswerType.PLACE),
            # "Waar was hij bang voor?" asks a thing ("waarvoor"), not a place.
            (
                r"\bwaar\b.*\b(voor|over|mee|aan|op|van|door|om|uit|toe|bij|tegen|achter|naar|in)\s*\??\s*$",
                AnswerType.OTHER,
            ),
            (r"\b(waar|waarheen|waarnaartoe|waarvandaan|vanwaar|waar naartoe)\b", AnswerType.PLACE),
            (
                r"\bwat (zei|zegt|zeggen|zeiden|verklaarde|verklaart|antwoordde|schreef|schrijft|twitterde|riep)\b",
                AnswerType.QUOTE,
            ),
            (r"\bwat (vindt|vond|vinden|vonden|denkt|dacht|denken|dachten)\b", AnswerType.QUOTE),
            (r"\b(wat|welk|welke|hoe|waarmee|waarover|waarop|waaraan|waarin|waarvan|waartegen)\b", AnswerType.OTHER),
            (rf"^({_YESNO_NL})\b", AnswerType.YESNO),
        ]
    ),
    "en": _rules(
        [
            (
                r"\b(why|how come|for what reason|what (is|was|were|are) the (reasons?|causes?)|what caused)\b",
                AnswerType.REASON,
            ),
            (r"\b(when|since when|until when|how long ago|what time)\b", AnswerType.DATE),
            (rf"\b(what|which|in what|in which|on what|on which)( \w+)? ({_TIME_NOUNS_EN})\b", AnswerType.DATE),
            (
                r"\b(how many|how much|how often|how (old|large|big|long|tall|high|far|wide|deep|heavy|fast|small))\b",
                AnswerType.NUMBER,
            ),
            (rf"\b(what|which)( is the| was the)? ({_NUMBER_NOUNS_EN})\b", AnswerType.NUMBER),
            (r"\b(who|whom|whose)\b", AnswerType.PERSON),
            (rf"\b(what|which)( \w+)? ({_PERSON_NOUNS_EN})\b", AnswerType.PERSON),
            (rf"\b(what|which)( \w+)? ({_ORG_NOUNS_EN})\b", AnswerType.ORGANISATION),
            (rf"\b(what|which)( \w+)? ({_PLACE_NOUNS_EN})\b", AnswerType.PLACE),
            (r"\b(where|whereabouts)\b", AnswerType.PLACE),
            (r"\bwhat (did|does|do) .*\b(say|said|tell|think|claim|write|answer|believe)\b", AnswerType.QUOTE),
            (r"\b(what|which|how)\b", AnswerType.OTHER),
            (rf"^({_YESNO_EN})\b", AnswerType.YESNO),
        ]
    ),
}

_LEADING = re.compile(r"^\s*(?:(?:en|maar|and|but|so|dus|ok[eé]?|oké)\b[\s,]*)+", re.IGNORECASE)


def answer_type(question: str, language: str) -> AnswerType:
    """The kind of fact `question` asks for; OTHER when the wording does not say."""
    text = _LEADING.sub("", question.strip().lower())
    text = re.sub(r"\s+", " ", text)
    for pattern, kind in RULES.get(language, RULES["nl"]):
        if pattern.search(text):
            return kind
    return AnswerType.OTHER


# "En Loekasjenko?", "And Putin?", "En Poetin dan?": the earlier question asked again about someone else.
_NAME_ELLIPSIS = re.compile(
    r"^\s*(?i:en|and|maar|but)\s+(?P<name>[A-ZÀ-Ý][\w'’-]*(?:\s+[A-ZÀ-Ý][\w'’-]*)*)(?:\s+(?i:dan|then))?\s*\?\s*$"
)


def earlier_turn(question: str, query: str) -> str:
    """The earlier question a follow-up's search `query` starts with ("" when the query is the question)."""
    return query[: len(query) - len(question)].strip() if query.endswith(question) and query != question else ""


def elliptic_name(question: str, query: str) -> str | None:
    """The name of "En Loekasjenko?" when it follows an earlier question (its search query joins them)."""
    match = _NAME_ELLIPSIS.match(question)
    return match.group("name") if match and earlier_turn(question, query) else None


def followup_type(question: str, query: str, language: str) -> AnswerType:
    """The kind of fact asked; "En Loekasjenko?" after "Hoe oud is Poetin?" asks the earlier question's kind."""
    if elliptic_name(question, query):
        return answer_type(earlier_turn(question, query), language)
    return answer_type(question, language)
