"""Cleaning page clutter, sentence splitting and loading the sample article."""

from __future__ import annotations

import pytest

from index.articles import load_article
from index.clean import clutter_rule
from index.sentences import split_sentences
from tests.conftest import SAMPLE


@pytest.mark.parametrize(
    "paragraph",
    [
        "KIJK. Loekasjenko: “Zou niet aarzelen om kernwapens te gebruiken”",
        "BEKIJK: de beelden van de aanval",
        "Je kan deze inhoud niet bekijken Deze inhoud bevat cookies van social media. Aanvaard cookies om ...",
        "Deze inhoud bevat cookies van externe platformen.",
        "LEES OOK. Poetin en Loekasjenko ontmoeten elkaar",
        "WATCH: the president's speech",
        "This content is blocked. Accept cookies to view it.",
        "Please accept cookies to see this video.",
        "Schrijf je in voor onze newsletter en mis niets",
        "Foto: Belga",
    ],
)
def test_clutter_is_recognised(paragraph: str) -> None:
    assert clutter_rule(paragraph) is not None


@pytest.mark.parametrize(
    "paragraph",
    [
        "Net zoals iedereen hoorde Loekasjenko het nieuws destijds op televisie.",
        "Kijk, zei hij, dat is de kern van de zaak.",  # 'Kijk,' is not a 'KIJK.' teaser
        "Wie cookies bakt, moet de oven voorverwarmen.",
        "Kernwapens",
    ],
)
def test_article_text_is_kept(paragraph: str) -> None:
    assert clutter_rule(paragraph) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Eén zin. Nog een zin.", ["Eén zin.", "Nog een zin."]),
        ("Hij zei: “Dit is het.” Daarna ging hij weg.", ["Hij zei: “Dit is het.”", "Daarna ging hij weg."]),
        ("Dit kost o.a. geld. En tijd!", ["Dit kost o.a. geld.", "En tijd!"]),
        ("Dr. Jansen kwam. Hij bleef.", ["Dr. Jansen kwam.", "Hij bleef."]),
        ("Op 24 feb. 2022 begon het. Niemand wist het.", ["Op 24 feb. 2022 begon het.", "Niemand wist het."]),
        ("Waarom? Daarom.", ["Waarom?", "Daarom."]),
        ("Waarom zo laat? ,,Omdat het moest'', zegt hij.", ["Waarom zo laat?", ",,Omdat het moest'', zegt hij."]),
        (
            "Je ziet de Zr. Ms. Karel Doorman. Het schip is 205 meter.",
            ["Je ziet de Zr. Ms. Karel Doorman.", "Het schip is 205 meter."],
        ),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_sample_is_loaded_clean() -> None:
    article = load_article(SAMPLE)
    assert article.id == "loekasjenko-interview-2023-08"
    assert article.date == "2023-08"
    assert article.title == "Loekasjenko interview"
    assert "KIJK" not in article.text
    assert "cookies" not in article.text
    assert not article.text.startswith("date")
    assert article.text.startswith("Hoewel Wit-Rusland")
    headings = [b.text for b in article.blocks if b.is_heading]
    assert headings == ["Bondgenoot", "Kernwapens"]
    assert article.text.rstrip().endswith("aldus de Wit-Russische president.")
