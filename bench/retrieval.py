"""XQuAD-NL retrieval benchmark: hit@1 / hit@5 for Dutch and English questions over 240 Dutch passages.

Each XQuAD passage is written as an article file and indexed through the real pipeline (cleaning,
splitting, Chroma); a question hits when a retrieved passage belongs to its gold article.
Usage: python -m bench.retrieval [--embedder use-multilingual|minilm|...] [--quick]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.common import load_jsonl, print_table
from index.embeddings import ReusingEmbeddings, make_embedder
from index.retrieve import HybridSearch, RetrievalConfig
from index.store import PassageStore, make_client
from index.sync import Indexer


def build_index(passages: list[dict], embedder_name: str, workdir: Path) -> HybridSearch:
    articles = workdir / "articles"
    articles.mkdir()
    for row in passages:
        (articles / f"{row['passage_id']}.txt").write_text(row["text"], encoding="utf-8")
    embeddings = ReusingEmbeddings(make_embedder(embedder_name))
    store = PassageStore(make_client(workdir / "data"), embeddings)
    started = time.perf_counter()
    report = Indexer(store, embeddings, progress=True).sync(articles)
    print(f"indexed {embedder_name}: {report.summary()} in {time.perf_counter() - started:.1f}s")
    return HybridSearch(store, embeddings.embedder)


def evaluate(search: HybridSearch, questions: list[dict], field: str) -> tuple[float, float]:
    hit1 = hit5 = 0
    for q in questions:
        articles: list[str] = []
        for hit in search.search(q[field], k=20):
            if hit.passage.article_id not in articles:
                articles.append(hit.passage.article_id)
        gold = q["passage_id"].lower()
        hit1 += articles[:1] == [gold]
        hit5 += gold in articles[:5]
    return hit1 / len(questions), hit5 / len(questions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedders", default="use-multilingual,minilm")
    parser.add_argument("--quick", action="store_true", help="only every 4th question")
    parser.add_argument("--set", action="append", default=[], help="RetrievalConfig field=value")
    args = parser.parse_args()
    passages = load_jsonl("xquad_nl_passages.jsonl")
    questions = load_jsonl("xquad_nl.jsonl")
    if args.quick:
        questions = questions[::4]
    overrides = {k: type(getattr(RetrievalConfig(), k))(v) for k, v in (s.split("=", 1) for s in args.set)}
    rows = []
    for name in args.embedders.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            search = build_index(passages, name, Path(tmp))
            modes = ["dense", "hybrid"] if rows else ["lexical", "dense", "hybrid"]
            for mode in modes:
                search.config = replace(RetrievalConfig(), mode=mode, **overrides)
                label = "BM25 (Dutch lemmas, stems, stop words)" if mode == "lexical" else f"{mode}, {name}"
                started = time.perf_counter()
                nl = evaluate(search, questions, "question")
                en = evaluate(search, questions, "question_en")
                ms = (time.perf_counter() - started) * 1000 / (2 * len(questions))
                rows.append([label, f"{nl[0]:.3f} / {nl[1]:.3f}", f"{en[0]:.3f} / {en[1]:.3f}", f"{ms:.1f}"])
                print(rows[-1], flush=True)
    print(f"\nXQuAD-NL, {len(questions)} questions over {len(passages)} passages; hit@1 / hit@5\n")
    print_table(["retrieval", "Dutch questions", "English questions", "ms/query"], rows)


if __name__ == "__main__":
    main()
