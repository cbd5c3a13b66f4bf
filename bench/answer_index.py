"""Indexes for the answer benchmarks, kept in a cache folder so that re-runs only re-check the files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.chain import Chain
from bot.parts import build_parts
from bot.settings import Settings
from index.embeddings import Embedder

CACHE = Path(__file__).resolve().parent.parent / ".bench-cache"


def indexed_chain(
    name: str, write_articles: Callable[[Path], int], embedder: Embedder, cache: Path = CACHE, **settings: object
) -> Chain:
    """The production chain over an index of the articles `write_articles` puts in CACHE/NAME/articles."""
    folder = cache / name
    count = write_articles(folder / "articles")
    config = Settings(data_dir=folder / "data", articles_dir=folder / "articles", **settings)  # type: ignore[arg-type]
    parts = build_parts(config, embedder=embedder)
    parts.indexer.progress = True
    report = parts.indexer.sync(folder / "articles")
    print(f"{name}: {count} articles; {report.summary()}", flush=True)
    return parts.chain
