"""Turn a follow-up question into a stand-alone search query, with or without a language model."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage

from bot.answer.people import asks_who
from bot.answer.types import Answer, Turn
from bot.deadline import run_within
from bot.llmcache import LlmCache, cached_call

log = logging.getLogger(__name__)

# Words that make a question lean on the previous turn ("En wanneer zou hij ze inzetten?").
_ANAPHORA = frozenset(
    "hij zij ze hem haar hun hen daar daarvan daarover erover he she they him her them his their".split()
)
_CONTINUATIONS = ("en ", "maar ", "and ", "but ", "what about", "en wat", "wat nog", "waarom", "why", "ook ")
_PERSONS = frozenset("hij zij hem haar he she him her".split())  # a person the earlier answer may have named
# "bij dat bedrijf", "van die stichting", "in this city": a thing named before, pointed at.
_POINTED = re.compile(
    r"\b(?:bij|van|in|over|met|voor|aan|door|op|naar|uit|tegen|at|of|in|about|with|for|from|by|to)\s+"
    r"(?:dat|die|deze|dit|that|this|those|these)\s+\w+",
    re.IGNORECASE,
)


def condense(question: str, history: Sequence[Turn]) -> str:
    """The search query for a question: a follow-up is joined with the previous question (no LLM needed)."""
    if not history:
        return question
    words = re.findall(r"\w+", question.lower())
    follow_up = (
        len(words) <= 4
        or any(w in _ANAPHORA for w in words)
        or question.lower().lstrip().startswith(_CONTINUATIONS)
        or _POINTED.search(question) is not None
    )
    if not follow_up:
        return question
    earlier = history[-1]
    named = Answer.short_of(earlier.answer) if asks_who(earlier.question) else None
    if named and any(w in _PERSONS for w in words):
        # "Wie is de president van Wit-Rusland?" answered "Aleksandr Loekasjenko — “...”", then "Hoe oud is
        # hij?": he is the one the answer named; the query names him after the earlier question.
        return f"{earlier.question} {named} {question}"
    return f"{earlier.question} {question}"


@dataclass
class LlmCondenser:
    """Asks the model to rewrite a follow-up (prompts/condense.md); the heuristic when it fails."""

    llm: BaseChatModel
    template: str
    lock: AbstractContextManager = field(default_factory=nullcontext)  # shared with the answerer if needed
    timeout: float = 60.0  # and never past the question's deadline (bot/deadline.py)
    cache: LlmCache | None = None  # prompts test --cache
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(2, "condense"), repr=False)

    def _rewrite(self, prompt: str) -> str:
        messages: list[BaseMessage] = [HumanMessage(prompt)]

        def ask() -> str:
            with self.lock:
                return self.llm.invoke(messages).text.strip()

        return cached_call(self.cache, self.llm, messages, ask)

    def __call__(self, question: str, history: Sequence[Turn]) -> str:
        if not history:
            return question
        lines = [f"Q: {t.question}\nA: {t.answer}" for t in history]
        prompt = self.template.format(history="\n".join(lines), question=question)
        try:
            text = run_within(self._pool, lambda: self._rewrite(prompt), self.timeout)
        except Exception as exc:  # noqa: BLE001 - a failed rewrite must not cost the answer
            log.warning("LLM condense failed (%s); using the heuristic", type(exc).__name__)
            return condense(question, history)
        first = text.splitlines()[0].strip().strip('"') if text else ""
        # A rewrite that is empty or rambles is worse than the heuristic.
        if not first or len(first) > 3 * len(question) + 200:
            return condense(question, history)
        return first
