"""Readers' 👍/👎 in Telegram (the real Application against the Bot API stand-in), kept privately, and turned into
a prompt-lab suite with two commands that the prompt lab then runs."""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.evaluate.suite import load_suite
from index.embeddings import Embedder
from tests.botapi import BotApi, message, user
from tests.test_telegram import ADMIN, QUESTION, Setup, replies, run_bot

READER, OTHER = 987654321, 555666777
runner = CliRunner()
_presses = itertools.count(1)


@pytest.fixture
def setup(tmp_path: Path, embedder: Embedder) -> Setup:
    return Setup(tmp_path, embedder)


def press(api: BotApi, data: str, user_id: int, chat_id: int = READER) -> str:
    """A reader taps an inline button under the bot's message; returns the callback id."""
    callback = f"cb{next(_presses)}"
    chat = {"id": chat_id, "type": "private"}
    api.push(
        {
            "callback_query": {
                "id": callback,
                "from": user(user_id),
                "chat_instance": "ci",
                "data": data,
                "message": {"message_id": 5, "date": 0, "chat": chat, "text": "x"},
            }
        }
    )
    return callback


async def answered(api: BotApi, callback: str) -> dict:
    for _ in range(200):
        done = [c for c in api.sent("answerCallbackQuery") if c["callback_query_id"] == callback]
        if done:
            return done[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"callback {callback} was not answered")


def buttons(sent: dict) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for row in sent["reply_markup"]["inline_keyboard"] for b in row}


def test_votes_become_a_suite_case_in_two_commands(setup: Setup, tmp_path: Path) -> None:
    async def scenario(api: BotApi) -> None:
        api.push(message(QUESTION, chat_id=READER, user_id=READER))
        first = buttons((await replies(api, READER))[0])
        assert first["📄 [1]"].startswith("src:") and {"👍", "👎"} <= set(first)
        assert "we bekijken" in (await answered(api, press(api, first["👎"], READER)))["text"]
        await answered(api, press(api, first["👍"], READER))  # a second tap changes the vote...
        await answered(api, press(api, first["👎"], READER))  # ...and back: still one vote
        await answered(api, press(api, first["👍"], OTHER))  # another reader disagrees: net zero, not reported

        api.push(message("En hoe oud is zijn vriendin?", chat_id=READER, user_id=READER))  # a follow-up
        second = buttons((await replies(api, READER, count=2))[1])
        assert "📄 [1]" not in second  # refused: no sources, but votes
        await answered(api, press(api, second["👎"], READER))
        forged = press(api, "fb:999:down", READER)
        assert (await answered(api, forged))["show_alert"]

        api.push(message("/stats", chat_id=ADMIN, user_id=ADMIN))
        stats = (await replies(api, ADMIN))[0]["text"]
        assert "feedback: 👍 1, 👎 2" in stats and "answers delivered: 2 (waiting 0, dropped 0" in stats

    run_bot(setup, scenario)
    data = setup.settings.data_dir
    stored = (data / "feedback.sqlite3").read_bytes()
    assert str(READER).encode() not in stored and str(OTHER).encode() not in stored  # ids only as salted hashes

    cli = lambda *args: runner.invoke(app, ["--data-dir", str(data), *args])  # noqa: E731
    votes = json.loads(cli("feedback", "list", "--json").stdout)
    assert sorted(v["vote"] for v in votes) == [-1, -1, 1]

    suite_path = tmp_path / "suites" / "feedback.yaml"
    exported = cli("feedback", "export", str(suite_path))
    assert exported.exit_code == 0, exported.output
    suite = load_suite(suite_path)  # valid like any suite
    (case,) = suite.cases
    assert case.known_failure == "reported by a reader"
    assert [t.question for t in case.turns] == [QUESTION, "En hoe oud is zijn vriendin?"]
    assert [p.name for p in suite.articles] == ["loekasjenko-interview-2023-08.txt"]

    ran = cli("prompts", "test", str(suite_path))  # the prompt lab runs it (a known failure is no failed run)
    assert ran.exit_code == 0, ran.output


def test_feedback_can_be_turned_off(setup: Setup) -> None:
    async def scenario(api: BotApi) -> None:
        api.push(message(QUESTION, chat_id=READER, user_id=READER))
        assert set(buttons((await replies(api, READER))[0])) == {"📄 [1]"}

    run_bot(setup, scenario, feedback_enabled=False)
    assert not (setup.settings.data_dir / "feedback.sqlite3").exists()
