"""Shared helpers for the benchmarks: where the external data lives, and printing tables."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SHARED_BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench"


def load_jsonl(name: str) -> list[dict]:
    """Rows of ../shared/bench/NAME; exits cleanly (code 0) when the data is not there."""
    path = SHARED_BENCH / name
    if not path.exists():
        print(f"skipped: {path} not found (benchmarks read ../shared/bench beside the checkout)")
        sys.exit(0)
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    """A Markdown table, ready to paste into README."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def recording(inner):
    """An embedder that passes through to `inner` and keeps every batch it was asked to embed, so a benchmark
    can time the raw model on exactly the texts (and batches) a pipeline embedded."""
    from index.embeddings import Embedder

    class Recording(Embedder):
        def __init__(self) -> None:
            self.name, self.max_tokens = inner.name, inner.max_tokens
            self.calls: list[list[str]] = []

        def count_tokens(self, text: str) -> int:
            return inner.count_tokens(text)

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            self.calls.append(list(texts))
            return inner.embed_documents(texts)

        def embed_query(self, text: str) -> list[float]:
            return inner.embed_query(text)

        def replay_seconds(self) -> float:
            """The raw model on the recorded batches, timed."""
            return replay_seconds(inner, self.calls)

    return Recording()


def replay_seconds(embedder, calls: list[list[str]]) -> float:
    """Seconds `embedder` takes to embed these batches, one call each, as they were recorded."""
    import time

    started = time.perf_counter()
    for texts in calls:
        embedder.embed_documents(texts)
    return time.perf_counter() - started


def news_markdown(title: str, text: str) -> str:
    """A news article as a Markdown file: the source texts have no paragraph breaks, so give them one every
    four sentences, as a page would."""
    from index.sentences import split_sentences

    sentences = split_sentences(text)
    body = "\n\n".join(" ".join(sentences[j : j + 4]) for j in range(0, len(sentences), 4))
    return f"# {title}\n\n{body}\n"


def start_chroma(path: Path, attempts: int = 200) -> tuple[subprocess.Popen, str]:
    """A real `chroma run` server storing under `path` and its URL; the caller stops it. The server binds port 0
    itself (the port is read from its listening socket, so nothing can take it between choosing and binding).
    Raises RuntimeError when it does not answer its heartbeat after `attempts` tries 0.1 s apart."""
    import psutil

    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    server = subprocess.Popen(
        [chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = ""
    for _ in range(attempts):
        if server.poll() is not None:
            break
        if not url:
            listening = [
                c.laddr.port
                for c in psutil.Process(server.pid).net_connections(kind="tcp")
                if c.status == psutil.CONN_LISTEN
            ]
            url = f"http://127.0.0.1:{listening[0]}" if listening else ""
        if url:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
                return server, url
            except OSError:
                pass
        time.sleep(0.1)
    server.terminate()
    server.wait(timeout=10)
    raise RuntimeError("chroma server did not start")
