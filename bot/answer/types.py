"""The answer contract: text with [n] markers and the citations they point to."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Citation:
    """Source [n]: a passage and the verbatim quote from it that supports the answer."""

    n: int
    article_id: str
    title: str
    date: str
    passage_id: str
    paragraph: int
    section: str
    text: str
    quote: str


@dataclass(frozen=True)
class Turn:
    """An earlier question and the answer it got."""

    question: str
    answer: str = ""


@dataclass
class Answer:
    """What a question gets back; `answered` is False when the articles do not say."""

    question: str
    text: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    language: str = "nl"
    query: str = ""
    answerer: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "answered": self.answered,
            "citations": [asdict(c) for c in self.citations],
            "language": self.language,
            "query": self.query,
            "answerer": self.answerer,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


NOT_IN_ARTICLES = {
    "nl": "Dat staat niet in de artikelen die ik ken.",
    "en": "The articles I know do not say.",
}
