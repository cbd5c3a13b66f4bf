"""Question suites (YAML in prompts/suites/): load and validate them strictly, errors pointing at file:line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from index.articles import article_id_for, load_article
from index.errors import IndexingError

METRICS = (
    "hit@1",
    "hit@k",
    "mrr",
    "citation_precision",
    "answer_accuracy",
    "refusal_accuracy",
    "false_refusals",
    "pass_rate",
)
SUITE_KEYS = {"name", "description", "articles", "thresholds", "cases"}
CASE_KEYS = {
    "id",
    "question",
    "turns",
    "article",
    "known_failure",
    "evidence",
    "expect_any",
    "expect_all",
    "forbid",
    "unanswerable",
    "reported",  # what a reader was shown (feedback export); kept for people, not checked by the runner
}
TURN_KEYS = {"question", "evidence", "expect_any", "expect_all", "forbid", "unanswerable"}
LINE = "__line__"


class SuiteError(ValueError):
    """A suite that cannot run as written; the message starts with file:line."""


@dataclass(frozen=True)
class TurnSpec:
    """One question and what its answer must (not) do."""

    question: str
    line: int
    evidence: tuple[str, ...] = ()
    expect_any: tuple[str, ...] = ()
    expect_all: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()
    unanswerable: bool = False


@dataclass(frozen=True)
class Case:
    """A single question or a conversation (several turns), optionally scoped to one article."""

    id: str
    line: int
    turns: tuple[TurnSpec, ...]
    article: str | None = None
    known_failure: str = ""  # why it fails today: reported, counted in the metrics, not a failed run


@dataclass
class Suite:
    name: str
    path: Path
    articles: list[Path]
    cases: list[Case]
    thresholds: dict[str, float] = field(default_factory=dict)


class _LineLoader(yaml.SafeLoader):
    """Safe YAML that remembers the line of every mapping."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def normalize(text: str) -> str:
    """Whitespace-insensitive comparison of evidence with article text."""
    return re.sub(r"\s+", " ", text).strip()


def load_suite(path: Path) -> Suite:
    """Parse and check a suite file: unknown keys, missing articles and evidence not in the article are errors."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - a SafeLoader
    except OSError as exc:
        raise SuiteError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise SuiteError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise SuiteError(f"{path}:1: a suite is a mapping with 'articles' and 'cases'")
    at = lambda node: f"{path}:{node.get(LINE, 1) if isinstance(node, dict) else 1}"  # noqa: E731
    _check_keys(data, SUITE_KEYS, at(data), "suite")
    articles = _articles(path, data, at(data))
    texts = {article_id_for(p): normalize(load_article(p).text) for p in articles}
    thresholds = data.get("thresholds") or {}
    if not isinstance(thresholds, dict):
        raise SuiteError(f"{at(data)}: 'thresholds' maps metric names to minimum values")
    for key, value in thresholds.items():
        if key == LINE:
            continue
        if key not in METRICS:
            raise SuiteError(f"{at(thresholds)}: unknown metric '{key}' in thresholds (known: {', '.join(METRICS)})")
        if not isinstance(value, int | float) or not 0 <= value <= 1:
            raise SuiteError(f"{at(thresholds)}: threshold {key} must be a number from 0 to 1, not {value!r}")
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list) or not raw_cases:
        raise SuiteError(f"{at(data)}: 'cases' must be a non-empty list")
    cases = [_case(raw, i, texts, at) for i, raw in enumerate(raw_cases, start=1)]
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise SuiteError(f"{path}:{case.line}: duplicate case id '{case.id}'")
        seen.add(case.id)
    return Suite(
        str(data.get("name") or path.stem),
        path,
        articles,
        cases,
        {k: float(v) for k, v in thresholds.items() if k != LINE},
    )


def _check_keys(node: dict, allowed: set[str], where: str, what: str) -> None:
    unknown = sorted(set(node) - allowed - {LINE})
    if unknown:
        raise SuiteError(f"{where}: unknown key '{unknown[0]}' in {what} (allowed: {', '.join(sorted(allowed))})")


def _articles(path: Path, data: dict, where: str) -> list[Path]:
    names = data.get("articles")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise SuiteError(f"{where}: 'articles' must list the article files the suite needs")
    found = []
    for name in names:
        candidates = [path.parent / name, Path(name)]
        match = next((c for c in candidates if c.is_file()), None)
        if match is None:
            raise SuiteError(f"{where}: article file '{name}' not found (paths are relative to the suite or cwd)")
        try:
            load_article(match)
        except IndexingError as exc:
            raise SuiteError(f"{where}: article '{name}' cannot be loaded: {exc}") from None
        found.append(match)
    return found


def _strings(node: dict, key: str, where: str) -> tuple[str, ...]:
    value = node.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SuiteError(f"{where}: '{key}' must be a string or a list of non-empty strings")
    return tuple(value)


def _turn(node: Any, texts: dict[str, str], article: str | None, at: Any, allowed: set[str]) -> TurnSpec:
    if not isinstance(node, dict):
        raise SuiteError(f"{at(node)}: a turn is a mapping with a 'question'")
    where = at(node)
    _check_keys(node, allowed, where, "turn" if allowed is TURN_KEYS else "case")
    question = node.get("question")
    if not isinstance(question, str) or not question.strip():
        raise SuiteError(f"{where}: 'question' must be a non-empty string")
    evidence = _strings(node, "evidence", where)
    haystack = [texts[article]] if article else list(texts.values())
    for phrase in evidence:
        if not any(normalize(phrase) in text for text in haystack):
            scope = f"article '{article}'" if article else "the suite's articles"
            raise SuiteError(f"{where}: evidence '{phrase}' does not occur in {scope}")
    unanswerable = node.get("unanswerable", False)
    if not isinstance(unanswerable, bool):
        raise SuiteError(f"{where}: 'unanswerable' must be true or false")
    if unanswerable and evidence:
        raise SuiteError(f"{where}: an unanswerable question has no evidence")
    return TurnSpec(
        question.strip(),
        node[LINE],
        evidence,
        _strings(node, "expect_any", where),
        _strings(node, "expect_all", where),
        _strings(node, "forbid", where),
        unanswerable,
    )


def _case(node: Any, number: int, texts: dict[str, str], at: Any) -> Case:
    if not isinstance(node, dict):
        raise SuiteError(f"{at(node)}: case {number} is not a mapping")
    where = at(node)
    _check_keys(node, CASE_KEYS, where, "case")
    article = node.get("article")
    if article is not None and article not in texts:
        raise SuiteError(f"{where}: article '{article}' is not one of the suite's articles ({', '.join(texts)})")
    if "reported" in node and not isinstance(node["reported"], dict):
        raise SuiteError(f"{where}: 'reported' is a mapping (what the reader was shown)")
    if ("question" in node) == ("turns" in node):
        raise SuiteError(f"{where}: a case has either 'question' or 'turns'")
    if "turns" in node:
        if any(k in node for k in TURN_KEYS - {"question"}):
            raise SuiteError(f"{where}: with 'turns', expectations go inside each turn")
        if not isinstance(node["turns"], list) or not node["turns"]:
            raise SuiteError(f"{where}: 'turns' must be a non-empty list")
        turns = tuple(_turn(t, texts, article, at, TURN_KEYS) for t in node["turns"])
    else:
        turns = (_turn(node, texts, article, at, CASE_KEYS),)
    case_id = str(node.get("id") or f"case-{number}")
    known = node.get("known_failure", "")
    if not isinstance(known, str):
        raise SuiteError(f"{where}: 'known_failure' is the reason, as a string")
    return Case(case_id, node[LINE], turns, article, known.strip())
