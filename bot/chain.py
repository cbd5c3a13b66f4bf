"""The LangChain (LCEL) retrieval chain: question (+history) -> search query -> passages -> cited answer."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.runnables import Runnable, RunnableLambda

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.types import Answer, Turn
from bot.language import detect_language
from bot.settings import Settings
from index.embeddings import Embedder, ReusingEmbeddings, make_embedder
from index.retrieve import Hit, HybridRetriever, HybridSearch, RetrievalConfig, document_to_hit
from index.store import PassageStore, make_client

# Words that make a question lean on the previous turn ("En wanneer zou hij ze inzetten?").
_ANAPHORA = frozenset(
    "hij zij ze hem haar hun hen daar daarvan daarover erover he she they him her them his their".split()
)
_CONTINUATIONS = ("en ", "maar ", "and ", "but ", "what about", "en wat", "wat nog", "waarom", "why", "ook ")


class Answerer(Protocol):
    def answer(self, question: str, query: str, hits: list[Hit], language: str) -> Answer: ...


def condense(question: str, history: Sequence[Turn]) -> str:
    """The search query for a question: a follow-up is joined with the previous question (no LLM needed)."""
    if not history:
        return question
    words = re.findall(r"\w+", question.lower())
    follow_up = (
        len(words) <= 4 or any(w in _ANAPHORA for w in words) or question.lower().lstrip().startswith(_CONTINUATIONS)
    )
    return f"{history[-1].question} {question}" if follow_up else question


@dataclass
class Chain:
    """The assembled question-answering chain; `invoke` is what every front end calls."""

    runnable: Runnable
    search: HybridSearch
    settings: Settings

    def invoke(self, question: str, history: Sequence[Turn] = (), article_ids: list[str] | None = None) -> Answer:
        turns = list(history)[-self.settings.history_turns :] if self.settings.history_turns else []
        return self.runnable.invoke({"question": question, "history": turns, "article_ids": article_ids})

    def refresh(self) -> None:
        """Pick up index changes (after `index sync`)."""
        self.search.refresh()


def _step(name: str, key: str, compute: Callable[[dict], Any]) -> RunnableLambda:
    """A chain step that adds `key` to the state and records how long it took."""

    def run(state: dict) -> dict:
        started = time.perf_counter()
        value = compute(state)
        timings = {**state.get("timings_ms", {}), name: (time.perf_counter() - started) * 1000}
        return {**state, key: value, "timings_ms": timings}

    return RunnableLambda(run, name=name)


def build_chain(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    store: PassageStore | None = None,
    answerer: Answerer | None = None,
) -> Chain:
    """Assemble question answering; tests pass small real parts."""
    embedder = embedder or make_embedder(settings.embedding_model)
    store = store or open_store(settings, embedder)
    config = RetrievalConfig(k=settings.top_k, lexical_weight=settings.lexical_weight)
    search = HybridSearch(store, embedder, config)
    embedder.embed_query("warm-up")  # load the model now, not inside the first question's timing
    retriever = HybridRetriever(search=search)
    answerer = answerer or ExtractiveAnswerer(
        embedder,
        lambda: search.lexical,
        threshold=settings.answer_threshold,
        cross_lingual_threshold=settings.cross_lingual_threshold,
        max_quotes=settings.max_quotes,
    )

    def retrieve(state: dict) -> list[Hit]:
        documents = retriever.with_scope(state.get("article_ids")).invoke(state["query"])
        return [document_to_hit(d) for d in documents]

    def answer(state: dict) -> Answer:
        return answerer.answer(state["question"], state["query"], state["hits"], detect_language(state["question"]))

    def finish(state: dict) -> Answer:
        result: Answer = state["answer"]
        result.timings_ms = state["timings_ms"] | {"total": sum(state["timings_ms"].values())}
        return result

    runnable = (
        _step("condense", "query", lambda s: condense(s["question"], s["history"]))
        | _step("retrieve", "hits", retrieve)
        | _step("answer", "answer", answer)
        | RunnableLambda(finish, name="finish")
    )
    return Chain(runnable, search, settings)


def open_store(settings: Settings, embedder: Embedder | None) -> PassageStore:
    """The configured store; with an embedder it checks the index was built with the same model."""
    client = make_client(settings.data_dir, settings.chroma_url)
    return PassageStore(client, ReusingEmbeddings(embedder) if embedder else None)
