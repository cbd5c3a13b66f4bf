"""Suite results for people: the terminal table, side-by-side comparisons, Markdown/JSON/HTML reports, diffs."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from bot.evaluate.metrics import LOWER_IS_BETTER, TurnResult
from bot.evaluate.runner import SuiteResult
from bot.evaluate.suite import METRICS

METRIC_ORDER = [*METRICS, "p50_ms", "p95_ms"]


def _fmt(name: str, value: float) -> str:
    return f"{value:.0f} ms" if name.endswith("_ms") else f"{value:.3f}"


def _turn_cells(t: TurnResult) -> tuple[str, str, str, str]:
    rank = "-" if t.unanswerable else (str(t.rank) if t.rank else "miss")
    cited = "-" if t.cited is None else ("yes" if t.cited else "no")
    check = (
        ("refused" if t.refused else "ANSWERED")
        if t.unanswerable
        else ("ok" if t.answer_ok and not t.refused else "fail")
    )
    return rank, cited, check, f"{t.latency_ms:.0f}"


def _status(passed: bool, known_failure: str) -> str:
    """pass / FAIL; 'xfail' for a known failure, 'fixed' when one passes."""
    if known_failure:
        return "fixed" if passed else "xfail"
    return "pass" if passed else "FAIL"


def table(result: SuiteResult) -> str:
    """One row per question (turns of a conversation as id.1, id.2), then the totals."""
    head = f"{'case':<28} {'result':<6} {'rank':>4} {'cited':>5} {'answer':>8} {'ms':>6}  question"
    lines = [f"suite {result.suite} ({result.path}), variant {result.variant}", head, "-" * len(head)]
    for case in result.cases:
        for i, t in enumerate(case.turns, start=1):
            name = case.id if len(case.turns) == 1 else f"{case.id}.{i}"
            rank, cited, check, ms = _turn_cells(t)
            status = _status(t.passed, "" if t.passed else case.known_failure)
            lines.append(f"{name[:28]:<28} {status:<6} {rank:>4} {cited:>5} {check:>8} {ms:>6}  {t.question[:60]}")
            lines += [f"{'':<36}! {p}" for p in t.problems]
    passed = sum(c.passed for c in result.cases)
    known = sum(bool(c.known_failure) and not c.passed for c in result.cases)
    fixed = [c.id for c in result.cases if c.known_failure and c.passed]
    lines += ["", f"cases passed: {passed}/{len(result.cases)} ({known} known failures)"]
    lines += [f"FIXED: {cid} passes now; remove its known_failure" for cid in fixed]
    lines.append("  ".join(f"{n} {_fmt(n, result.metrics[n])}" for n in METRIC_ORDER))
    if result.llm_cache is not None:
        hits, misses = result.llm_cache["hits"], result.llm_cache["misses"]
        lines.append(f"LLM cache: {hits} of {hits + misses} model calls answered from the cache")
    for failure in result.failed_thresholds:
        lines.append(f"THRESHOLD FAILED: {failure}")
    return "\n".join(lines)


def flipped(a: SuiteResult, b: SuiteResult) -> list[tuple[str, bool, bool]]:
    """Cases whose pass/fail differs between two runs of one suite: (id, passed in a, passed in b)."""
    before = {c.id: c.passed for c in a.cases}
    return [(c.id, before[c.id], c.passed) for c in b.cases if c.id in before and before[c.id] != c.passed]


def compare_table(a: SuiteResult, b: SuiteResult) -> str:
    """Metrics side by side (changes marked), then the cases that flipped."""
    width = max(len(a.variant), len(b.variant), 10)
    lines = [
        f"suite {a.suite}: A = {a.variant}, B = {b.variant}",
        f"{'metric':<20} {'A':>{width}} {'B':>{width}}  change",
    ]
    for name in METRIC_ORDER:
        va, vb = a.metrics[name], b.metrics[name]
        delta = vb - va
        better = (delta < 0) if name in LOWER_IS_BETTER else (delta > 0)
        mark = "" if abs(delta) < 1e-9 or name.endswith("_ms") else ("  ▲ better" if better else "  ▼ worse")
        lines.append(f"{name:<20} {_fmt(name, va):>{width}} {_fmt(name, vb):>{width}}  {delta:+.3f}{mark}")
    flips = flipped(a, b)
    lines.append("")
    lines.append(f"flipped cases: {len(flips)}" + ("" if flips else " (none)"))
    lines += [f"  {cid}: {'pass' if pa else 'FAIL'} -> {'pass' if pb else 'FAIL'}" for cid, pa, pb in flips]
    return "\n".join(lines)


def markdown(results: list[SuiteResult]) -> str:
    out = ["# citebot prompt test report", ""]
    for r in results:
        out += [f"## {r.suite} — {r.variant}", "", "| metric | value |", "|---|---|"]
        out += [f"| {n} | {_fmt(n, r.metrics[n])} |" for n in METRIC_ORDER]
        out += ["", "| case | result | rank | cited | answer | ms | question |", "|---|---|---|---|---|---|---|"]
        for c in r.cases:
            for i, t in enumerate(c.turns, start=1):
                rank, cited, check, ms = _turn_cells(t)
                name = c.id if len(c.turns) == 1 else f"{c.id}.{i}"
                out.append(
                    f"| {name} | {_status(t.passed, '' if t.passed else c.known_failure)} | {rank} | {cited} | {check} | {ms} | {t.question.replace('|', '/')} |"
                )
        out += [f"\nThreshold failed: {f}" for f in r.failed_thresholds]
        out.append("")
    return "\n".join(out)


_CSS = """
body{font:15px/1.45 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}.bar{background:#eee;border-radius:4px;height:14px;width:260px;display:inline-block;vertical-align:middle}
.bar span{display:block;height:100%;border-radius:4px;background:#3a7}.metrics td{padding:2px 10px}
section.case{border:1px solid #ddd;border-left:6px solid #3a7;border-radius:6px;padding:.6em 1em;margin:1em 0}
section.case.fail{border-left-color:#c33}section.case.flipped{box-shadow:0 0 0 2px #f90}
.q{font-weight:600}.a{margin:.3em 0 .5em}.cite{font-size:.9em;color:#444;margin:.2em 0 .2em 1em}
.cite b{background:#ffe9a8;font-weight:normal}.prob{color:#c33}.tag{font-size:.8em;padding:1px 6px;border-radius:8px;background:#eee}
"""


def _cite_html(c: dict) -> str:
    text, quote = c["text"], c["quote"]
    start = text.find(quote)
    body = (
        escape(text)
        if start < 0
        else escape(text[:start]) + f"<b>{escape(quote)}</b>" + escape(text[start + len(quote) :])
    )
    where = f"{c['title']} ({c['date']}), ¶{c['paragraph']}" + (f", {c['section']}" if c["section"] else "")
    return f'<div class="cite">[{c["n"]}] <i>{escape(where)}</i><br>{body}</div>'


def html(results: list[SuiteResult], flips: set[str] | None = None) -> str:
    """One self-contained page: metric bars, then one section per case (failed and flipped cases first)."""
    flips = flips or set()
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>citebot prompt test report</title>",
        f"<style>{_CSS}</style></head><body><h1>citebot prompt test report</h1>",
    ]
    for r in results:
        parts.append(f"<h2>{escape(r.suite)} — {escape(r.variant)}</h2><table class='metrics'>")
        for n in METRIC_ORDER:
            v = r.metrics[n]
            bar = (
                ""
                if n.endswith("_ms")
                else f"<div class='bar'><span style='width:{max(0.0, min(v, 1.0)) * 100:.0f}%'></span></div>"
            )
            parts.append(f"<tr><td>{escape(n)}</td><td>{_fmt(n, v)}</td><td>{bar}</td></tr>")
        parts.append("</table>")
        for f in r.failed_thresholds:
            parts.append(f"<p class='prob'>Threshold failed: {escape(f)}</p>")
        order = sorted(r.cases, key=lambda c: (c.id not in flips, c.passed, c.line))
        for c in order:
            classes = "case" + ("" if c.passed else " fail") + (" flipped" if c.id in flips else "")
            tag = _status(c.passed, c.known_failure)
            if c.known_failure:
                tag += f": {c.known_failure}"
            parts.append(
                f"<section class='{classes}' id='case-{escape(c.id)}'><h3>{escape(c.id)} <span class='tag'>{tag}</span>"
                + (" <span class='tag'>flipped</span>" if c.id in flips else "")
                + "</h3>"
            )
            for t in c.turns:
                a = t.answer
                parts.append(
                    f"<div class='q'>{escape(t.question)}</div><div class='a'>{escape(a['answer'])}"
                    f" <span class='tag'>{escape(a['answerer'])}</span> <span class='tag'>{t.latency_ms:.0f} ms</span></div>"
                )
                parts += [_cite_html(cite) for cite in a["citations"]]
                parts += [f"<div class='prob'>{escape(p)}</div>" for p in t.problems]
            parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(path: Path, results: list[SuiteResult], flips: set[str] | None = None) -> None:
    """--report FILE: .md, .json or .html by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        content = json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=1)
    elif suffix == ".md":
        content = markdown(results)
    elif suffix in (".html", ".htm"):
        content = html(results, flips)
    else:
        raise ValueError(f"--report {path}: use a .md, .json or .html file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def diff(old: dict[str, dict], new: dict[str, dict]) -> tuple[str, int]:
    """Which answers changed between two recorded runs; returns the text and the number of changes."""
    lines, changes = [], 0
    for suite in sorted(old.keys() | new.keys()):
        if suite not in old or suite not in new:
            lines.append(f"{suite}: only in {'NEW' if suite in new else 'OLD'}")
            changes += 1
            continue
        before = {(c["id"], i): (t, c["passed"]) for c in old[suite]["cases"] for i, t in enumerate(c["turns"])}
        for case in new[suite]["cases"]:
            for i, turn in enumerate(case["turns"]):
                previous = before.get((case["id"], i))
                if previous is None:
                    lines.append(f"{suite}/{case['id']}: new case")
                    changes += 1
                    continue
                old_turn, old_pass = previous
                if old_turn["answer"]["answer"] != turn["answer"]["answer"] or old_turn["passed"] != turn["passed"]:
                    changes += 1
                    status = f"{'pass' if old_turn['passed'] else 'FAIL'} -> {'pass' if turn['passed'] else 'FAIL'}"
                    lines += [
                        f"{suite}/{case['id']} turn {i + 1} ({status}): {turn['question']}",
                        f"  - {old_turn['answer']['answer']}",
                        f"  + {turn['answer']['answer']}",
                    ]
    lines.append(f"{changes} answer(s) changed")
    return "\n".join(lines), changes
