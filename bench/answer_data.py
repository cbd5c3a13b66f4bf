"""The answer benchmarks' data: XQuAD-NL with only even paragraphs indexed, and the news question set.

XQuAD-NL: every even paragraph (`xquad-nl-aAA-pPP`, PP even) is indexed as an article; questions about
an indexed paragraph are answerable (the answer must cite it first), questions about an odd paragraph
are unanswerable by construction, with the same article's other paragraphs indexed as hard negatives.
Articles a00-a23 are the tuning half (fit and tune only there), a24-a47 the test half (report only).

The same XQuAD questions are also asked of indexes that hold one XQuAD article each ("xquad-topic"): the
situation of a reader who indexed one news article (the sample), where every passage is about the same
story and an index's word statistics come from a few passages.

News: all 200 Dutch news articles of ../shared/bench are indexed; `bench/news_questions.json` holds our
own questions about 21 of them (short evidence quotes only, never article texts).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import load_jsonl

NEWS_QUESTIONS = Path(__file__).with_name("news_questions.json")
SAMPLE_QUESTIONS = Path(__file__).with_name("threshold_questions.json")
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Question:
    """One benchmark question; `gold` is the article it must cite first (None: unanswerable)."""

    id: str
    text: str
    language: str
    gold: str | None
    half: str  # tune | test
    answer: str | None = None  # a piece of text that must be in the quote, when known
    history: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    set: str = "xquad"  # xquad | xquad-topic (one XQuAD article per index) | news | sample
    topic: str = ""  # the source article (XQuAD: aAA): cross-validation keeps an article's questions together


def xquad_half(passage_id: str) -> str:
    return "tune" if int(re.search(r"-a(\d+)-", passage_id).group(1)) < 24 else "test"  # type: ignore[union-attr]


def _even(passage_id: str) -> bool:
    return int(passage_id.rsplit("-p", 1)[1]) % 2 == 0


def write_xquad_articles(folder: Path) -> int:
    """The even paragraphs as article files; returns how many."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [r for r in load_jsonl("xquad_nl_passages.jsonl") if _even(r["passage_id"])]
    for row in rows:
        (folder / f"{row['passage_id']}.txt").write_text(row["text"], encoding="utf-8")
    return len(rows)


def xquad_questions() -> list[Question]:
    """Every XQuAD-NL question twice (Dutch, English original); odd paragraphs are unanswerable."""
    out = []
    for row in load_jsonl("xquad_nl.jsonl"):
        pid = row["passage_id"].lower()
        gold = pid if _even(pid) else None
        answer = row["answer"] if row["answer_match"] != "none" else None
        half = xquad_half(pid)
        topic = pid.rsplit("-p", 1)[0]
        out.append(Question(row["id"], row["question"], "nl", gold, half, answer, topic=topic))
        out.append(Question(row["id"] + "-en", row["question_en"], "en", gold, half, answer, topic=topic))
    return out


def xquad_topics(half: str) -> list[str]:
    """The XQuAD articles ("xquad-nl-a05") of one half."""
    rows = load_jsonl("xquad_nl_passages.jsonl")
    return sorted({r["passage_id"].lower().rsplit("-p", 1)[0] for r in rows if xquad_half(r["passage_id"]) == half})


def topic_writer(topic: str) -> Callable[[Path], int]:
    """Writes only one XQuAD article's even paragraphs: an index of one story in a few passages, as a reader
    who indexed one news article has (the same questions, with no other story's passages around)."""

    def write(folder: Path) -> int:
        folder.mkdir(parents=True, exist_ok=True)
        rows = load_jsonl("xquad_nl_passages.jsonl")
        rows = [r for r in rows if _even(r["passage_id"]) and r["passage_id"].lower().rsplit("-p", 1)[0] == topic]
        for row in rows:
            (folder / f"{row['passage_id']}.txt").write_text(row["text"], encoding="utf-8")
        return len(rows)

    return write


def write_sample_articles(folder: Path) -> int:
    """The sample article(s) of data/articles."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = sorted((ROOT / "data" / "articles").glob("*.txt"))
    for path in paths:
        shutil.copy(path, folder / path.name)
    return len(paths)


def write_news_articles(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    rows = load_jsonl("articles_nl.jsonl")
    for row in rows:
        text = f"date {row['date']}\n\n{row['text']}" if row.get("date") else row["text"]
        (folder / f"{row['id']}.txt").write_text(text, encoding="utf-8")
    return len(rows)


def news_questions() -> list[Question]:
    """Our own questions about 21 news articles (bench/news_questions.json)."""
    spec = json.loads(NEWS_QUESTIONS.read_text(encoding="utf-8"))
    out = []
    for article in spec["articles"]:
        for i, q in enumerate(article["questions"]):
            history = tuple((h, "") for h in q.get("after", []))
            out.append(
                Question(
                    f"{article['id']}-{i}",
                    q["q"],
                    "en" if q.get("en") else "nl",
                    None if q.get("unanswerable") else article["id"],
                    article["half"],
                    q.get("a"),
                    history,
                    "news",
                    article["id"],
                )
            )
    return out


def sample_questions() -> list[Question]:
    """Own questions about the sample article (bench/threshold_questions.json): tuning material only."""
    from bot.language import detect_language

    spec = json.loads(SAMPLE_QUESTIONS.read_text(encoding="utf-8"))
    article = Path(spec["article"]).stem
    out = [
        Question(f"sample-{i}", q, detect_language(q), article, "tune", evidence, set="sample", topic="sample")
        for i, (q, evidence) in enumerate(spec["answerable"])
    ]
    out += [
        Question(f"sample-u{i}", q, detect_language(q), None, "tune", set="sample", topic="sample")
        for i, q in enumerate(spec["unanswerable"])
    ]
    return out
