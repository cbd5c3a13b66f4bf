"""The LangChain (LCEL) retrieval chain: question (+history) -> search query -> passages -> cited answer."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable, RunnableLambda

from bot.answer.checks import AnswerChecker
from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.llm import LlmAnswerer
from bot.answer.previous import about_previous
from bot.answer.types import Answer, Answerer, Turn
from bot.condense import LlmCondenser, condense
from bot.deadline import question_deadline
from bot.language import detect_language
from bot.llmcache import LlmCache
from bot.prompts import load_prompt
from bot.settings import Settings
from index.embeddings import Embedder, ReusingEmbeddings, make_embedder
from index.lock import WriteLock
from index.retrieve import Hit, HybridRetriever, HybridSearch, RetrievalConfig, document_to_hit
from index.store import PassageStore, make_client


@dataclass
class Chain:
    """The assembled question-answering chain; `invoke` is what every front end calls."""

    runnable: Runnable
    search: HybridSearch
    settings: Settings
    answerer: Answerer

    def invoke(
        self,
        question: str,
        history: Sequence[Turn] = (),
        article_ids: list[str] | None = None,
        on_partial: Callable[[str], None] | None = None,
    ) -> Answer:
        """Answer one question; `on_partial` receives the text of a generated answer while it streams."""
        turns = list(history)[-self.settings.history_turns :] if self.settings.history_turns else []
        state = {"question": question, "history": turns, "article_ids": article_ids, "on_partial": on_partial}
        with question_deadline(self.settings.llm_timeout):  # condensing and generation share LLM_TIMEOUT
            return self.runnable.invoke(state)

    def refresh(self) -> None:
        """Pick up index changes now (after `index sync`), whatever `index_check_seconds` says."""
        self.search.update(force=True)


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
    llm: BaseChatModel | None = None,
) -> Chain:
    """Assemble question answering; tests pass small real parts (or a fake chat model as `llm`)."""
    embedder = embedder or make_embedder(settings.embedding_model)
    store = store or open_store(settings, embedder)
    config = RetrievalConfig(k=settings.top_k, lexical_weight=settings.lexical_weight)
    search = HybridSearch(
        store, embedder, config, cache_dir=settings.search_dir, check_seconds=settings.index_check_seconds
    )
    embedder.embed_query("warm-up")  # load the model now, not inside the first question's timing
    retriever = HybridRetriever(search=search)
    extractive = ExtractiveAnswerer(
        embedder,
        lambda: search.lexical,
        threshold=settings.answer_threshold,
        cross_lingual_threshold=settings.cross_lingual_threshold,
        max_quotes=settings.max_quotes,
        article_passages=search.article_passages,
    )
    rewrite: Callable[[str, Sequence[Turn]], str] = condense
    if answerer is None and settings.answerer == "llm":
        if llm is None:
            from bot.llm import make_llm

            llm = make_llm(settings)
        checker = AnswerChecker(embedder, lambda: search.lexical)
        cache = LlmCache.at(settings.llm_cache_dir) if settings.llm_cache_dir else None
        answerer = LlmAnswerer(
            llm,
            extractive,
            checker,
            load_prompt(settings.answer_prompt, settings.prompts_dir),
            timeout=settings.llm_timeout,
            serialize=(settings.llm_provider or "").lower() == "llamacpp",
            cache=cache,
        )
        rewrite = LlmCondenser(
            llm,
            load_prompt("condense", settings.prompts_dir),
            answerer.lock if answerer.serialize else nullcontext(),
            timeout=settings.llm_timeout,
            cache=cache,
        )
    answerer = answerer or extractive

    def retrieve(state: dict) -> list[Hit]:
        documents = retriever.with_scope(state.get("article_ids")).invoke(state["query"])
        return [document_to_hit(d) for d in documents]

    def answer(state: dict) -> Answer:
        language = detect_language(state["question"])
        previous = about_previous(
            state["question"],
            state["query"],
            state["history"],
            state["hits"],
            language,
            lambda t: search.search(t, k=3),
            search.article_passages,
        )
        if previous is not None:  # "Wie zegt dat?", "En toen?": about the previous answer's quote, either answerer
            return previous
        return answerer.answer(
            state["question"],
            state["query"],
            state["hits"],
            language,
            state.get("on_partial"),
            history=state["history"],
        )

    def finish(state: dict) -> Answer:
        result: Answer = state["answer"]
        result.timings_ms = state["timings_ms"] | {"total": sum(state["timings_ms"].values())}
        result.retrieved = state["hits"]
        return result

    runnable = (
        _step("condense", "query", lambda s: rewrite(s["question"], s["history"]))
        | _step("retrieve", "hits", retrieve)
        | _step("answer", "answer", answer)
        | RunnableLambda(finish, name="finish")
    )
    return Chain(runnable, search, settings, answerer)


def open_store(settings: Settings, embedder: Embedder | None) -> PassageStore:
    """The configured store; with an embedder it checks the index was built with the same model."""
    client = make_client(settings.data_dir, settings.chroma_url)
    # One indexing run at a time on an embedded store; a server has no shared folder to lock (README, "Scale").
    lock = None if settings.chroma_url else WriteLock.at(settings.data_dir / "index.lock")
    return PassageStore(client, ReusingEmbeddings(embedder) if embedder else None, lock)
