"""The answer contract: text with [n] markers and the citations they point to."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from index.passages import Passage
    from index.retrieve import Hit

_SHORT_LEAD = re.compile(r"^([^—“\n]{1,80}) — “")  # `Answer.quoting`'s "short — “quote” [1]"


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
    url: str = ""
    modified: str = ""  # the article's last update ("" when never updated or unknown)

    @classmethod
    def from_passage(cls, n: int, passage: Passage, quote: str) -> Citation:
        """Source [n] for `passage`, quoting `quote` (a verbatim substring of it)."""
        p = passage
        return cls(n, p.article_id, p.title, p.date, p.id, p.paragraph, p.section, p.text, quote, p.url, p.modified)

    def to_dict(self) -> dict:
        """JSON: every field, and `published` (the article's date) beside `modified`."""
        return asdict(self) | {"published": self.date}


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
    checks: dict | None = None
    note: str = ""
    retrieved: list[Hit] = field(default_factory=list, repr=False)  # what the answerer saw, best first
    short_answer: str | None = None  # a number, date or name, verbatim from the first quote
    related: list[Citation] = field(default_factory=list)  # refused: close passages that do not say it

    @classmethod
    def quoting(
        cls, question: str, citation: Citation, language: str, query: str, shown: str = "", short: str | None = None
    ) -> Answer:
        """An answer quoting its one citation: `short — “shown” [1]` with a short answer (bold in Telegram), else
        `shown [1]`; `shown` is the citation's quote unless given (a window of it, or its sentences)."""
        shown = shown or citation.quote
        text = f"{short} — “{shown}” [1]" if short else f"{shown} [1]"
        return cls(question, text, True, [citation], language=language, query=query, short_answer=short)

    @staticmethod
    def short_of(text: str) -> str | None:
        """The short answer an answer's text leads with (`short — “...” [1]`, as `quoting` writes it), if any:
        what a later "Hoe oud is hij?" may point at."""
        match = _SHORT_LEAD.match(text)
        return match.group(1) if match else None

    @classmethod
    def not_in_articles(
        cls, question: str, query: str, language: str, answerer: str = "extractive", checks: dict | None = None
    ) -> Answer:
        """The answer when the articles do not say, in the question's language."""
        text = NOT_IN_ARTICLES[language]
        return cls(question, text, False, language=language, query=query, answerer=answerer, checks=checks)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "answered": self.answered,
            "short_answer": self.short_answer,
            "citations": [c.to_dict() for c in self.citations],
            "related": [c.to_dict() for c in self.related],
            "language": self.language,
            "query": self.query,
            "answerer": self.answerer,
            "checks": self.checks,
            "note": self.note,
            "retrieved": [h.passage.id for h in self.retrieved],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


NOT_IN_ARTICLES = {
    "nl": "Dat staat niet in de artikelen die ik ken.",
    "en": "The articles I know do not say.",
}

# Shown above an extractive answer that replaced a generated one.
FALLBACK_NOTE = {
    "nl": "Het taalmodel gaf geen antwoord dat ik kon controleren; dit zijn citaten uit de artikelen.",
    "en": "The language model gave no answer I could check; these are quotes from the articles.",
}


class Answerer(Protocol):
    """Turns retrieved passages into an Answer; `on_partial` receives streamed text, when there is any."""

    def answer(
        self,
        question: str,
        query: str,
        hits: list[Hit],
        language: str,
        on_partial: Callable[[str], None] | None = None,
        *,
        history: Sequence[Turn] = (),
    ) -> Answer: ...
