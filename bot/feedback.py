"""Readers' votes on answers (👍/👎 in Telegram), kept in DATA_DIR/feedback.sqlite3, and 👎 answers turned into
prompt-lab cases (`citebot feedback export SUITE.yaml`).

One vote per reader per answer; voting again replaces it. Who voted is kept only as a salted hash (the salt is
made once and kept in DATA_DIR/feedback-salt, mode 0600), and so is the chat: a private chat's id is its
user's id. What is kept of the answer: the question, the chat's previous turn, the answer text, the cited and
retrieved passage ids, so that the case can be replayed.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.privatefile import write_private
from index.history import utc_stamp
from index.passages import parse_passage_id
from index.store import ArticleRecord

SALT_FILE = "feedback-salt"
REPORTED = "reported by a reader"


@dataclass(frozen=True)
class Vote:
    answer_key: str  # hashed chat + the answer's number in it
    voter: str  # hashed user id
    vote: int  # +1 or -1
    at: str
    answer: dict[str, Any]  # question, previous, text, language, answered, cited, retrieved, quotes


class FeedbackStore:
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self._salt = _salt(data_dir / SALT_FILE)
        self._db = sqlite3.connect(data_dir / "feedback.sqlite3", check_same_thread=False, isolation_level=None)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS votes (answer_key TEXT, voter TEXT, vote INTEGER, at TEXT, answer TEXT,"
            " PRIMARY KEY (answer_key, voter))"
        )
        self._lock = threading.Lock()

    def hashed(self, value: int | str) -> str:
        return hashlib.sha256(f"{self._salt}:{value}".encode()).hexdigest()[:16]

    def vote(self, chat_id: int, number: int | str, user_id: int, vote: int, answer: dict[str, Any]) -> None:
        """Record a reader's vote on an answer; a second vote by the same reader replaces the first."""
        key = f"{self.hashed(chat_id)}:{number}"
        row = (key, self.hashed(user_id), vote, utc_stamp(), json.dumps(answer, ensure_ascii=False))
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO votes VALUES (?, ?, ?, ?, ?)", row)

    def votes(self) -> list[Vote]:
        with self._lock:
            rows = self._db.execute("SELECT answer_key, voter, vote, at, answer FROM votes ORDER BY at").fetchall()
        return [Vote(k, v, int(n), at, json.loads(a)) for k, v, n, at, a in rows]

    def counts(self) -> tuple[int, int]:
        """(👍, 👎) over all answers."""
        with self._lock:
            row = self._db.execute("SELECT sum(vote > 0), sum(vote < 0) FROM votes").fetchone()
        return int(row[0] or 0), int(row[1] or 0)


def _salt(path: Path) -> str:
    if path.exists():
        kept = path.read_text(encoding="ascii").strip()
        if len(kept) >= 32:
            return kept
    salt = secrets.token_hex(32)
    write_private(path, salt)
    return salt


def reported_answers(votes: list[Vote]) -> list[tuple[dict[str, Any], int]]:
    """Answers with more 👎 than 👍 (each with its 👎 count), oldest first."""
    tally: dict[str, int] = {}
    down: dict[str, int] = {}
    answers: dict[str, dict] = {}
    for v in votes:
        tally[v.answer_key] = tally.get(v.answer_key, 0) + v.vote
        down[v.answer_key] = down.get(v.answer_key, 0) + (v.vote < 0)
        answers.setdefault(v.answer_key, v.answer)
    return [(answers[k], down[k]) for k in answers if tally[k] < 0]


def suite_from_feedback(
    votes: list[Vote], catalog: dict[str, ArticleRecord], suite_path: Path, name: str = "reader-feedback"
) -> dict[str, Any]:
    """A prompt-lab suite (see bot/evaluate/suite.py) with one case per 👎 answer: the question (after the
    chat's previous turn, for follow-ups), `known_failure` until an operator sets `evidence` or
    `unanswerable`, and what the reader saw under `reported`."""
    cases = []
    articles: dict[str, str] = {}
    for answer, down in reported_answers(votes):
        passages = [parse_passage_id(p) for p in answer.get("cited", []) + answer.get("retrieved", [])]
        for article_id in [p[0] for p in passages if p]:
            record = catalog.get(article_id)
            if record and Path(record.path).is_file():
                articles.setdefault(
                    article_id, os.path.relpath(Path(record.path).resolve(), suite_path.parent.resolve())
                )
        digest = hashlib.sha256(json.dumps(answer, sort_keys=True).encode()).hexdigest()[:8]
        case: dict[str, Any] = {"id": f"reader-{digest}", "known_failure": REPORTED}
        previous = answer.get("previous")
        if previous:
            case["turns"] = [{"question": previous}, {"question": answer["question"]}]
        else:
            case["question"] = answer["question"]
        case["reported"] = {
            "answer": answer.get("text", ""),
            "answered": answer.get("answered", False),
            "cited": answer.get("cited", []),
            "retrieved": answer.get("retrieved", []),
            "thumbs_down": down,
        }
        cases.append(case)
    return {
        "name": name,
        "description": "Answers readers marked 👎 in Telegram. Set evidence or unanswerable per case, then drop known_failure.",
        "articles": sorted(articles.values()),
        "cases": cases,
    }


def write_suite(suite: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(suite, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
