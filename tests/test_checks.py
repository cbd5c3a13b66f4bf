"""The LLM answer checks against adversarial claims: added names, numbers and facts, negation added or
dropped, swapped words, short sentences and refusal-like phrases; and faithful paraphrases that must pass.

Each claim is checked as a generated answer citing one passage of the sample article (real index, real
embedding model), exactly as ANSWERER=llm checks an answer before anyone sees it.
"""

from __future__ import annotations

import pytest

from bot.answer.checks import AnswerChecker, is_refusal
from bot.answer.types import NOT_IN_ARTICLES
from bot.chain import Chain
from bot.prompts import load_prompt
from index.retrieve import Hit

TV = "nieuws destijds op televisie"
SPEECH = "Op 24 februari 2022"
NOT_TOLD = "werd hij destijds niet op voorhand"
BACKING = "enkele dagen na het begin"
DEPENDENT = "afhankelijk van Rusland"
NUCLEAR = "Tijdens het interview benadrukte"
TALKS = "vredesgesprekken tussen Moskou en Kiev"


@pytest.fixture(scope="module")
def check(sample_chain: Chain):
    checker = AnswerChecker(sample_chain.search.embedder, lambda: sample_chain.search.lexical)

    def run(answer: str, at: str, language: str = "nl", question: str = ""):
        cited = next(p for p in sample_chain.search.store.passages() if at in p.text)
        return checker.check(answer, [Hit(cited, 1.0)], language, question=question).report

    return run


@pytest.mark.parametrize(
    ("answer", "at", "language", "added"),
    [
        # The three walk-arounds of issue 10, and README's old known limit.
        (
            "Net zoals iedereen hoorde Loekasjenko het nieuws destijds op televisie. [1] Loekasjenko kocht in 2019 "
            "drie kernbommen van Noord-Korea, wat niet vermeld wordt in de Russische pers. [1]",
            TV, "nl", "number: 2019",
        ),
        ("Per telegram. [1] Van Xi. [1]", TV, "nl", "name: Xi"),
        ("Net zoals iedereen hoorde Loekasjenko het nieuws destijds op televisie, samen met Xi Jinping in Peking. [1]",
         TV, "nl", "name: Xi"),
        ("Wit-Rusland heeft geen kernwapens. [1]", DEPENDENT, "nl", "negation: geen"),
        # Our own: names and numbers the passage does not have.
        ("Loekasjenko (68) hoorde het nieuws samen met Medvedev op televisie. [1]", TV, "nl", "name: Medvedev"),
        ("Poetin (72) wilde Oekraïne binnenvallen. [1]", TV, "nl", "number: 72"),
        ("Op 24 februari 2023 kondigde Poetin zijn speciale militaire operatie aan. [1]", SPEECH, "nl", "number: 2023"),
        ("Kort daarna stuurde hij vijf troepen richting het Russische buurland. [1]", SPEECH, "nl", "number: 5"),
        ("Loekasjenko sprak met de Britse journaliste Diana Panchenko. [1]", NOT_TOLD, "nl", "name: Britse"),
        ("Poetin vroeg hem in Minsk om rugdekking. [1]", BACKING, "nl", "name: Minsk"),
        ("Lukashenko heard the news on television in Sochi. [1]", TV, "en", "name: Sochi"),
        ("Putin announced the operation on 25 February 2022. [1]", SPEECH, "en", "number: 25"),
        ("Crimea, Kherson and Odesa must all be discussed, Lukashenko said. [1]", TALKS, "en", "name: Odesa"),
        # Negation added or dropped.
        ("Loekasjenko werd wel op voorhand op de hoogte gebracht van de invasie. [1]", NOT_TOLD, "nl", "negation"),
        ("Poetin oefent druk uit op Wit-Rusland om aan de oorlog deel te nemen. [1]", NUCLEAR, "nl", "negation"),
        ("Loekasjenko zei dat ze de Russen nooit zullen helpen. [1]", NUCLEAR, "nl", "negation: nooit"),
        ("De onderhandelingen moeten niet zonder voorwaarden van start gaan. [1]", TALKS, "nl", "negation: niet"),
        ("Lukashenko was not afraid that the West would stab Putin in the back. [1]", BACKING, "en", "negation: not"),
        ("Minsk is directly involved in the conflict in Ukraine. [1]", DEPENDENT, "en", "negation"),
        # A swapped or added content word in an otherwise copied sentence.
        ("Net zoals iedereen hoorde Loekasjenko het nieuws destijds via de krant. [1]", TV, "nl", "word: krant"),
        ("Daarnaast stationeerde Moskou recent raketten op Wit-Russisch grondgebied. [1]", DEPENDENT, "nl", "word"),
        ("Poetin was bang dat het Westen hem zou vergiftigen. [1]", BACKING, "nl", "word"),
        ("Hij zou biologische wapens inzetten als zijn land wordt aangevallen. [1]", NUCLEAR, "nl", "word"),
        ("Kort. [1]", TV, "nl", "word"),
    ],
)  # fmt: skip
def test_an_altered_claim_is_caught(check, answer: str, at: str, language: str, added: str) -> None:
    report = check(answer, at, language)
    assert report.verdict == "fallback", report
    assert any(a.startswith(added) for a in report.added), report.added


@pytest.mark.parametrize(
    ("answer", "at", "language"),
    [
        ("Net zoals iedereen hoorde Loekasjenko het nieuws destijds op televisie. [1]", TV, "nl"),
        ("Loekasjenko wist op voorhand niets af van de plannen van Poetin om Oekraïne binnen te vallen. [1]", TV, "nl"),
        ("Poetin kondigde op 24 februari 2022 zijn speciale militaire operatie aan. [1]", SPEECH, "nl"),
        ("Hij werd niet op voorhand op de hoogte gebracht van de invasie. [1]", NOT_TOLD, "nl"),
        ("Volgens Loekasjenko was Poetin bang dat het Westen hem een mes in de rug zou steken. [1]", BACKING, "nl"),
        ("Minsk is voorlopig niet rechtstreeks betrokken bij het conflict. [1]", DEPENDENT, "nl"),
        ("Loekasjenko zei dat ze niet alleen kernwapens zouden gebruiken. [1]", NUCLEAR, "nl"),
        ("Like everyone else, Lukashenko heard the news on television. [1]", TV, "en"),
        ("Putin announced his special military operation on 24 February 2022. [1]", SPEECH, "en"),
        ("Moscow recently stationed nuclear weapons on Belarusian territory. [1]", DEPENDENT, "en"),
    ],
)
def test_a_faithful_claim_passes(check, answer: str, at: str, language: str) -> None:
    report = check(answer, at, language)
    assert report.verdict == "ok", report


def test_the_question_lends_its_words_but_not_its_names(check) -> None:
    answer = "Loekasjenko hoorde van de invasie op televisie. [1]"
    assert check(answer, TV).verdict == "fallback"  # "invasie" is not in the passage
    assert check(answer, TV, question="Hoe hoorde Loekasjenko over de invasie?").verdict == "ok"
    named = "Loekasjenko hoorde van Xi op televisie. [1]"
    assert check(named, TV, question="Hoorde Loekasjenko het van Xi?").verdict == "fallback"


def test_only_the_exact_refusal_sentence_is_exempt(check) -> None:
    assert is_refusal(NOT_IN_ARTICLES["nl"]) and is_refusal(NOT_IN_ARTICLES["en"].upper())
    assert not is_refusal("Dat wordt niet vermeld in de Russische pers.")
    assert check(NOT_IN_ARTICLES["nl"], TV).verdict == "refusal"
    # A refusal-like phrase inside a claim no longer shields it.
    report = check("Loekasjenko kocht kernbommen, wat niet vermeld wordt in de pers. [1]", TV)
    assert report.verdict == "fallback"


def test_the_prompt_asks_for_what_the_checks_enforce() -> None:
    """The generator is told the rules the check applies, so faithful answers pass it."""
    text = load_prompt("answer")
    assert "own words" in text and "names, numbers" in text and "negation" in text
