"""Chroma's HNSW search breadth (`ef_search`): how many of the true 20 nearest passages a search returns, and
what it costs, on a large index.

The index is bench/scale.py's (generated articles of real Dutch sentences, built through the product's own
write path), built once into --workdir (kept, so a second run only measures). The questions are our news and
XQuAD-NL questions, embedded by the real model; the true nearest passages come from an exact scan of every
stored vector. Each breadth is measured in fresh processes (Chroma keeps an opened collection's settings),
round after round, so the breadths share the machine's conditions; the figures are medians over the rounds.

Usage: python -m bench.hnsw [--size 100000] [--ef 100,200,400,800] [--rounds 2] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench.common import SHARED_BENCH, print_table

ROOT = Path(__file__).resolve().parent.parent
NEAREST = 20
QUESTIONS = 60  # of each set


def _collection(workdir: Path):
    import chromadb

    from index.store import PASSAGES

    return chromadb.PersistentClient(path=str(workdir / "data" / "chroma")).get_collection(PASSAGES)


def prepare(workdir: Path) -> Path:
    """Question vectors and their exact nearest passages, saved beside the index."""
    from bench.answer_data import news_questions, xquad_questions
    from index.embeddings import make_embedder

    path = workdir / "exact.pkl"
    if path.exists():
        return path
    collection = _collection(workdir)
    ids: list[str] = []
    blocks = []
    while (rows := collection.get(limit=5_000, offset=len(ids), include=["embeddings"]))["ids"]:
        ids += rows["ids"]
        blocks.append(np.asarray(rows["embeddings"], dtype=np.float32))
    vectors = np.vstack(blocks)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [q.text for q in news_questions()][:QUESTIONS]
    texts += [q.text for q in xquad_questions() if q.language == "nl"][:QUESTIONS]
    queries = np.asarray(make_embedder().embed_documents(texts), dtype=np.float32)
    order = np.asarray(ids)
    exact = [set(order[np.argsort(-(vectors @ q))[:NEAREST]].tolist()) for q in queries]
    path.write_bytes(pickle.dumps((queries, exact)))
    return path


def measure(workdir: Path, ef: int) -> dict:
    """Set the breadth, then (in this fresh process) time every question's search and count what it found."""
    _collection(workdir).modify(configuration={"hnsw": {"ef_search": ef}})
    queries, exact = pickle.loads((workdir / "exact.pkl").read_bytes())
    collection = _collection(workdir)
    collection.query(query_embeddings=[queries[0].tolist()], n_results=NEAREST)  # load the index
    times, found = [], []
    for query, nearest in zip(queries, exact, strict=True):
        started = time.perf_counter()
        result = collection.query(query_embeddings=[query.tolist()], n_results=NEAREST, include=["distances"])
        times.append(time.perf_counter() - started)
        found.append(len(nearest & set(result["ids"][0])) / NEAREST)
    return {
        "ef": ef,
        "p50_ms": 1000 * statistics.median(times),
        "p95_ms": 1000 * float(np.percentile(times, 95)),
        "recall": float(np.mean(found)),
    }


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.hnsw", *args], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"bench.hnsw {' '.join(args)} failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000, help="passages in the index (default 100,000)")
    parser.add_argument("--ef", default="100,200,400,800", help="search breadths to compare")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workdir", type=Path, help="keep the index here (default: .bench-cache/hnsw-SIZE)")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    workdir = args.workdir or ROOT / ".bench-cache" / f"hnsw-{args.size}"
    if args.measure:
        print(json.dumps(measure(workdir, args.measure)))
        return
    if not (SHARED_BENCH / "articles_nl.jsonl").exists():
        print(f"skipped: {SHARED_BENCH / 'articles_nl.jsonl'} not found (benchmarks read ../shared/bench)")
        return
    if not (workdir / "data").exists():
        print(f"building an index of {args.size:,} passages in {workdir} (once) ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "bench.scale", "--build", str(args.size), "--workdir", str(workdir)],
            cwd=ROOT,
            check=True,
        )
    prepare(workdir)
    from index.store import SEARCH_EF

    breadths = [int(e) for e in args.ef.split(",")]
    runs: dict[int, list[dict]] = {ef: [] for ef in breadths}
    try:
        for _ in range(args.rounds):
            for ef in breadths:
                runs[ef].append(_child("--measure", str(ef), "--workdir", str(workdir)))
    finally:
        _collection(workdir).modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})
    count = _collection(workdir).count()
    print(f"\n{count:,} passages; {QUESTIONS} news and {QUESTIONS} XQuAD-NL questions; medians of {args.rounds} rounds")
    rows = []
    for ef in breadths:
        median = {k: statistics.median(r[k] for r in runs[ef]) for k in ("p50_ms", "p95_ms", "recall")}
        mark = " (shipped)" if ef == SEARCH_EF else ""
        rows.append([f"{ef}{mark}", f"{median['p50_ms']:.1f}", f"{median['p95_ms']:.1f}", f"{median['recall']:.3f}"])
    print_table(["ef_search", "search p50 ms", "search p95 ms", f"recall@{NEAREST} vs exact"], rows)


if __name__ == "__main__":
    main()
