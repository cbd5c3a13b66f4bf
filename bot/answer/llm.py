"""Generative answers: a chat model writes from numbered passages; the checks decide whether it may be shown.

Whatever goes wrong (timeout, dead server, empty or malformed output, invented or unsupported citations) the
user gets the extractive answer instead, with a short note, and the JSON says why.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from bot.answer.checks import AnswerChecker, CheckReport, parse_sentences
from bot.answer.types import FALLBACK_NOTE, NOT_IN_ARTICLES, Answer, Answerer, Citation, Turn
from bot.deadline import DeadlinePassed, remaining, run_within
from bot.llmcache import LlmCache, cached_call
from bot.prompts import split_prompt
from index.retrieve import Hit

log = logging.getLogger(__name__)
_UNFINISHED_MARKER = re.compile(r"\[[^\]]*$")  # "... [1" while the model is still writing the marker

LANGUAGE_NAMES = {"nl": "Dutch (Nederlands)", "en": "English"}
Partial = Callable[[str], None]


def format_passages(hits: list[Hit]) -> str:
    """Numbered passages, fenced so that the model reads them as quoted material."""
    blocks = []
    for n, hit in enumerate(hits, start=1):
        p = hit.passage
        where = f"{p.title}" + (f", {p.date}" if p.date else "") + (f", {p.section}" if p.section else "")
        text = p.text.replace("<<<", "‹‹‹").replace(">>>", "›››")
        blocks.append(f"[{n}] ({where})\n<<<\n{text}\n>>>")
    return "\n\n".join(blocks)


def reason_for(exc: BaseException) -> str:
    """A short, user-safe name for what went wrong with the model."""
    name = type(exc).__name__
    text = f"{name} {exc}".lower()
    if isinstance(exc, TimeoutError) or "timeout" in text or "timed out" in text:
        return "timeout"
    if "ratelimit" in name.lower() or "429" in text or "rate limit" in text:
        return "rate limit"
    if isinstance(exc, ConnectionError) or "connect" in text:
        return "connection failed"
    return f"model error ({name})"


@dataclass
class LlmAnswerer:
    """Asks `llm` to answer from the top passages, checks the result, falls back to `fallback`."""

    llm: BaseChatModel
    fallback: Answerer  # the extractive answerer
    checker: AnswerChecker
    template: str
    timeout: float = 60.0
    passages: int = 5
    # In-process models (llama.cpp) are not thread-safe: one generation at a time.
    serialize: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    cache: LlmCache | None = None  # prompts test --cache: the same call is answered from disk
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(4, "llm"), repr=False)

    def messages(self, question: str, hits: list[Hit], language: str) -> list[BaseMessage]:
        """System rules and the user turn (passages + question), from the prompt template."""
        values = {
            "passages": format_passages(hits),
            "question": question,
            "language": LANGUAGE_NAMES.get(language, language),
            "not_in_articles": NOT_IN_ARTICLES.get(language, NOT_IN_ARTICLES["nl"]),
        }
        system, user = split_prompt(self.template)
        return [SystemMessage(system.format(**values)), HumanMessage(user.format(**values))]

    def generate(self, messages: list[BaseMessage], on_partial: Partial | None = None) -> str:
        """The model's text, streamed to `on_partial`; raises DeadlinePassed after `timeout` seconds or at the
        question's deadline. The stream stops at the deadline too (between chunks here, and inside the HTTP
        client for servers: see bot/deadline.py), so no worker outlives the question."""
        return cached_call(self.cache, self.llm, messages, lambda: self._generate(messages, on_partial))

    def _generate(self, messages: list[BaseMessage], on_partial: Partial | None) -> str:
        stop = threading.Event()

        def run() -> str:
            if self.serialize:
                with self.lock:
                    return stream()
            return stream()

        def stream() -> str:
            parts: list[str] = []
            for chunk in self.llm.stream(messages):
                left = remaining()
                if stop.is_set() or (left is not None and left <= 0):
                    break
                parts.append(chunk.text if isinstance(chunk.text, str) else str(chunk.content))
                if on_partial is not None:
                    on_partial("".join(parts))
            return "".join(parts)

        try:
            return run_within(self._pool, run, self.timeout)
        except DeadlinePassed:
            stop.set()
            raise

    def answer(
        self,
        question: str,
        query: str,
        hits: list[Hit],
        language: str,
        on_partial: Partial | None = None,
        *,
        history: Sequence[Turn] = (),
    ) -> Answer:
        """A checked generated answer, or the extractive one with a note saying why."""
        top = hits[: self.passages]
        if not top:
            return Answer.not_in_articles(
                question, query, language, answerer="llm", checks=CheckReport(verdict="refusal").to_dict()
            )
        drafts = self.checked_drafts(on_partial, top, language, query) if on_partial else None
        try:
            raw = self.generate(self.messages(question, top, language), drafts)
        except Exception as exc:  # noqa: BLE001 - any model failure means: answer without it
            reason = reason_for(exc)
            log.warning("LLM failed (%s); using the extractive answer", reason)
            return self._fallback(question, query, hits, language, CheckReport("fallback", reason), history)
        checked = self.checker.check(raw, top, language, question=query)
        report = checked.report
        if report.verdict == "refusal":
            return Answer.not_in_articles(question, query, language, answerer="llm", checks=report.to_dict())
        if report.verdict != "ok":
            return self._fallback(question, query, hits, language, report, history)
        citations = []
        for n, hit in enumerate(checked.hits, start=1):
            citing = [s.text for s in checked.sentences if n in s.cites]
            quote = self.checker.best_quote(citing, hit.passage.text)
            citations.append(Citation.from_passage(n, hit.passage, quote))
        return Answer(
            question,
            checked.text,
            answered=True,
            citations=citations,
            language=language,
            query=query,
            answerer="llm",
            checks=report.to_dict(),
        )

    def checked_drafts(self, on_partial: Partial, hits: list[Hit], language: str, query: str) -> Partial:
        """What a user may see while the model writes: the complete sentences so far, once they pass the same
        checks as the final answer (renumbered the same way). After an unsupported sentence nothing more is
        shown: that answer will be replaced by the extractive one."""
        shown = 0
        failed = False

        def partial(text_so_far: str) -> None:
            nonlocal shown, failed
            if failed:
                return
            text_so_far = _UNFINISHED_MARKER.sub("", text_so_far)
            complete = parse_sentences(text_so_far)[:-1]  # the last sentence may still grow
            if len(complete) <= shown:
                return
            prefix = " ".join(s.text + "".join(f" [{n}]" for n in s.cites) for s in complete)
            checked = self.checker.check(prefix, hits, language, question=query)
            if checked.report.unsupported:
                failed = True
            elif checked.report.verdict == "ok":
                shown = len(complete)
                on_partial(checked.text)

        return partial

    def _fallback(
        self,
        question: str,
        query: str,
        hits: list[Hit],
        language: str,
        report: CheckReport,
        history: Sequence[Turn] = (),
    ) -> Answer:
        answer = self.fallback.answer(question, query, hits, language, history=history)
        answer.answerer = "extractive-fallback"
        answer.checks = report.to_dict()
        answer.note = FALLBACK_NOTE.get(language, FALLBACK_NOTE["nl"])
        return answer
