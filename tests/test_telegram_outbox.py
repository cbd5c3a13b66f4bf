"""No reply lost, none sent twice: the outbox against a Bot API stand-in that goes down, hangs up before
replying, or is gone while the bot restarts (the real Application, chain and index; Telegram is the fake)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.telegram.outbox import Outbox
from index.embeddings import Embedder
from tests.botapi import BotApi, message
from tests.test_telegram import QUESTION, Setup, replies, run_bot


@pytest.fixture
def setup(tmp_path: Path, embedder: Embedder) -> Setup:
    return Setup(tmp_path, embedder)


QUESTIONS = ["Hoe hoorde Loekasjenko over de invasie?", "Wat wil Loekasjenko met de Krim?"]


async def received(api: BotApi, count: int) -> None:
    """Wait until the bot has taken `count` questions (it says it is typing for each)."""
    await replies(api, None, count, method="sendChatAction")  # type: ignore[arg-type]


def test_an_outage_longer_than_retries_used_to_last_loses_no_answer(setup: Setup) -> None:
    chats = [11, 12, 13]

    async def scenario(api: BotApi) -> None:
        for chat in chats:
            for question in QUESTIONS:
                api.push(message(question, chat_id=chat, user_id=chat))
        await received(api, len(chats) * len(QUESTIONS))
        api.down = True
        await asyncio.sleep(16)  # the old retries gave up after 15 s
        assert api.sent("sendMessage") == []
        api.down = False
        for chat in chats:
            answers = await replies(api, chat, count=2, timeout=30)
            # Once each, in the order asked: the Krim answer second.
            assert len(answers) == 2 and "Krim" not in answers[0]["text"] and "Krim" in answers[1]["text"]
            assert all("[1]" in a["text"] for a in answers)
        await asyncio.sleep(1)
        assert len(api.sent("sendMessage")) == 6

    run_bot(setup, scenario, rate_limit_per_minute=100)
    assert Outbox(setup.settings.data_dir / "telegram-outbox.sqlite3").pending() == []


def test_a_send_that_may_have_arrived_is_not_repeated(setup: Setup, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(api: BotApi) -> None:
        api.lose_reply["sendMessage"] = 1
        api.push(message(QUESTION))
        await replies(api, 1)
        api.push(message("/help"))
        sent = await replies(api, 1, count=2)
        await asyncio.sleep(1)
        assert len(api.sent("sendMessage", 1)) == 2 and "[1]" in sent[0]["text"] and "/articles" in sent[1]["text"]

    with caplog.at_level(logging.WARNING):
        run_bot(setup, scenario)
    assert any("may have arrived" in r.getMessage() for r in caplog.records)


def test_an_answer_computed_during_an_outage_is_delivered_after_a_restart(setup: Setup) -> None:
    outbox = Outbox(setup.settings.data_dir / "telegram-outbox.sqlite3")

    async def outage(api: BotApi) -> None:
        # Sends fail (getUpdates still works, so the bot can stop cleanly), then the bot is stopped.
        api.failures["sendMessage"] = [(500, {"description": "Internal Server Error"})] * 1000
        api.push(message(QUESTION))
        for _ in range(200):
            if outbox.pending():
                break
            await asyncio.sleep(0.05)
        assert len(outbox.pending()) == 1  # kept on disk while Telegram fails
        await asyncio.sleep(1)

    run_bot(setup, outage)
    assert len(outbox.pending()) == 1

    async def back(api: BotApi) -> None:
        answer = (await replies(api, 1))[0]
        assert "[1]" in answer["text"] and answer["reply_parameters"]["allow_sending_without_reply"]

    run_bot(setup, back)
    assert outbox.pending() == []
