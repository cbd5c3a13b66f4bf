"""Shared fixtures: the real packaged embedding model (loaded once), real Chroma stores in tmp dirs."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.chain import Chain, build_chain, open_store
from bot.settings import Settings, without_settings
from index.articles import load_article
from index.embeddings import Embedder, make_embedder
from index.sync import Indexer

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "articles" / "loekasjenko-interview-2023-08.txt"
ARTICLE_TEXT = load_article(SAMPLE).text


@pytest.fixture(scope="session", autouse=True)
def no_developer_settings() -> Iterator[None]:
    """Tests never read the developer's `.env` or citebot variables of the environment."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(Settings.model_config, "env_file", None)
        for name in set(os.environ) - set(without_settings(os.environ)):
            patch.delenv(name)
        yield


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The default offline model (USE multilingual), shared by all tests."""
    return make_embedder("use-multilingual")


@pytest.fixture
def articles_dir(tmp_path: Path) -> Path:
    """A fresh articles folder holding a copy of the sample article."""
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    return folder


@pytest.fixture
def make_indexer(tmp_path: Path, embedder: Embedder) -> Callable[[], Indexer]:
    """Indexers over one real Chroma store in tmp_path (each call opens it again, like a new process)."""

    def make() -> Indexer:
        store = open_store(Settings(data_dir=tmp_path / "data"), embedder)
        assert store.embeddings is not None
        return Indexer(store, store.embeddings)

    return make


@pytest.fixture(scope="session")
def sample_chain(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Chain:
    """The production chain over an index of the sample article."""
    data = tmp_path_factory.mktemp("sample-index")
    settings = Settings(data_dir=data)
    store = open_store(settings, embedder)
    assert store.embeddings is not None
    report = Indexer(store, store.embeddings).add([SAMPLE])
    assert report.ok and report.added
    return build_chain(settings, embedder=embedder, store=store)
