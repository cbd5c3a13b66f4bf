"""The learned parts of the extractive answerer: two small logistic models, shipped as JSON data.

`sentence`: how likely a candidate sentence holds the answer (ranks sentences).
`answerable`: how likely the best sentence really answers the question (answer or refuse).
One of each per question language group ("nl" = the articles' language, "other" = cross-lingual),
trained by `python -m bench.train_answerer` on the tuning half of XQuAD-NL and own questions.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("answerer_model.json")


def language_group(language: str, corpus_language: str = "nl") -> str:
    """Which models judge a question: "nl" in the articles' language, "other" across languages."""
    return "nl" if language == corpus_language else "other"


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic regression: p = sigmoid(w . (x - mean) / scale + bias)."""

    features: tuple[str, ...]
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray

    def logit(self, values: dict[str, float]) -> float:
        x = np.array([values[name] for name in self.features], dtype=float)
        return float(((x - self.mean) / self.scale) @ self.weights + self.bias)

    @staticmethod
    def probability(logit: float) -> float:
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, logit))))

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "mean": [round(float(m), 6) for m in self.mean],
            "scale": [round(float(s), 6) for s in self.scale],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Logistic:
        return cls(
            tuple(data["features"]),
            np.asarray(data["weights"], dtype=float),
            float(data["bias"]),
            np.asarray(data["mean"], dtype=float),
            np.asarray(data["scale"], dtype=float),
        )


@dataclass(frozen=True)
class AnswererModel:
    """Sentence and answerability models per language group, and the answer threshold of each."""

    sentence: dict[str, Logistic]
    answerable: dict[str, Logistic]
    thresholds: dict[str, float]

    def reads_any(self, group: str, features: frozenset[str]) -> bool:
        """Whether either model of a language group reads one of `features`."""
        return not features.isdisjoint(self.sentence[group].features + self.answerable[group].features)

    def to_dict(self) -> dict:
        return {
            "sentence": {k: v.to_dict() for k, v in self.sentence.items()},
            "answerable": {k: v.to_dict() for k, v in self.answerable.items()},
            "thresholds": self.thresholds,
        }

    @classmethod
    def from_dict(cls, data: dict) -> AnswererModel:
        return cls(
            {k: Logistic.from_dict(v) for k, v in data["sentence"].items()},
            {k: Logistic.from_dict(v) for k, v in data["answerable"].items()},
            {k: float(v) for k, v in data["thresholds"].items()},
        )


@cache
def load_model(path: Path = MODEL_PATH) -> AnswererModel:
    """The shipped model (read once per process)."""
    return AnswererModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
