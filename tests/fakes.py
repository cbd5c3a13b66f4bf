"""Fake chat models, only for the boundary that cannot run here in every test: a hosted LLM.

They are real LangChain chat models (BaseChatModel), so the chain drives them exactly like ChatOpenAI.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult


class ScriptedChatModel(BaseChatModel):
    """Answers with `reply(prompt_text)`, streamed word by word; can sleep first or raise instead."""

    reply: Callable[[str], str] = lambda prompt: ""
    delay: float = 0.0
    token_delay: float = 0.0
    error: Exception | None = None
    prompts: list[list[BaseMessage]] = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _text(self, messages: list[BaseMessage]) -> str:
        self.prompts.append(messages)
        if self.delay:
            time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return self.reply("\n".join(str(m.content) for m in messages))

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(self._text(messages)))])

    def _stream(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> Iterator[ChatGenerationChunk]:
        # A server streaming an empty completion still sends one (empty) chunk.
        for piece in re.findall(r"\S+\s*", self._text(messages)) or [""]:
            time.sleep(self.token_delay)
            yield ChatGenerationChunk(message=AIMessageChunk(piece))


def passage(prompt: str, n: int) -> str:
    """The text of passage [n] as the answer prompt shows it."""
    match = re.search(rf"^\[{n}\] \(.*?\)\n<<<\n(.*?)\n>>>", prompt, re.S | re.M)
    assert match, f"no passage [{n}] in the prompt"
    return match.group(1)


def first_sentence(prompt: str, n: int) -> str:
    """The first sentence of passage [n], without its final stop."""
    return re.split(r"(?<=[.!?])\s", passage(prompt, n))[0].rstrip(".!?")
