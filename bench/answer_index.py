"""Indexes for the answer benchmarks, kept in a cache folder so that re-runs only re-check the files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.chain import Chain, build_chain, open_store
from bot.settings import Settings
from index.embeddings import Embedder
from index.sync import Indexer

CACHE = Path(__file__).resolve().parent.parent / ".bench-cache"


def indexed_chain(
    name: str, write_articles: Callable[[Path], int], embedder: Embedder, cache: Path = CACHE, **settings: object
) -> Chain:
    """The production chain over an index of the articles `write_articles` puts in CACHE/NAME/articles."""
    folder = cache / name
    count = write_articles(folder / "articles")
    config = Settings(data_dir=folder / "data", articles_dir=folder / "articles", **settings)  # type: ignore[arg-type]
    store = open_store(config, embedder)
    assert store.embeddings is not None
    report = Indexer(store, store.embeddings, progress=True).sync(folder / "articles")
    print(f"{name}: {count} articles; {report.summary()}", flush=True)
    return build_chain(config, embedder=embedder, store=store)
