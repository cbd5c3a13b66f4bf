"""Run suites through the production chain (built by `build_parts`, as Telegram is) in a throwaway index."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.answer.types import Turn
from bot.chain import Chain
from bot.evaluate.metrics import LOWER_IS_BETTER, TurnResult, judge, summarize
from bot.evaluate.suite import Case, Suite
from bot.llmcache import LlmCache
from bot.parts import build_parts
from bot.settings import Settings
from index.embeddings import Embedder

# Short names people type in --set; anything else must be a Settings field.
ALIASES = {"k": "top_k", "prompt": "answer_prompt", "fusion": "lexical_weight", "model": "llm_model"}


class VariantError(ValueError):
    """A --set / --compare value that is not a setting, or not a valid value for it."""


@dataclass
class Variant:
    """A named set of setting overrides ('' = the configured defaults)."""

    name: str
    overrides: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, spec: str, base: dict[str, str] | None = None) -> Variant:
        """'top_k=3,prompt=answer_short' -> overrides; a bare word is a prompt name."""
        overrides = dict(base or {})
        for item in filter(None, (p.strip() for p in spec.split(","))):
            key, sep, value = item.partition("=")
            if not sep:
                key, value = "answer_prompt", item
            key = ALIASES.get(key.strip(), key.strip())
            if key not in Settings.model_fields:
                known = ", ".join(sorted([*ALIASES, *Settings.model_fields]))
                raise VariantError(f"unknown setting '{key}' (known: {known})")
            overrides[key] = value.strip()
        return cls(spec or "default", overrides)

    def apply(self, settings: Settings) -> Settings:
        try:
            return Settings.model_validate({**settings.model_dump(), **self.overrides})
        except ValidationError as exc:
            raise VariantError(f"{self.name}: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}") from None


@dataclass
class CaseResult:
    id: str
    line: int
    turns: list[TurnResult]
    known_failure: str = ""

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.turns)


@dataclass
class SuiteResult:
    suite: str
    path: str
    variant: str
    overrides: dict[str, str]
    cases: list[CaseResult]
    metrics: dict[str, float]
    thresholds: dict[str, float]
    llm_cache: dict[str, int] | None = None  # --cache: model calls answered from the cache, and asked

    @property
    def failed_thresholds(self) -> list[str]:
        failed = []
        for name, bar in self.thresholds.items():
            value = self.metrics[name]
            if (value > bar) if name in LOWER_IS_BETTER else (value < bar):
                failed.append(f"{name} {value:.3f} {'>' if name in LOWER_IS_BETTER else '<'} {bar:.3f}")
        return failed

    @property
    def ok(self) -> bool:
        return all(c.passed or c.known_failure for c in self.cases) and not self.failed_thresholds

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.suite,
            "path": self.path,
            "variant": self.variant,
            "overrides": self.overrides,
            "ok": self.ok,
            "metrics": self.metrics,
            "thresholds": self.thresholds,
            "failed_thresholds": self.failed_thresholds,
            "llm_cache": self.llm_cache,
            "cases": [
                {"id": c.id, "line": c.line, "passed": c.passed, "turns": [asdict(t) for t in c.turns]}
                for c in self.cases
            ],
        }


def run_suite(
    suite: Suite,
    settings: Settings,
    variant: Variant,
    embedder: Embedder,
    *,
    workers: int | None = None,
    on_case: Callable[[], None] | None = None,
) -> SuiteResult:
    """Index the suite's articles into a temporary data dir, then ask every case (cases in parallel)."""
    configured = variant.apply(settings)
    cache = LlmCache.at(configured.llm_cache_dir) if configured.llm_cache_dir else None
    before = cache.stats() if cache else {}
    with tempfile.TemporaryDirectory(prefix="citebot-suite-") as folder:
        configured = configured.model_copy(update={"data_dir": Path(folder), "chroma_url": None})
        parts = build_parts(configured, embedder=embedder)
        report = parts.indexer.add(suite.articles)
        if not report.ok:
            raise VariantError(f"{suite.path}: indexing failed: {report.failed[0].path}: {report.failed[0].error}")
        chain = parts.chain
        workers = workers or min(4, os.cpu_count() or 1)

        def run(case: Case) -> CaseResult:
            result = run_case(chain, case)
            if on_case:
                on_case()
            return result

        with ThreadPoolExecutor(workers) as pool:
            cases = list(pool.map(run, suite.cases))
    turns = [t for c in cases for t in c.turns]
    metrics = summarize(turns, sum(c.passed for c in cases), len(cases), configured.top_k)
    used = {k: v - before[k] for k, v in cache.stats().items()} if cache else None
    return SuiteResult(
        suite.name, str(suite.path), variant.name, variant.overrides, cases, metrics, suite.thresholds, used
    )


def run_case(chain: Chain, case: Case) -> CaseResult:
    """Ask each turn with the conversation so far, as a chat would."""
    history: list[Turn] = []
    results = []
    for spec in case.turns:
        started = time.perf_counter()
        answer = chain.invoke(spec.question, history, article_ids=[case.article] if case.article else None)
        results.append(judge(spec, answer, (time.perf_counter() - started) * 1000))
        history.append(Turn(spec.question, answer.text))
    return CaseResult(case.id, case.line, results, case.known_failure)


def record(results: list[SuiteResult], folder: Path) -> None:
    """One JSON file per suite: every answer, for `citebot prompts diff` later."""
    folder.mkdir(parents=True, exist_ok=True)
    for result in results:
        name = f"{Path(result.path).stem}.json"
        (folder / name).write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")


def load_recorded(folder: Path) -> dict[str, dict]:
    """{suite file stem: recorded result} from a --record folder (or one recorded .json file)."""
    files = [folder] if folder.is_file() else sorted(folder.glob("*.json"))
    if not files:
        raise VariantError(f"{folder}: no recorded runs (*.json from --record)")
    try:
        return {f.stem: json.loads(f.read_text(encoding="utf-8")) for f in files}
    except ValueError as exc:
        raise VariantError(f"{folder}: not a recorded run ({exc})") from None
