"""Judge one answer against its expectations, and the suite-level numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.answer.types import Answer
from bot.evaluate.suite import TurnSpec, normalize


@dataclass
class TurnResult:
    """One question's outcome; `rank` is the 1-based retrieval rank of the first evidence passage."""

    question: str
    answer: dict
    unanswerable: bool
    passed: bool
    rank: int | None
    cited: bool | None
    answer_ok: bool
    refused: bool
    latency_ms: float
    citations: int
    citations_with_evidence: int
    problems: list[str] = field(default_factory=list)


def judge(spec: TurnSpec, answer: Answer, latency_ms: float) -> TurnResult:
    """Compare an answer with what the suite expects."""
    evidence = [normalize(e) for e in spec.evidence]
    contains = lambda text: any(e in normalize(text) for e in evidence)  # noqa: E731
    rank = next((i for i, hit in enumerate(answer.retrieved, start=1) if contains(hit.passage.text)), None)
    supporting = sum(contains(c.text) for c in answer.citations) if evidence else 0
    cited = supporting > 0 if evidence else None
    text = answer.text.casefold()
    problems = []
    if spec.expect_any and not any(s.casefold() in text for s in spec.expect_any):
        problems.append(f"none of {list(spec.expect_any)} in the answer")
    problems += [f"'{s}' missing from the answer" for s in spec.expect_all if s.casefold() not in text]
    problems += [f"forbidden '{s}' in the answer" for s in spec.forbid if s.casefold() in text]
    answer_ok = not problems
    refused = not answer.answered
    if spec.unanswerable:
        if not refused or answer.citations:
            problems.append("answered a question the articles do not cover")
    else:
        if refused:
            problems.append("refused an answerable question")
        elif cited is False:
            problems.append("no citation contains the evidence" + ("" if rank else " (not retrieved)"))
    return TurnResult(
        question=spec.question,
        answer=answer.to_dict(),
        unanswerable=spec.unanswerable,
        passed=not problems,
        rank=rank,
        cited=cited,
        answer_ok=answer_ok,
        refused=refused,
        latency_ms=latency_ms,
        citations=len(answer.citations) if evidence else 0,
        citations_with_evidence=supporting,
        problems=problems,
    )


def summarize(turns: list[TurnResult], cases_passed: int, cases: int, k: int) -> dict[str, float]:
    """hit@1, hit@k, MRR, citation precision, answer accuracy, refusal accuracy, false refusals, latency."""
    with_evidence = [t for t in turns if t.cited is not None]
    answerable = [t for t in turns if not t.unanswerable]
    unanswerable = [t for t in turns if t.unanswerable]
    ratio = lambda n, d: n / d if d else 1.0  # noqa: E731
    latencies = [t.latency_ms for t in turns] or [0.0]
    p50, p95 = np.percentile(latencies, [50, 95])
    return {
        "hit@1": ratio(sum(t.rank == 1 for t in with_evidence), len(with_evidence)),
        "hit@k": ratio(sum(t.rank is not None and t.rank <= k for t in with_evidence), len(with_evidence)),
        "mrr": ratio(sum(1 / t.rank for t in with_evidence if t.rank), len(with_evidence)),
        "citation_precision": ratio(
            sum(t.citations_with_evidence for t in with_evidence), sum(t.citations for t in with_evidence)
        ),
        "answer_accuracy": ratio(sum(t.answer_ok and not t.refused for t in answerable), len(answerable)),
        "refusal_accuracy": ratio(sum(t.refused for t in unanswerable), len(unanswerable)),
        "false_refusals": ratio(sum(t.refused for t in answerable), len(answerable)),
        "pass_rate": ratio(cases_passed, cases),
        "p50_ms": float(p50),
        "p95_ms": float(p95),
    }


# Metrics where less is better; a threshold on them is a maximum.
LOWER_IS_BETTER = {"false_refusals", "p50_ms", "p95_ms"}
