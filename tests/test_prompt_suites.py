"""`citebot prompts test|diff`: suites validated strictly, the production chain run over them, numbers, reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.evaluate.metrics import TurnResult, summarize
from bot.evaluate.suite import SuiteError, load_suite
from tests.conftest import SAMPLE

runner = CliRunner()

PASSING = f"""
name: small
articles: [{SAMPLE}]
thresholds: {{hit@1: 0.5, refusal_accuracy: 1.0}}
cases:
  - id: tv
    question: Hoe hoorde Loekasjenko over de invasie?
    evidence: het nieuws destijds op televisie
    expect_any: [televisie]
  - id: follow-up
    turns:
      - question: Zou Wit-Rusland kernwapens gebruiken?
        evidence: niet alleen kernwapens gebruiken
      - question: En wanneer zou hij ze inzetten?
        evidence: als zijn land wordt aangevallen
  - id: recipe
    question: Wat is het recept voor appeltaart?
    unanswerable: true
"""


def write(tmp_path: Path, text: str, name: str = "suite.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str):
    return runner.invoke(app, ["prompts", *args])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("    expect_any: [televisie]\n", "    expect_any: [televisie]\n    expected: x\n"),
            r"suite.yaml:6: unknown key 'expected' in case",
        ),
        (
            ("        evidence: als zijn land", "        evidnce: als zijn land"),
            r"suite.yaml:14: unknown key 'evidnce' in turn",
        ),
        (
            ("het nieuws destijds op televisie", "het nieuws destijds op de radio"),
            r"suite.yaml:6: evidence 'het nieuws destijds op de radio' does not occur",
        ),
        ((f"articles: [{SAMPLE}]", "articles: [missing.txt]"), r"suite.yaml:2: article file 'missing.txt' not found"),
        (("hit@1: 0.5", "hit@2: 0.5"), r"unknown metric 'hit@2'"),
        (
            ("    unanswerable: true", "    unanswerable: yes please"),
            r"suite.yaml:16: 'unanswerable' must be true or false",
        ),
        (("  - id: recipe\n", "  - id: tv\n"), r"suite.yaml:16: duplicate case id 'tv'"),
    ],
    ids=[
        "unknown-case-key",
        "unknown-turn-key",
        "evidence-not-in-article",
        "missing-article",
        "unknown-metric",
        "bad-bool",
        "duplicate-id",
    ],
)
def test_invalid_suites_are_errors_at_file_and_line(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    assert change[0] in PASSING
    path = write(tmp_path, PASSING.replace(*change))
    with pytest.raises(SuiteError, match=message):
        load_suite(path)
    result = run("test", str(path))
    assert result.exit_code == 2 and re.search(message, result.output)


def test_a_passing_suite_exits_0_with_a_table_and_totals(tmp_path: Path) -> None:
    result = run("test", str(write(tmp_path, PASSING)), "--workers", "2")
    assert result.exit_code == 0, result.output
    rows = {
        line.split()[0]: line.split()[1]
        for line in result.output.splitlines()
        if re.match(r"^(tv|follow-up\.\d|recipe) ", line)
    }
    assert rows == {"tv": "pass", "follow-up.1": "pass", "follow-up.2": "pass", "recipe": "pass"}
    assert (
        "cases passed: 3/3" in result.output
        and "hit@1 1.000" in result.output
        and "refusal_accuracy 1.000" in result.output
    )


def test_a_failing_case_or_threshold_exits_1(tmp_path: Path) -> None:
    failing = PASSING.replace("expect_any: [televisie]", "expect_any: [radio]")
    result = run("test", str(write(tmp_path, failing)))
    assert result.exit_code == 1 and "none of ['radio'] in the answer" in result.output
    strict = PASSING.replace("hit@1: 0.5", "hit@1: 0.5, mrr: 1.0").replace(
        "Hoe hoorde Loekasjenko over de invasie?", "How did Lukashenko hear about the invasion?"
    )
    result = run("test", str(write(tmp_path, strict)), "--set", "top_k=8")
    assert result.exit_code == 1 and "THRESHOLD FAILED: mrr" in result.output


def test_a_known_failure_is_reported_without_failing_the_run(tmp_path: Path) -> None:
    known = PASSING.replace("  - id: tv\n", "  - id: tv\n    known_failure: radio is not mentioned\n").replace(
        "[televisie]", "[radio]"
    )
    result = run("test", str(write(tmp_path, known)))
    assert result.exit_code == 0 and "xfail" in result.output and "(1 known failures)" in result.output


def test_settings_variants_are_validated(tmp_path: Path) -> None:
    path = str(write(tmp_path, PASSING))
    assert "unknown setting 'topk'" in run("test", path, "--set", "topk=3").output
    assert run("test", path, "--set", "top_k=-1").exit_code == 2
    assert "no prompt template" in run("test", path, "--prompt", "nonexistent").output


def test_compare_shows_metrics_side_by_side_and_the_flipped_cases(tmp_path: Path) -> None:
    result = run("test", str(write(tmp_path, PASSING)), "--compare", "", "answer_threshold=1.0")
    assert result.exit_code == 1  # variant B refuses everything
    assert "A = default, B = answer_threshold=1.0" in result.output
    assert re.search(r"false_refusals\s+0\.000\s+1\.000\s+\+1\.000  ▼ worse", result.output)
    assert "  tv: pass -> FAIL" in result.output and "  follow-up: pass -> FAIL" in result.output
    assert "  recipe:" not in result.output  # still refused: not flipped


def test_reports_are_well_formed(tmp_path: Path) -> None:
    path = str(write(tmp_path, PASSING))
    for suffix in ("json", "md", "html"):
        assert run("test", path, "--report", str(tmp_path / f"r.{suffix}")).exit_code == 0
    data = json.loads((tmp_path / "r.json").read_text())
    assert data[0]["metrics"]["hit@1"] == 1.0 and [c["id"] for c in data[0]["cases"]] == ["tv", "follow-up", "recipe"]
    assert data[0]["cases"][0]["turns"][0]["answer"]["citations"][0]["quote"]
    page = (tmp_path / "r.html").read_text()
    assert page.startswith("<!doctype html>") and page.count("<section class='case") == 3
    assert "<b>Net zoals iedereen hoorde Loekasjenko het nieuws destijds op televisie.</b>" in page
    assert "| tv | pass | 1 | yes | ok |" in (tmp_path / "r.md").read_text()
    assert "use a .md, .json or .html" in run("test", path, "--report", str(tmp_path / "r.pdf")).output


def test_record_and_diff_show_which_answers_changed(tmp_path: Path) -> None:
    path = str(write(tmp_path, PASSING))
    assert run("test", path, "--record", str(tmp_path / "old")).exit_code == 0
    assert run("test", path, "--record", str(tmp_path / "same")).exit_code == 0
    assert (
        run(
            "test", path, "--set", "max_quotes=1", "--set", "answer_threshold=1.0", "--record", str(tmp_path / "new")
        ).exit_code
        == 1
    )
    assert run("diff", str(tmp_path / "old"), str(tmp_path / "same")).output.strip() == "0 answer(s) changed"
    changed = run("diff", str(tmp_path / "old"), str(tmp_path / "new")).output
    assert "suite/tv turn 1 (pass -> FAIL): Hoe hoorde Loekasjenko over de invasie?" in changed
    assert "  + Dat staat niet in de artikelen die ik ken." in changed and "3 answer(s) changed" in changed


def _turn(
    rank: int | None,
    cited: bool | None,
    *,
    unanswerable: bool = False,
    refused: bool = False,
    citations: int = 1,
    good: int = 1,
) -> TurnResult:
    return TurnResult("q", {}, unanswerable, True, rank, cited, True, refused, 100.0, citations, good)


def test_metric_arithmetic_on_hand_made_results() -> None:
    turns = [
        _turn(1, True, citations=2, good=1),
        _turn(2, True),
        _turn(None, False, refused=True, citations=0, good=0),
        _turn(4, False, citations=1, good=0),
        _turn(None, None, unanswerable=True, refused=True, citations=0, good=0),
        _turn(None, None, unanswerable=True, refused=False, citations=0, good=0),
    ]
    m = summarize(turns, cases_passed=3, cases=6, k=3)
    assert m["hit@1"] == pytest.approx(1 / 4)
    assert m["hit@k"] == pytest.approx(2 / 4)
    assert m["mrr"] == pytest.approx((1 + 1 / 2 + 1 / 4) / 4)
    assert m["citation_precision"] == pytest.approx(2 / 4)
    assert m["answer_accuracy"] == pytest.approx(3 / 4)
    assert m["false_refusals"] == pytest.approx(1 / 4)
    assert m["refusal_accuracy"] == pytest.approx(1 / 2)
    assert m["pass_rate"] == pytest.approx(0.5) and m["p50_ms"] == 100.0
