"""A cache of model calls on disk (`citebot prompts test --cache DIR`), keyed by the model (its type and
parameters: name, temperature, ...) and the exact messages (the prompt with its passages), so re-running a
suite after an unrelated change asks the model nothing. One JSON file per call; hits and misses are counted."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage


@dataclass
class LlmCache:
    folder: Path
    hits: int = 0
    misses: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _open: ClassVar[dict[Path, LlmCache]] = {}

    @classmethod
    def at(cls, folder: Path) -> LlmCache:
        """One cache object per folder in a process (its counters are what a report shows)."""
        folder = folder.resolve()
        if folder not in cls._open:
            folder.mkdir(parents=True, exist_ok=True)
            cls._open[folder] = cls(folder)
        return cls._open[folder]

    @staticmethod
    def key(llm: BaseChatModel, messages: list[BaseMessage]) -> str:
        model = {"type": llm._llm_type, "params": llm._identifying_params}
        calls = [(m.type, m.content) for m in messages]
        blob = json.dumps([model, calls], sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, key: str) -> str | None:
        path = self.folder / f"{key}.json"
        try:
            text = json.loads(path.read_text(encoding="utf-8"))["text"]
        except (OSError, ValueError, KeyError):
            with self._lock:
                self.misses += 1
            return None
        with self._lock:
            self.hits += 1
        return str(text)

    def put(self, key: str, text: str) -> None:
        path = self.folder / f"{key}.json"
        temporary = path.with_name(f".{key}.{threading.get_ident()}.tmp")
        temporary.write_text(json.dumps({"text": text}, ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"hits": self.hits, "misses": self.misses}


def cached_call(
    cache: LlmCache | None, llm: BaseChatModel, messages: list[BaseMessage], call: Callable[[], str]
) -> str:
    """`call()`'s text, from `cache` when it has this model and these messages (else kept there); a call
    that raises is not kept."""
    if cache is None:
        return call()
    key = LlmCache.key(llm, messages)
    text = cache.get(key)
    if text is None:
        text = call()
        cache.put(key, text)
    return text
