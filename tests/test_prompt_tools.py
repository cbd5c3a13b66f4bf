"""The prompt lab from other tools: the promptfoo provider runs the production chain, and `prompts test --cache`
answers repeated model calls from disk (the model is a local OpenAI-compatible server standing in for a
hosted LLM; everything else is real)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.chain import Chain
from bot.cli import app
from bot.evaluate import promptfoo
from tests.conftest import ROOT, SAMPLE
from tests.fakes import first_sentence
from tests.llmserver import FakeLlmServer

runner = CliRunner()

SUITE = f"""
name: cached
articles: [{SAMPLE}]
cases:
  - id: tv
    question: Hoe hoorde Loekasjenko over de invasie?
    evidence: het nieuws destijds op televisie
  - id: follow-up
    turns:
      - question: Zou Wit-Rusland kernwapens gebruiken?
      - question: En wanneer zou hij ze inzetten?
"""


def test_the_promptfoo_provider_answers_with_the_production_chain(sample_chain: Chain) -> None:
    config = {"data_dir": str(sample_chain.settings.data_dir)}
    result = promptfoo.call_api("Hoe hoorde Loekasjenko over de invasie?", {"config": config}, {"vars": {}})
    meta = result["metadata"]
    assert "op televisie. [1]" in result["output"] and meta["answered"] and meta["answerer"] == "extractive"
    assert meta["citations"][0]["quote"] in meta["citations"][0]["text"] and meta["retrieved"]

    follow_up = promptfoo.call_api(
        "En wanneer zou hij ze inzetten?",
        {"config": config},
        {"vars": {"history": json.dumps(["Zou Wit-Rusland kernwapens gebruiken?"])}},
    )
    assert "aangevallen" in follow_up["metadata"]["citations"][0]["quote"]

    refused = promptfoo.call_api("Wat is het recept voor appeltaart?", {"config": config}, {"vars": {}})
    assert refused["metadata"]["answered"] is False and refused["metadata"]["citations"] == []
    bad = promptfoo.call_api("x", {"config": {"top_k": 0}}, {})
    assert "top_k" in bad["error"]  # a bad configuration is promptfoo's error for that test, not a crash


def test_the_example_promptfoo_config_points_at_the_provider() -> None:
    config = yaml.safe_load((ROOT / "prompts" / "promptfooconfig.yaml").read_text(encoding="utf-8"))
    provider = config["providers"][0]["id"].removeprefix("file://")
    assert (ROOT / "prompts" / provider).resolve() == Path(promptfoo.__file__).resolve()


@pytest.mark.skipif(shutil.which("promptfoo") is None, reason="promptfoo (npm) is not installed")
def test_promptfoo_eval_runs_the_example(sample_chain: Chain, tmp_path: Path) -> None:
    config = yaml.safe_load((ROOT / "prompts" / "promptfooconfig.yaml").read_text(encoding="utf-8"))
    config["providers"][0]["id"] = f"file://{Path(promptfoo.__file__).resolve()}"
    config["providers"][0]["config"]["data_dir"] = str(sample_chain.settings.data_dir)
    path = tmp_path / "promptfooconfig.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out.json"
    done = subprocess.run(
        ["promptfoo", "eval", "-c", str(path), "-o", str(out), "--no-cache"],
        cwd=ROOT,
        env={**os.environ, "PROMPTFOO_PYTHON": sys.executable},  # the provider runs in this environment
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.exists(), done.stdout + done.stderr
    stats = json.loads(out.read_text())["results"]["stats"]
    assert stats["successes"] == 3 and stats["failures"] == 0, done.stdout


def results(output: str) -> list[tuple[str, ...]]:
    """Case, result, rank and cited columns of a suite table (not the timings)."""
    return [tuple(line.split()[:4]) for line in output.splitlines() if line.startswith(("tv ", "follow-up"))]


def test_a_cached_rerun_asks_the_model_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = FakeLlmServer(
        reply=lambda p: f"{first_sentence(p, 1)} [1]." if "[1] (" in p else "Wanneer zou hij kernwapens inzetten?"
    )
    url = server.start()
    try:
        for name, value in {
            "LLM_PROVIDER": "openai",
            "LLM_BASE_URL": url,
            "LLM_MODEL": "fake",
            "LLM_TIMEOUT": "10",
        }.items():
            monkeypatch.setenv(name, value)
        suite = tmp_path / "suite.yaml"
        suite.write_text(SUITE, encoding="utf-8")
        args = ["prompts", "test", str(suite), "--set", "answerer=llm", "--cache", str(tmp_path / "cache")]
        first = runner.invoke(app, args)
        assert first.exit_code == 0, first.output
        asked = server.requests
        assert asked == 4  # three answers and one condensed follow-up
        assert "LLM cache: 0 of 4 model calls answered from the cache" in first.output

        second = runner.invoke(app, args)
        assert second.exit_code == 0, second.output
        assert server.requests == asked  # nothing asked again
        assert "LLM cache: 4 of 4 model calls answered from the cache" in second.output
        assert results(first.output) == results(second.output)  # the same answers, judged the same
    finally:
        server.stop()
