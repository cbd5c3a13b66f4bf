"""Scale: an index of 1k / 10k / 100k passages (1M with --big), built through the real write path.

Articles are generated from real Dutch text: each has ten paragraphs of four sentences drawn from the 200
news articles of ../shared/bench/articles_nl.jsonl. Every distinct real sentence is embedded once with the
default model (cached in .bench-cache); a passage's vector is the mean of its sentences' real vectors plus a
little noise, so vectors are realistic and building 100k passages takes minutes, not hours. Indexing itself
(files, cleaning, splitting, token counting, Chroma writes, the catalog) is the product's own `Indexer`.
Questions are embedded by the real model.

Per size, in fresh processes so memory is their own:
- refresh_s: rebuilding the search state from the store from scratch (only without a saved state);
- rss_mb: a serving process (chain built from the saved state, questions answered): current RSS, not peak;
- query_p50_ms / query_p95_ms: warm searches; scoped_p95_ms: searches limited to one article;
- side_p50_ms / side_p95_ms / side_scoped_p95_ms: the same searches once more after all sizes are built, on
  every size's index in one process, interleaved, so the sizes are compared under the same machine conditions
  (not with --server);
- disk_kb_per_search: what those searches read from disk, not the page cache (/proc/self/io read_bytes; on
  a machine whose page cache does not keep the store, a large index's searches wait for the disk);
- cold_ask_s: `citebot ask` in a new process, wall time;
- pickup_s: a running search seeing one article another writer just added;
- build_s / disk_mb: indexing the generated articles, and the index's size on disk (Chroma + search state).
Plus, once: `index sync` of real news articles against the raw embedder on exactly the texts it embedded.

Usage: python -m bench.scale [--sizes 1000,10000,100000] [--big] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bench.common import SHARED_BENCH, load_jsonl, news_markdown, print_table, recording, replay_seconds, start_chroma
from index.embeddings import Embedder

if TYPE_CHECKING:
    from index.retrieve import HybridSearch

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench-cache" / "scale-sentences.npz"
PARAGRAPHS, SENTENCES_PER_PARAGRAPH = 10, 4
QUERIES = 200  # a p95 of 60 searches is their 3rd slowest, one noisy moment; of 200, the 10th


def real_sentences() -> tuple[list[str], list[str], np.ndarray]:
    """Titles and distinct sentences of the news articles, and the sentences' real vectors (cached)."""
    from index.sentences import split_sentences

    rows = load_jsonl("articles_nl.jsonl")
    titles = [r["title"] for r in rows]
    sentences = list(dict.fromkeys(s for r in rows for s in split_sentences(r["text"]) if len(s) > 20))
    key = hashlib.sha256("\n".join(sentences).encode()).hexdigest()[:16]
    if CACHE.exists():
        cached = np.load(CACHE)
        if str(cached["key"]) == key:
            return titles, sentences, cached["vectors"]
    from index.embeddings import make_embedder

    print(f"embedding {len(sentences)} real sentences once (cached in {CACHE})", file=sys.stderr)
    vectors = np.asarray(make_embedder().embed_documents(sentences), dtype=np.float32)
    CACHE.parent.mkdir(exist_ok=True)
    np.savez(CACHE, key=key, vectors=vectors)
    return titles, sentences, vectors


class SimulatedVectors(Embedder):
    """Documents: the mean of their sentences' real vectors plus noise; queries: the real model.

    It carries the real model's name, so a `citebot ask` with the default settings opens the same index.
    """

    def __init__(self, real: Embedder, sentences: list[str], vectors: np.ndarray) -> None:
        self.real = real
        self.name = real.name
        self.max_tokens = real.max_tokens
        self._rows = {s: i for i, s in enumerate(sentences)}
        self._vectors = vectors

    def count_tokens(self, text: str) -> int:
        return self.real.count_tokens(text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        from index.sentences import split_sentences

        out = np.empty((len(texts), self._vectors.shape[1]), dtype=np.float32)
        for n, text in enumerate(texts):
            rows = [self._rows[s] for s in split_sentences(text) if s in self._rows]
            rng = np.random.default_rng(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little"))
            base = self._vectors[rows].mean(axis=0) if rows else rng.normal(size=self._vectors.shape[1])
            vector = base + rng.normal(scale=0.01, size=base.shape)
            out[n] = vector / np.linalg.norm(vector)
        return out.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.real.embed_query(text)


def write_articles(folder: Path, count: int, titles: list[str], sentences: list[str], first: int = 0) -> None:
    rng = random.Random(first + 17)
    for i in range(first, first + count):
        paragraphs = [" ".join(rng.sample(sentences, SENTENCES_PER_PARAGRAPH)) for _ in range(PARAGRAPHS)]
        body = "\n\n".join(paragraphs)
        sub = folder / f"{i // 1000:04d}"
        sub.mkdir(exist_ok=True)
        (sub / f"artikel-{i:07d}.md").write_text(f"# {rng.choice(titles)} ({i})\n\n{body}\n", encoding="utf-8")


def settings_for(workdir: Path, chroma_url: str | None):
    from bot.settings import Settings

    return Settings(data_dir=workdir / "data", chroma_url=chroma_url)


def build(size: int, workdir: Path, chroma_url: str | None = None) -> dict:
    """Write size/10 articles and index them with the product's Indexer and simulated vectors."""
    from bot.parts import build_parts
    from index.embeddings import make_embedder

    titles, sentences, vectors = real_sentences()
    folder = workdir / "articles"
    folder.mkdir(parents=True)
    write_articles(folder, size // PARAGRAPHS, titles, sentences)
    embedder = SimulatedVectors(make_embedder(), sentences, vectors)
    parts = build_parts(settings_for(workdir, chroma_url), embedder=embedder)
    parts.indexer.progress = True
    started = time.perf_counter()
    report = parts.indexer.sync(folder)
    build_s = time.perf_counter() - started
    stored = [workdir / "data", workdir / "server"]  # the embedded store, or a `chroma run` server's folder
    disk = sum(f.stat().st_size for folder in stored for f in folder.rglob("*") if f.is_file())
    return {"build_s": build_s, "build_ok": report.ok, "passages": parts.store.count(), "disk_mb": disk / 2**20}


def serve(workdir: Path, chroma_url: str | None = None) -> dict:
    """A serving process: build the chain, answer, search warm and scoped, then see an added article."""
    from bot.parts import build_parts
    from index.embeddings import make_embedder

    titles, sentences, vectors = real_sentences()
    settings = settings_for(workdir, chroma_url)
    real = make_embedder()
    chain = build_parts(settings, embedder=real).chain
    search = chain.search
    questions = _questions(titles)
    chain.invoke(questions[0])
    _embed_once(real, questions)
    latencies, scoped = [], []
    articles = sorted(search.store.articles())
    read_before = _read_bytes()
    for i, q in enumerate(questions):
        plain, one = _timed_searches(search, q, articles, i)
        latencies.append(plain)
        scoped.append(one)
    read_after = _read_bytes()
    rss_mb = _rss_mb()  # before the full rebuild below: a serving process starts from the saved state
    started = time.perf_counter()
    search.refresh()
    refresh_s = time.perf_counter() - started
    # Another writer adds one article (its own store object, as an operator's `index add` would).
    folder = workdir / "added"
    folder.mkdir()
    write_articles(folder, 1, ["Een toegevoegd artikel over zonnepanelen"], sentences, first=9_999_999)
    writer = build_parts(settings, embedder=SimulatedVectors(real, sentences, vectors)).indexer
    added = writer.add([folder])
    target = added.added[0]
    started = time.perf_counter()
    ok = False
    while time.perf_counter() - started < 120:
        search.update()  # what a running bot does before a question
        if any(h.passage.article_id == target for h in search.search(questions[1], article_ids=[target])):
            ok = True
            break
        time.sleep(0.01)
    pickup_s = time.perf_counter() - started
    return {
        "refresh_s": refresh_s,
        "rss_mb": rss_mb,
        "query_p50_ms": statistics.median(latencies),
        "query_p95_ms": _p95(latencies),
        "scoped_p95_ms": _p95(scoped),
        "disk_kb_per_search": (
            (read_after - read_before) / 1024 / (len(latencies) + len(scoped))
            if read_before is not None and read_after is not None
            else None
        ),
        "pickup_s": pickup_s if ok else None,
        "serve_ok": ok,
    }


def _questions(titles: list[str]) -> list[str]:
    """The timed questions, one per article title."""
    return [f"Wat weten we over {t.lower()}?" for t in titles[:QUERIES]]


def _embed_once(embedder: Embedder, questions: list[str]) -> None:
    """Embed the questions now and answer later embeddings from memory: the timings are the search's, not the
    model's."""
    vectors_by_query = {q: embedder.embed_query(q) for q in questions}
    embedder.embed_query = vectors_by_query.__getitem__  # type: ignore[method-assign]


def _timed_searches(search: HybridSearch, question: str, articles: list[str], i: int) -> tuple[float, float]:
    """Milliseconds of one search over the whole index and one scoped to an article (the i-th pick)."""
    started = time.perf_counter()
    search.search(question)
    plain = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    search.search(question, article_ids=[articles[(i * 7919) % len(articles)]])
    return plain, (time.perf_counter() - started) * 1000


def cold_ask(workdir: Path, chroma_url: str | None = None) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")} | {"PYTHONPATH": str(ROOT)}
    if chroma_url:
        env["CITEBOT_CHROMA_URL"] = chroma_url
    command = "import sys; from bot.cli import main; sys.argv[0] = 'citebot'; main()"  # `citebot`, from this checkout
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", command, "--data-dir", str(workdir / "data"), "ask", "Wat zei Tusk?"],
        cwd=workdir,  # no .env there
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def indexing_ratio(articles: int = 100, rounds: int = 5) -> dict:
    """`index sync` of real news articles (into a fresh store each round) vs the raw embedder on exactly the
    texts and batches that sync embedded. Each round times the raw embedder right before and right after the
    sync and compares with their mean, so a machine that slows down or speeds up during the run (this one
    does, by up to 20% within a minute) does not tilt the ratio; the median round is reported."""
    from bot.parts import build_parts
    from bot.settings import Settings
    from index.embeddings import make_embedder

    rows = load_jsonl("articles_nl.jsonl")[:articles]
    real = make_embedder()
    real.embed_documents(["opwarmen"])
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for i, row in enumerate(rows):
            (folder / f"nieuws-{i:03d}.md").write_text(news_markdown(row["title"], row["text"]), encoding="utf-8")
        calls: list[list[str]] = []
        for n in range(rounds + 1):  # round 0 only records the batches a sync embeds
            model = recording(real)
            indexer = build_parts(Settings(data_dir=Path(tmp) / f"data-{n}"), embedder=model).indexer
            before = replay_seconds(real, calls)
            started = time.perf_counter()
            indexer.sync(folder)
            sync_s = time.perf_counter() - started
            if n == 0:
                calls = model.calls
                continue
            if model.calls != calls:
                raise RuntimeError("two syncs of the same folder embedded different batches")
            raw_s = (before + replay_seconds(real, calls)) / 2  # the same texts in the same batches
            results.append({"articles": articles, "texts": sum(map(len, calls)), "sync_s": sync_s, "raw_s": raw_s})
    for r in results:
        r["ratio"] = r["sync_s"] / r["raw_s"]
    median = sorted(results, key=lambda r: r["ratio"])[len(results) // 2]
    return median | {"ratios": [round(r["ratio"], 3) for r in results]}


def _rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _read_bytes() -> int | None:
    """Bytes this process has read from disk (not from the page cache); None where /proc does not say."""
    try:
        lines = Path("/proc/self/io").read_text().splitlines()
    except OSError:
        return None
    return next((int(line.split()[1]) for line in lines if line.startswith("read_bytes:")), None)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


def _child(*args: str) -> dict:
    """Run one step in a fresh process; its last stdout line is a JSON object."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.scale", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        tail = out.stderr.strip().splitlines()[-3:]
        return {"error": " / ".join(tail) or f"exit {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_size(size: int, workdir: Path, server: bool = False) -> dict:
    """Build, ask cold and serve one size in `workdir` (kept for the side-by-side searches after all sizes)."""
    result: dict = {"passages": size}
    workdir.mkdir(parents=True)
    tmp = str(workdir)
    chroma = start_chroma(workdir / "server") if server else None
    url = ["--chroma-url", chroma[1]] if chroma else []
    try:
        result |= _child("--build", str(size), "--workdir", tmp, *url)
        if "error" not in result:
            try:
                result["cold_ask_s"] = cold_ask(workdir, chroma[1] if chroma else None)
            except subprocess.CalledProcessError as exc:
                result["error"] = f"citebot ask failed: {exc.stderr.decode(errors='replace').strip()[-300:]}"
        if "error" not in result:
            result |= _child("--serve", tmp, *url)
        if chroma:
            result["server_rss_mb"] = _rss_mb(chroma[0].pid)
    finally:
        if chroma:
            chroma[0].terminate()
            chroma[0].wait(timeout=30)
    result["ok"] = "error" not in result and result.get("build_ok", False) and result.get("serve_ok", False)
    return result


def side_by_side(workdirs: list[Path]) -> dict:
    """The same searches on every size's index in one process, interleaved (each question on each index in
    turn, the order alternating): latencies of the sizes under the same machine conditions. Separate serving
    processes measure each size minutes apart, and this machine's speed drifts within minutes."""
    from bot.parts import build_parts
    from index.embeddings import make_embedder

    titles, _, _ = real_sentences()
    real = make_embedder()
    searches = [build_parts(settings_for(w, None), embedder=real).chain.search for w in workdirs]
    questions = _questions(titles)
    _embed_once(real, questions)
    for search in searches:
        search.search(questions[0])
    articles = [sorted(search.store.articles()) for search in searches]
    latencies: list[list[float]] = [[] for _ in searches]
    scoped: list[list[float]] = [[] for _ in searches]
    for i, q in enumerate(questions):
        order = range(len(searches)) if i % 2 == 0 else reversed(range(len(searches)))
        for j in order:
            plain, one = _timed_searches(searches[j], q, articles[j], i)
            latencies[j].append(plain)
            scoped[j].append(one)
    return {
        str(w): {"side_p50_ms": statistics.median(a), "side_p95_ms": _p95(a), "side_scoped_p95_ms": _p95(b)}
        for w, a, b in zip(workdirs, latencies, scoped, strict=True)
    }


COLUMNS = [
    ("passages", "passages", "{}"),
    ("refresh_s", "refresh s", "{:.2f}"),
    ("rss_mb", "serving RSS MB", "{:.0f}"),
    ("query_p50_ms", "query p50 ms", "{:.1f}"),
    ("query_p95_ms", "query p95 ms", "{:.1f}"),
    ("scoped_p95_ms", "scoped p95 ms", "{:.1f}"),
    ("side_p50_ms", "side-by-side p50 ms", "{:.1f}"),
    ("side_p95_ms", "side-by-side p95 ms", "{:.1f}"),
    ("side_scoped_p95_ms", "side-by-side scoped p95 ms", "{:.1f}"),
    ("disk_kb_per_search", "disk KB/search", "{:.0f}"),
    ("cold_ask_s", "cold ask s", "{:.1f}"),
    ("pickup_s", "pickup s", "{:.2f}"),
    ("build_s", "build s", "{:.0f}"),
    ("disk_mb", "disk MB", "{:.0f}"),
    ("server_rss_mb", "server RSS MB", "{:.0f}"),
    ("ok", "ok", "{}"),
]


RATIOS = {
    "refresh_s": "refresh s",
    "rss_mb": "serving RSS MB",
    "query_p50_ms": "query p50 ms",
    "query_p95_ms": "query p95 ms",
    "scoped_p95_ms": "scoped p95 ms",
    "side_p50_ms": "side-by-side p50 ms",
    "side_p95_ms": "side-by-side p95 ms",
    "side_scoped_p95_ms": "side-by-side scoped p95 ms",
    "cold_ask_s": "cold ask s",
    "pickup_s": "pickup s",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--big", action="store_true", help="also 1,000,000 passages (long; not for CI)")
    parser.add_argument("--json", action="store_true", help="one JSON object per size, one per line")
    parser.add_argument("--no-indexing", action="store_true", help="skip the indexing-ratio run")
    parser.add_argument(
        "--server", action="store_true", help="index and serve through a `chroma run` server (a worker's memory)"
    )
    parser.add_argument("--chroma-url", help=argparse.SUPPRESS)
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--indexing", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--side-by-side", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side_by_side:
        print(json.dumps(side_by_side([Path(w) for w in args.side_by_side])))
        return
    if args.build:
        print(json.dumps(build(args.build, Path(args.workdir), args.chroma_url)))
        return
    if args.serve:
        print(json.dumps(serve(Path(args.serve), args.chroma_url)))
        return
    if args.indexing:
        print(json.dumps(indexing_ratio()))
        return
    if not (SHARED_BENCH / "articles_nl.jsonl").exists():
        print(f"skipped: {SHARED_BENCH / 'articles_nl.jsonl'} not found (benchmarks read ../shared/bench)")
        return
    real_sentences()  # embed the sentence pool once, before the timed children
    sizes = [int(s) for s in args.sizes.split(",")] + ([1_000_000] if args.big else [])
    results = []
    with tempfile.TemporaryDirectory(prefix="citebot-scale-") as tmp:
        workdirs = [Path(tmp) / f"size-{size}" for size in sizes]
        for size, workdir in zip(sizes, workdirs, strict=True):
            result = run_size(size, workdir, server=args.server)
            results.append(result)
            print(f"{size}: {json.dumps(result)}", file=sys.stderr, flush=True)
        if len(sizes) > 1 and not args.server and all(r["ok"] for r in results):
            # (with --server each size's Chroma server is gone by now: those columns stay empty)
            side = _child("--side-by-side", *map(str, workdirs))
            for result, workdir in zip(results, workdirs, strict=True):
                result |= side.get(str(workdir), {"side_error": side.get("error")})
    if args.json:
        for result in results:
            print(json.dumps(result), flush=True)
    indexing = None if args.no_indexing else _child("--indexing")
    if args.json:
        if indexing is not None:
            print(json.dumps({"indexing": indexing}), flush=True)
        return
    columns = [c for c in COLUMNS if any(c[0] in r for r in results)]
    rows = [[_cell(r.get(key), fmt) for key, _, fmt in columns] for r in results]
    print_table([label for _, label, _ in columns], rows)
    if len(results) > 1 and all(r["ok"] for r in results):
        first, last = results[0], results[-1]
        print(
            f"\n{last['passages']:,} / {first['passages']:,} passages: "
            + ", ".join(f"{label} {last[key] / first[key]:.1f}x" for key, label in RATIOS.items() if first.get(key))
        )
    if indexing and "error" not in indexing:
        print(
            f"\nindex sync of {indexing['articles']} news articles: {indexing['sync_s']:.1f} s; the raw embedder on the "
            f"same {indexing['texts']} texts: {indexing['raw_s']:.1f} s; ratio {indexing['ratio']:.2f}x "
            f"(median of {indexing['ratios']})"
        )
    for r in results:
        if "error" in r:
            print(f"\n{r['passages']}: {r['error']}")


def _cell(value: object, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)


if __name__ == "__main__":
    main()
