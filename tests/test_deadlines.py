"""One deadline per question (LLM_TIMEOUT) against a real ChatOpenAI client and a local model server that
trickles keep-alives or hangs (the server stands in for a hosted LLM; everything else is real)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.answer.types import Turn
from bot.chain import Chain, build_chain
from bot.settings import without_settings
from tests.conftest import ROOT
from tests.fakes import first_sentence
from tests.llmserver import FakeLlmServer

TIMEOUT = 2.0
QUESTION = "Hoe hoorde Loekasjenko over de invasie?"


@pytest.fixture
def server() -> Iterator[FakeLlmServer]:
    fake = FakeLlmServer(reply=lambda prompt: f"{first_sentence(prompt, 1)} [1].")
    fake.url = fake.start()  # type: ignore[attr-defined]
    yield fake
    fake.stop()


@pytest.fixture
def openai_chain(sample_chain: Chain, server: FakeLlmServer) -> Chain:
    """The production chain over the sample index, with the real ChatOpenAI client pointed at the server."""
    settings = sample_chain.settings.model_copy(
        update={
            "answerer": "llm",
            "llm_provider": "openai",
            "llm_base_url": server.url,  # type: ignore[attr-defined]
            "llm_model": "fake",
            "llm_timeout": TIMEOUT,
        }
    )
    return build_chain(settings, embedder=sample_chain.search.embedder, store=sample_chain.search.store)


def timed(call: Callable[[], object]) -> tuple[object, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_trickling_servers_cannot_keep_workers_busy(openai_chain: Chain, server: FakeLlmServer) -> None:
    assert openai_chain.invoke(QUESTION).answerer == "llm"  # the server answers normally first

    server.mode = "trickle"
    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(lambda _: timed(lambda: openai_chain.invoke(QUESTION)), range(5)))
    for answer, seconds in results:
        assert answer.answerer == "extractive-fallback" and answer.answered  # type: ignore[attr-defined]
        assert seconds < TIMEOUT + 1.5
    assert server.wait_released(2.0), f"{server.held} trickling streams are still being read"

    server.mode = "answer"
    answer, seconds = timed(lambda: openai_chain.invoke(QUESTION))
    assert answer.answerer == "llm" and seconds < TIMEOUT  # type: ignore[attr-defined]


def test_a_follow_up_while_the_server_hangs_is_answered_within_the_deadline(
    openai_chain: Chain, server: FakeLlmServer
) -> None:
    server.mode = "hang"
    history = [Turn("Zou Wit-Rusland kernwapens gebruiken?", "Alleen als het land wordt aangevallen. [1]")]
    answer, seconds = timed(lambda: openai_chain.invoke("En wanneer zou hij ze inzetten?", history))
    assert seconds < TIMEOUT + 2.0
    assert answer.answerer == "extractive-fallback" and answer.checks["reason"] == "timeout"  # type: ignore[attr-defined]
    assert answer.answered and "aangevallen" in answer.citations[0].quote  # type: ignore[attr-defined]
    # Condensing used the whole budget: the answer was not even asked for, and nothing was retried.
    assert server.requests == 1
    assert server.wait_released(2.0)


def test_ask_exits_promptly_when_the_server_trickles(sample_chain: Chain, server: FakeLlmServer) -> None:
    server.mode = "trickle"
    env = without_settings(os.environ) | {
        "CITEBOT_DATA_DIR": str(sample_chain.settings.data_dir),
        "ANSWERER": "llm",
        "LLM_PROVIDER": "openai",
        "LLM_BASE_URL": server.url,  # type: ignore[attr-defined]
        "LLM_MODEL": "fake",
        "LLM_TIMEOUT": str(TIMEOUT),
    }
    started = time.monotonic()
    done = subprocess.run(
        [str(Path(sys.executable).with_name("citebot")), "ask", "--json", QUESTION],
        cwd=ROOT / "tests",  # no .env of the developer's is read from here
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["answerer"] == "extractive-fallback"
    # Loading the model and the index takes seconds; a worker left reading the stream kept it for minutes.
    assert seconds < 45 + TIMEOUT, f"citebot ask took {seconds:.1f} s to exit"
    assert server.wait_released(2.0)
