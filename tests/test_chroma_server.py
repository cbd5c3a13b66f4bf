"""The same index and chain against a Chroma server (client/server mode) instead of the embedded store."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.common import start_chroma
from bot.chain import build_chain, open_store
from bot.settings import Settings, without_settings
from index.embeddings import Embedder
from index.sync import Indexer


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    """A real `chroma run` server on a free loopback port, stopped after the test."""
    try:
        server, url = start_chroma(tmp_path / "server", attempts=100)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_index_and_answer_through_a_chroma_server(
    chroma_url: str, tmp_path: Path, articles_dir: Path, embedder: Embedder
) -> None:
    settings = Settings(data_dir=tmp_path / "unused", chroma_url=chroma_url)
    store = open_store(settings, embedder)
    assert store.embeddings is not None
    report = Indexer(store, store.embeddings).sync(articles_dir)
    assert report.added == ["loekasjenko-interview-2023-08"]
    answer = build_chain(settings, embedder=embedder, store=store).invoke("Waar stationeerde Moskou kernwapens?")
    assert answer.answered and "Wit-Russisch grondgebied" in answer.citations[0].quote
    assert not (tmp_path / "unused" / "chroma").exists()  # nothing was written to an embedded store


def test_a_bot_worker_sees_an_article_another_process_added_before_its_next_answer(
    chroma_url: str, tmp_path: Path, articles_dir: Path, embedder: Embedder
) -> None:
    """Two processes on one Chroma server: this one answers (a bot worker), a `citebot index add` in another
    process adds an article; the next question finds it, with no restart and no explicit refresh."""
    settings = Settings(data_dir=tmp_path / "worker", chroma_url=chroma_url)
    store = open_store(settings, embedder)
    assert store.embeddings is not None
    Indexer(store, store.embeddings).sync(articles_dir)
    chain = build_chain(settings, embedder=embedder, store=store)
    question = "Hoe lang wordt de nieuwe fietsbrug over de Schelde?"
    assert all(h.passage.article_id != "fietsbrug" for h in chain.invoke(question).retrieved)

    article = tmp_path / "nieuw" / "fietsbrug.md"
    article.parent.mkdir()
    article.write_text(
        "# Gent krijgt een fietsbrug\n\nDe stad Gent bouwt een nieuwe fietsbrug over de Schelde. "
        "De brug wordt 240 meter lang en kost 18 miljoen euro.\n\nDe werken beginnen volgend voorjaar.\n",
        encoding="utf-8",
    )
    env = without_settings(os.environ) | {
        "CITEBOT_CHROMA_URL": chroma_url,
        "CITEBOT_DATA_DIR": str(tmp_path / "indexer"),
    }
    added = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", "index", "add", str(article), "--json"],
        cwd=tmp_path,  # no .env there
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    answer = chain.invoke(question)
    assert answer.retrieved[0].passage.article_id == "fietsbrug"
    assert answer.answered and "240 meter" in answer.citations[0].quote
