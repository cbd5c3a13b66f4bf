"""Matching a question's words to a sentence's words by meaning, with the real embedding model."""

from __future__ import annotations

import numpy as np
import pytest

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.features import WORD_MATCH_FEATURES
from bot.answer.model import AnswererModel, Logistic, load_model
from bot.answer.wordmatch import WordVectors, content_words, match_scores
from bot.chain import Chain
from index.embeddings import Embedder


def test_content_words_drop_question_words_and_stop_words_of_both_languages() -> None:
    assert content_words("Wat zei hij over de kernwapens van Wit-Rusland?") == ["zei", "kernwapens", "wit", "rusland"]
    assert content_words("Which nuclear weapons did he station, and where are the weapons?") == [
        "nuclear",
        "weapons",
        "station",
    ]


def test_english_function_words_are_not_what_a_question_is_about() -> None:
    # bm25s's English list is short: "about", "out", "his", "during" matched Dutch words by meaning and thinned out
    # what the question's own words weigh.
    assert content_words("How did Lukashenko find out about the invasion of Ukraine?") == [
        "lukashenko",
        "find",
        "invasion",
        "ukraine",
    ]
    assert content_words("What did his army do during the mutiny?") == ["army", "mutiny"]


@pytest.mark.parametrize(
    ("word", "sentence"),
    [
        ("weapons", "Moskou stationeerde kernwapens en andere wapens in het land."),
        ("war", "Deze verhitte oorlog duurt al lang."),
        ("born", "Hij werd in 1954 geboren in Kopys."),
        ("gebouwd", "De kerk werd in 1889 gebouwd."),
    ],
)
def test_a_word_matches_its_translation_or_itself(embedder: Embedder, word: str, sentence: str) -> None:
    unrelated = "De trein vertrok om acht uur uit het station."
    scores = match_scores(WordVectors(embedder), [word], [content_words(sentence), content_words(unrelated)])
    assert scores[0, 0] >= 0.8
    assert scores[0, 1] <= 0.3


def test_word_vectors_are_cached_and_bounded(embedder: Embedder) -> None:
    vectors = WordVectors(embedder, limit=3)
    first = vectors.get(["oorlog", "vrede"])
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-2)
    vectors.get(["kerk", "rivier", "koning"])
    assert len(vectors._cache) == 3
    assert np.allclose(vectors.get(["oorlog"]), first[:1], atol=1e-3)  # embedded again, same vector


def test_no_words_means_no_matches(embedder: Embedder) -> None:
    assert match_scores(WordVectors(embedder), [], [["oorlog"]]).shape == (0, 1)
    assert not match_scores(WordVectors(embedder), ["war"], [[]]).any()


def _without_word_matches(model: Logistic) -> Logistic:
    keep = [i for i, f in enumerate(model.features) if f not in WORD_MATCH_FEATURES]
    return Logistic(
        tuple(model.features[i] for i in keep), model.weights[keep], model.bias, model.mean[keep], model.scale[keep]
    )


def test_only_questions_whose_models_read_word_matches_embed_words(sample_chain: Chain) -> None:
    answerer = sample_chain.answerer
    assert isinstance(answerer, ExtractiveAnswerer)
    question = "Hoe hoorde Loekasjenko over de invasie?"
    hits = sample_chain.search.search(question)
    shipped = load_model()
    plain = AnswererModel(
        {**shipped.sentence, "nl": _without_word_matches(shipped.sentence["nl"])},
        {**shipped.answerable, "nl": _without_word_matches(shipped.answerable["nl"])},
        shipped.thresholds,
    )
    cheap = ExtractiveAnswerer(answerer.embedder, answerer.lexical, model=plain)
    cheap.answer(question, question, hits, "nl")
    assert not cheap.features.words._cache  # its Dutch models read no word-matching feature: no word is embedded
    cache = answerer.features.words._cache
    cache.clear()
    assert sample_chain.invoke(question).answered
    assert "hoorde" in cache  # the shipped Dutch models match words by meaning
    assert sample_chain.invoke("Who interviewed Lukashenko?").answered
    assert "interviewed" in cache and "interview" in cache
