"""A promptfoo provider that runs the production chain, so promptfoo suites test exactly what users get.

In promptfooconfig.yaml (see prompts/promptfooconfig.yaml):

    providers:
      - id: file://../bot/evaluate/promptfoo.py
        config: {data_dir: ../data, answerer: extractive}

promptfoo calls `call_api(prompt, options, context)` for every test; the prompt is the question (a JSON list of
earlier questions may come as `vars.history`). The chain is built once per configuration, on first use, from
Settings (.env and the environment) with the provider's `config` on top (any Settings field). It returns
{"output": answer text, "metadata": {citations, answered, short_answer, checks, retrieved, answerer}}.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from bot.answer.types import Turn

_chains: dict[str, Any] = {}
_lock = threading.Lock()


def _chain(config: dict[str, Any]) -> Any:
    """The chain for this provider configuration (built on first use, then shared)."""
    key = json.dumps(config, sort_keys=True, default=str)
    with _lock:
        if key not in _chains:
            from bot.parts import build_parts
            from bot.settings import Settings

            _chains[key] = build_parts(Settings(**config)).chain
        return _chains[key]


def call_api(prompt: str, options: dict[str, Any] | None = None, context: dict[str, Any] | None = None) -> dict:
    """promptfoo's Python provider entry point."""
    config = dict((options or {}).get("config") or {})
    variables = (context or {}).get("vars") or {}
    try:
        history = _history(variables.get("history"))
        answer = _chain(config).invoke(prompt.strip(), history)
    except Exception as exc:  # noqa: BLE001 - promptfoo shows the error for this test and goes on
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {
        "output": answer.text,
        "metadata": {
            "answered": answer.answered,
            "short_answer": answer.short_answer,
            "citations": [c.to_dict() for c in answer.citations],
            "related": [c.to_dict() for c in answer.related],
            "checks": answer.checks,
            "retrieved": [h.passage.id for h in answer.retrieved],
            "answerer": answer.answerer,
            "language": answer.language,
        },
    }


def _history(value: Any) -> list[Turn]:
    """Earlier questions: a list (or a JSON list) of questions or {question, answer} objects."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list):
        raise ValueError("vars.history must be a list of earlier questions")
    return [Turn(v) if isinstance(v, str) else Turn(str(v["question"]), str(v.get("answer", ""))) for v in value]
