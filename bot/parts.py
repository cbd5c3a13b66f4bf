"""The one place that wires citebot's parts from Settings: the embedder, the store, the indexer and the
chain are each built once, on first use, and shared by whoever needs them (a front end, the prompt lab, a
benchmark). Tests and benchmarks pass their own parts by keyword, as with `build_chain`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from langchain_core.language_models import BaseChatModel

from bot.chain import Chain, build_chain, open_store
from bot.settings import Settings
from index.embeddings import Embedder, make_embedder
from index.store import PassageStore
from index.sync import Indexer


@dataclass
class Parts:
    settings: Settings
    given_embedder: Embedder | None = None
    given_store: PassageStore | None = None
    llm: BaseChatModel | None = None

    @cached_property
    def embedder(self) -> Embedder:
        """The embedding model (loading it takes seconds: only parts that embed ask for it)."""
        return self.given_embedder or make_embedder(self.settings.embedding_model)

    @cached_property
    def store(self) -> PassageStore:
        """The index, checked against the configured embedding model."""
        return self.given_store or open_store(self.settings, self.embedder)

    @cached_property
    def catalog(self) -> PassageStore:
        """The index for reading and removing articles only: no model is loaded."""
        if self.given_store is not None or "store" in self.__dict__:
            return self.store
        return open_store(self.settings, None)

    @cached_property
    def indexer(self) -> Indexer:
        assert self.store.embeddings is not None
        return Indexer(
            self.store,
            self.store.embeddings,
            search_cache=self.settings.search_dir,
            max_chars=self.settings.max_article_chars,
            follow_links=self.settings.follow_links,
        )

    @cached_property
    def chain(self) -> Chain:
        return build_chain(self.settings, embedder=self.embedder, store=self.store, llm=self.llm)


def build_parts(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    store: PassageStore | None = None,
    llm: BaseChatModel | None = None,
) -> Parts:
    """Parts built lazily from `settings`; `embedder`, `store` and `llm` replace the configured ones."""
    return Parts(settings, embedder, store, llm)
