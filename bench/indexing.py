"""Indexing throughput, warm `ask` latency and peak memory at 1, 100 and 1,000 articles.

Articles: the sample, then the 200 Dutch news articles of ../shared/bench/articles_nl.jsonl, grown to
1,000 with synthetic articles (sentences of two real articles interleaved). Each size runs in a fresh
process so peak RSS is its own. Usage: python -m bench.indexing [--sizes 1,100,1000]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import load_jsonl, news_markdown, print_table, recording

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "articles" / "loekasjenko-interview-2023-08.txt"


def write_articles(folder: Path, size: int) -> list[str]:
    """Write `size` article files; returns questions to ask about them (their titles as questions)."""
    if size == 1:
        (folder / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
        return ["Hoe hoorde Loekasjenko over de invasie?", "Waar stationeerde Moskou kernwapens?"]
    from index.sentences import split_sentences

    rows = load_jsonl("articles_nl.jsonl")
    rng = random.Random(7)
    questions = []
    for i in range(size):
        if i < len(rows):
            title, text = rows[i]["title"], rows[i]["text"]
        else:
            a, b = rng.sample(rows, 2)
            sa, sb = split_sentences(a["text"]), split_sentences(b["text"])
            mixed = [s for pair in zip(sa, sb, strict=False) for s in pair]
            title, text = f"{a['title']} / {b['title']}", " ".join(mixed)
        (folder / f"article-{i:04d}.md").write_text(news_markdown(title, text), encoding="utf-8")
        if len(questions) < 40:
            questions.append(f"Wat weten we over {title.lower()}?")
    return questions


def run_one(size: int) -> dict:
    from bot.parts import build_parts
    from bot.settings import Settings
    from index.articles import load_article
    from index.embeddings import make_embedder
    from index.passages import split_passages

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        questions = write_articles(folder, size)
        settings = Settings(data_dir=Path(tmp) / "data")
        embedder = make_embedder(settings.embedding_model)
        model = recording(embedder)
        parts = build_parts(settings, embedder=model)
        started = time.perf_counter()
        report = parts.indexer.sync(folder)
        index_s = time.perf_counter() - started
        passages = [
            p.text
            for f in sorted(folder.iterdir())
            for p in split_passages(load_article(f), embedder.count_tokens, embedder.max_tokens)
        ]
        raw_s = model.replay_seconds()  # exactly the texts (passages and sentences) sync embedded
        started = time.perf_counter()
        resync = build_parts(settings, embedder=embedder).indexer.sync(folder)
        resync_s = time.perf_counter() - started
        chain = parts.chain
        for q in questions[:5]:
            chain.invoke(q)  # warm-up
        latencies = []
        for q in (questions * 50)[:50]:
            started = time.perf_counter()
            chain.invoke(q)
            latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {
        "articles": size,
        "passages": len(passages),
        "embedded": report.passages_embedded,
        "index_s": index_s,
        "pipeline_pps": len(passages) / index_s,
        "raw_pps": len(passages) / raw_s,
        "resync_s": resync_s,
        "resync_embedded": resync.passages_embedded,
        "p50": statistics.median(latencies),
        "p95": latencies[int(0.95 * (len(latencies) - 1))],
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,100,1000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    load_jsonl("articles_nl.jsonl")  # skip cleanly without the data
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, "-m", "bench.indexing", "--one", str(size)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(
            [
                r["articles"],
                r["passages"],
                f"{r['index_s']:.1f}",
                f"{r['pipeline_pps']:.0f}",
                f"{r['raw_pps']:.0f}",
                f"{r['resync_s']:.2f} ({r['resync_embedded']})",
                f"{r['p50']:.0f} / {r['p95']:.0f}",
                f"{r['rss_mb']:.0f}",
            ]
        )
        print(rows[-1], flush=True)
    print()
    print_table(
        [
            "articles",
            "passages",
            "index s",
            "passages/s (pipeline)",
            "passages/s (raw model)",
            "re-sync s (embedded)",
            "ask ms p50 / p95",
            "peak RSS MB",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
