"""BM25 sees a Dutch word's dictionary form: a question in one tense finds an article written in another."""

import pytest

from index.lexical import LexicalIndex, Tokenizer
from index.passages import Passage


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("Wat wilde Poetin?", "Poetin vroeg of ik hem rugdekking wou geven."),
        ("Hoeveel leerlingen staakten er?", "Honderd leerlingen hebben maandag gestaakt."),
        ("Waar woonden ze toen de kat wegliep?", "De poes was twaalf jaar geleden weggelopen."),
        ("Wie sprak met de journaliste?", "Hij heeft gesproken met een journaliste."),
    ],
)
def test_a_verb_in_another_tense_is_the_same_word(question: str, article: str) -> None:
    tokenize = Tokenizer()
    verb = set(tokenize([question])[0]) & set(tokenize([article])[0])
    assert verb - {"poetin", "leerl", "poes", "journalist"}, (tokenize([question]), tokenize([article]))


def test_names_and_short_english_words_are_left_as_they_are() -> None:
    tokenize = Tokenizer()
    # "he" is no Dutch "hebben", and a name the tables do not know is not guessed into a singular.
    assert tokenize(["What did he say?"])[0] == ["what", "did", "he", "say"]
    assert tokenize(["Loekasjenko"])[0] == ["loekasjenko"]


def test_bm25_ranks_the_passage_in_the_other_tense_first() -> None:
    texts = [
        "Poetin vroeg me of ik hem rugdekking wou geven.",
        "Poetin sprak over de oorlog in Oekraïne en de economie.",
    ]
    passages = [
        Passage(f"{a}:1:0", a, 0, t, 0, len(t), 0, "", "", "", "", "1", "h") for a, t in zip("ab", texts, strict=True)
    ]
    scores = LexicalIndex(passages).scores("Wat wilde Poetin?")
    assert scores[0] > scores[1]
