"""Indexes for the answer benchmarks, kept in a cache folder so that re-runs only re-check the files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bench.answer_data import topic_writer, xquad_topics
from bot.chain import Chain
from bot.parts import build_parts
from bot.settings import Settings
from index.embeddings import Embedder

CACHE = Path(__file__).resolve().parent.parent / ".bench-cache"


def indexed_chain(
    name: str,
    write_articles: Callable[[Path], int],
    embedder: Embedder,
    cache: Path = CACHE,
    quiet: bool = False,
    **settings: object,
) -> Chain:
    """The production chain over an index of the articles `write_articles` puts in CACHE/NAME/articles."""
    folder = cache / name
    count = write_articles(folder / "articles")
    config = Settings(data_dir=folder / "data", articles_dir=folder / "articles", **settings)  # type: ignore[arg-type]
    parts = build_parts(config, embedder=embedder)
    parts.indexer.progress = not quiet
    report = parts.indexer.sync(folder / "articles")
    if not quiet:
        print(f"{name}: {count} articles; {report.summary()}", flush=True)
    return parts.chain


def topic_chains(half: str, embedder: Embedder) -> dict[str, Chain]:
    """One chain per XQuAD article of `half`, over an index of that article's even paragraphs only."""
    topics = xquad_topics(half)
    chains = {t: indexed_chain(f"xquad-topic-{t}", topic_writer(t), embedder, quiet=True) for t in topics}
    print(f"xquad-topic: {len(chains)} one-article indexes ({half} half)", flush=True)
    return chains
