"""Questions about the sample article: right passage retrieved, cited and quoted verbatim."""

from __future__ import annotations

import re

import pytest

from bot.answer.types import NOT_IN_ARTICLES, Answer, Turn
from bot.chain import Chain, condense
from tests.conftest import ARTICLE_TEXT

# (question, a phrase of the passage that answers it)
DUTCH_QUESTIONS = [
    ("Hoe hoorde Loekasjenko over de invasie?", "het nieuws destijds op televisie"),
    ("Wist Loekasjenko op voorhand van de invasie?", "op voorhand niets af"),
    ("Wanneer kondigde Poetin de militaire operatie aan?", "Op 24 februari 2022"),
    ("Met welke journaliste sprak Loekasjenko?", "Diana Panchenko"),
    ("Zou Wit-Rusland kernwapens gebruiken?", "niet alleen kernwapens gebruiken"),
    ("Welke rol speelde Loekasjenko bij de muiterij van Wagner?", "Wagner-huurleger"),
    ("Waar stationeerde Moskou kernwapens?", "Wit-Russisch grondgebied"),
    ("Wat vindt Loekasjenko van vredesgesprekken?", "hoog tijd is voor vredesgesprekken"),
    ("Welke gebieden moeten besproken worden?", "De Krim, Cherson"),
    ("Waar was Poetin bang voor?", "mes in de rug"),
    ("Is Minsk betrokken bij het conflict?", "niet rechtstreeks betrokken"),
    ("Wat vroeg Poetin aan Loekasjenko?", "rugdekking"),
]


def _check_citations(answer) -> None:
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.n for c in answer.citations}
    for c in answer.citations:
        assert c.quote in c.text and c.quote in ARTICLE_TEXT
        assert c.text in ARTICLE_TEXT
        assert (c.article_id, c.title, c.date) == ("loekasjenko-interview-2023-08", "Loekasjenko interview", "2023-08")
        assert c.paragraph >= 1 and c.passage_id.startswith(c.article_id)


@pytest.mark.parametrize(("question", "evidence"), DUTCH_QUESTIONS)
def test_dutch_question_is_answered_with_a_verbatim_citation(sample_chain: Chain, question: str, evidence: str) -> None:
    answer = sample_chain.invoke(question)
    assert answer.answered, answer.text
    assert any(evidence in c.text for c in answer.citations), answer.text
    _check_citations(answer)


def test_the_readme_example_quotes_the_television_passage(sample_chain: Chain) -> None:
    answer = sample_chain.invoke("Hoe hoorde Loekasjenko over de invasie?")
    assert answer.citations[0].quote == "Net zoals iedereen hoorde Loekasjenko het nieuws destijds op televisie."
    assert answer.text.startswith("Net zoals iedereen hoorde Loekasjenko het nieuws destijds op televisie. [1]")
    assert answer.citations[0].paragraph == 1


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Wat is de hoofdstad van Australië?", "nl"),
        ("Hoeveel kost een brood in Brussel?", "nl"),
        ("Wat zei Biden over de oorlog?", "nl"),
        ("Who won the football world cup in 2018?", "en"),
        ("How do I bake an apple pie?", "en"),
    ],
)
def test_off_topic_question_is_not_answered(sample_chain: Chain, question: str, language: str) -> None:
    answer = sample_chain.invoke(question)
    assert not answer.answered
    assert answer.citations == []
    assert answer.text == NOT_IN_ARTICLES[language]


def test_follow_up_uses_the_previous_turn(sample_chain: Chain) -> None:
    history = [
        Turn("Zou Wit-Rusland kernwapens gebruiken?", "“In dat geval zullen we niet alleen kernwapens gebruiken. [1]")
    ]
    answer = sample_chain.invoke("En wanneer zou hij ze inzetten?", history)
    assert answer.query.startswith("Zou Wit-Rusland kernwapens gebruiken?")
    assert answer.answered
    assert "als zijn land wordt aangevallen" in answer.citations[0].quote
    assert answer.short_answer == "als zijn land wordt aangevallen"  # when it would: the condition, first
    assert answer.citations[0].section == "Kernwapens"
    _check_citations(answer)


def test_a_follow_up_does_not_quote_again_what_the_reader_was_just_shown(sample_chain: Chain) -> None:
    question, follow_up = "Zou Wit-Rusland kernwapens inzetten?", "En hebben ze nog andere wapens?"
    unseen = sample_chain.invoke(follow_up, [Turn(question)])  # the earlier answer unknown: its best sentence
    assert unseen.answered
    shown = unseen.citations[0].quote
    answer = sample_chain.invoke(follow_up, [Turn(question, f"“{shown}” [1]")])
    assert answer.answered, answer.text
    assert shown not in answer.citations[0].quote and "kernwapens" in answer.citations[0].quote
    _check_citations(answer)


def test_a_new_topic_is_not_glued_to_the_previous_turn() -> None:
    history = [Turn("Zou Wit-Rusland kernwapens gebruiken?")]
    question = "Welke rol speelde Loekasjenko bij de gewapende muiterij van het Wagner-huurleger?"
    assert condense(question, history) == question
    assert condense("En waarom?", history) == "Zou Wit-Rusland kernwapens gebruiken? En waarom?"


@pytest.mark.parametrize(
    ("question", "follows"),
    [
        ("Hoeveel kostte een reis bij dat bedrijf?", True),  # the company the previous turn was about
        ("How much did a trip with that company cost?", True),
        ("Wat zei de directeur van die school?", True),
        ("Hoeveel kostte een reis bij Virgin Galactic?", False),  # named: stands alone
        ("Wie zei dat de reis te duur was?", False),  # 'dat' joins a clause here, it points at nothing
    ],
)
def test_a_question_pointing_at_what_the_previous_turn_named_is_a_follow_up(question: str, follows: bool) -> None:
    history = [Turn("Welk ander ruimtevaartbedrijf ging eerder failliet?")]
    assert (condense(question, history) != question) is follows


@pytest.mark.parametrize(
    ("earlier", "answer", "named"),
    [
        ("Wie is de president van Wit-Rusland?", "Aleksandr Loekasjenko — “... president ...” [1]", True),
        ("Met wie sprak Loekasjenko?", "Diana Panchenko — “... journaliste Diana Panchenko.” [1]", True),
        ("Wanneer begon de oorlog?", "februari 2022 — “... in februari 2022.” [1]", False),  # no one asked for
        ("Wie is de president van Wit-Rusland?", "Dat staat niet in de artikelen die ik ken.", False),
    ],
)
def test_he_or_she_after_a_who_question_is_the_one_its_answer_named(earlier: str, answer: str, named: bool) -> None:
    query = condense("Hoe oud is hij?", [Turn(earlier, answer)])
    assert query.startswith(earlier) and query.endswith("Hoe oud is hij?")
    assert Answer.short_of(answer) in query if named else query == f"{earlier} Hoe oud is hij?"


def test_how_old_is_he_after_who_is_answers_with_the_named_persons_age(sample_chain: Chain) -> None:
    earlier = sample_chain.invoke("Wie is de president van Wit-Rusland?")
    assert earlier.short_answer == "Aleksandr Loekasjenko"
    answer = sample_chain.invoke("Hoe oud is hij?", [Turn(earlier.question, earlier.text)])
    assert answer.answered, answer.text
    assert answer.short_answer == "68"


def test_english_question_retrieves_the_dutch_passage(sample_chain: Chain) -> None:
    hits = sample_chain.search.search("Where did Moscow station nuclear weapons?", k=2)
    assert any("Wit-Russisch grondgebied" in h.passage.text for h in hits)
    answer = sample_chain.invoke("Where did Moscow station nuclear weapons?")
    assert answer.language == "en"
    if answer.answered:
        _check_citations(answer)


def test_scope_limits_the_search_to_one_article(sample_chain: Chain) -> None:
    answer = sample_chain.invoke("Hoe hoorde Loekasjenko over de invasie?", article_ids=["een-ander-artikel"])
    assert not answer.answered and answer.citations == []


def test_json_shape(sample_chain: Chain) -> None:
    data = sample_chain.invoke("Waar stationeerde Moskou kernwapens?").to_dict()
    assert {"question", "answer", "answered", "citations", "timings_ms"} <= data.keys()
    assert {"n", "article_id", "title", "date", "passage_id", "paragraph", "text", "quote"} <= data["citations"][
        0
    ].keys()
    assert data["timings_ms"]["total"] >= data["timings_ms"]["retrieve"] > 0
