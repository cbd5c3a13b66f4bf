"""The real PTB Application, long-polling a local Bot API stand-in (tests/botapi.py), with the real chain,
real Chroma and the real embedding model. Asserts on what the bot sent, as a Telegram user would see it."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shutil
import sqlite3
from collections.abc import Awaitable, Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pydantic import SecretStr
from telegram.ext import Application

from bot.chain import Chain, build_chain, open_store
from bot.parts import build_parts
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.html import TELEGRAM_LIMIT, answer_html, split_html
from index.embeddings import Embedder
from index.sync import Indexer
from tests.botapi import BotApi, message, user
from tests.conftest import SAMPLE
from tests.fakes import ScriptedChatModel, first_sentence

TOKEN = "123456:SECRET-test-token-do-not-log"
ADMIN, USER = 42, 7
QUESTION = "Hoe hoorde Loekasjenko over de invasie?"


class Setup:
    """An articles folder and index of its own, so /add and /remove do not disturb other tests."""

    def __init__(self, root: Path, embedder: Embedder) -> None:
        self.articles = root / "articles"
        self.articles.mkdir()
        shutil.copy(SAMPLE, self.articles / SAMPLE.name)
        self.settings = Settings(
            data_dir=root / "data",
            articles_dir=self.articles,
            telegram_bot_token=SecretStr(TOKEN),
            admin_user_ids=frozenset({ADMIN}),
        )
        store = open_store(self.settings, embedder)
        assert store.embeddings is not None
        self.indexer = Indexer(store, store.embeddings)
        assert self.indexer.sync(self.articles).ok
        self.chain = build_chain(self.settings, embedder=embedder, store=store)


@pytest.fixture
def setup(tmp_path: Path, embedder: Embedder) -> Setup:
    return Setup(tmp_path, embedder)


Scenario = Callable[[BotApi], Awaitable[None]]


Starter = Callable[[Application, Settings], Awaitable[object]]


async def start_polling(application: Application, settings: Settings) -> None:
    await application.updater.start_polling(poll_interval=0.0, timeout=1)


def run_bot(
    setup: Setup, scenario: Scenario, chain: Chain | None = None, start: Starter = start_polling, **overrides: object
) -> BotApi:
    """Start the real Application against a fresh stand-in server (long polling unless `start` says
    otherwise), run the scenario, stop it."""
    api = BotApi(TOKEN)
    base = api.start()
    settings = setup.settings.model_copy(update={"telegram_api_base_url": base, **overrides})

    async def main() -> None:
        parts = build_parts(settings, embedder=setup.chain.search.embedder, store=setup.indexer.store)
        parts.chain = chain or setup.chain
        application = build_application(parts)
        async with application:  # the steps of Application.run_polling, hooks included
            await application.post_init(application)  # type: ignore[misc]
            await application.start()
            await start(application, settings)
            try:
                await scenario(api)
            finally:
                await application.updater.stop()
                await application.stop()
                await application.post_stop(application)  # type: ignore[misc]

    try:
        asyncio.run(main())
    finally:
        api.stop()
    return api


async def replies(
    api: BotApi, chat_id: int, count: int = 1, method: str = "sendMessage", timeout: float = 30
) -> list[dict]:
    """Wait until the bot has sent `count` messages to the chat."""
    for _ in range(int(timeout / 0.05)):
        sent = api.sent(method, chat_id)
        if len(sent) >= count:
            return sent
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} {method} to chat {chat_id}, got {api.sent(method, chat_id)}")


async def quiet(api: BotApi, chat_id: int, seconds: float = 1.5) -> None:
    await asyncio.sleep(seconds)
    assert api.sent("sendMessage", chat_id) == []


class TagChecker(HTMLParser):
    """Telegram's HTML: only its tags, every one closed."""

    ALLOWED = {"b", "i", "u", "s", "code", "pre", "a", "blockquote"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        assert tag in self.ALLOWED, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, tag


def well_formed(html: str) -> None:
    checker = TagChecker()
    checker.feed(html)
    checker.close()
    assert checker.stack == []


def test_a_question_gets_a_cited_answer_and_the_source_button_shows_the_passage(setup: Setup) -> None:
    async def scenario(api: BotApi) -> None:
        api.push(message(QUESTION))
        answer = (await replies(api, 1))[0]
        assert answer["parse_mode"] == "HTML"
        text = answer["text"]
        assert "Net zoals iedereen hoorde Loekasjenko het nieuws destijds op televisie. [1]" in text
        assert "<b>Bronnen</b>" in text and "Loekasjenko interview (2023-08), alinea 1" in text
        well_formed(text)
        assert api.sent("sendChatAction", 1)[0]["action"] == "typing"
        button = answer["reply_markup"]["inline_keyboard"][0][0]
        api.push(
            {
                "callback_query": {
                    "id": "cb1",
                    "from": user(1),
                    "chat_instance": "ci",
                    "data": button["callback_data"],
                    "message": {"message_id": 5, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "x"},
                }
            }
        )
        passage = (await replies(api, 1, count=2))[1]["text"]
        assert "<b>Net zoals iedereen hoorde Loekasjenko het nieuws destijds op televisie.</b>" in passage
        assert len(passage) > len("Net zoals iedereen hoorde Loekasjenko het nieuws destijds op televisie.") + 100
        assert api.sent("answerCallbackQuery")[0]["callback_query_id"] == "cb1"

    run_bot(setup, scenario)


def test_follow_ups_use_history_which_survives_a_restart_and_reset_clears_it(setup: Setup) -> None:
    follow_up = "En wanneer zou hij ze inzetten?"

    async def first(api: BotApi) -> None:
        api.push(message("Zou Wit-Rusland kernwapens gebruiken?"))
        await replies(api, 1)
        api.push(message(follow_up, chat_id=2, user_id=2))  # another chat has no history
        assert "Dat staat niet in de artikelen" in (await replies(api, 2))[0]["text"]

    async def after_restart(api: BotApi) -> None:
        api.push(message(follow_up))
        answer = (await replies(api, 1))[0]["text"]
        assert "[1]" in answer and "als zijn land wordt aangevallen" in answer
        api.push(message("/reset"))
        await replies(api, 1, count=2)
        api.push(message(follow_up))
        assert "Dat staat niet in de artikelen" in (await replies(api, 1, count=3))[2]["text"]

    run_bot(setup, first)
    run_bot(setup, after_restart)  # a new Application: history comes from the persistence file


def test_operators_add_a_document_and_everyone_else_is_refused(setup: Setup, caplog: pytest.LogCaptureFixture) -> None:
    article = (
        "date 2024-05-01\nNieuw artikel\n\nDe gemeenteraad van Gent keurde de nieuwe fietsbrug over de Leie goed.\n"
    )
    caption = {"caption": "/add", "caption_entities": [{"type": "bot_command", "offset": 0, "length": 4}]}

    def document(user_id: int, name: str, file_id: str) -> dict:
        doc = {"file_id": file_id, "file_unique_id": file_id, "file_name": name, "file_size": 10}
        return message(None, chat_id=user_id, user_id=user_id, document=doc, **caption)

    async def scenario(api: BotApi) -> None:
        api.files["f1"] = article.encode()
        api.files["broken"] = b"\x00\x01\x02 not an article"
        api.push(document(USER, "gent.txt", "f1"))
        assert "alleen beheerders" in (await replies(api, USER))[0]["text"]
        assert api.sent("getFile") == []

        api.push(document(ADMIN, "broken.html", "broken"))
        refused = (await replies(api, ADMIN))[0]["text"]
        assert "broken.html</b> was not added: binary file" in refused and "/tmp" not in refused
        assert not (setup.articles / "broken.html").exists()

        api.push(document(ADMIN, "gent.txt", "f1"))
        report = (await replies(api, ADMIN, count=2))[1]["text"]
        assert "added: <code>gent</code>" in report and "added 1" in report
        assert (setup.articles / "gent.txt").read_text() == article

        api.push(message("Wat keurde de gemeenteraad van Gent goed?", chat_id=USER, user_id=USER))
        answer = (await replies(api, USER, count=2))[1]["text"]
        assert "fietsbrug over de Leie" in answer and "Nieuw artikel (2024-05-01)" in answer

        api.push(message("/stats", chat_id=ADMIN, user_id=ADMIN))
        stats = (await replies(api, ADMIN, count=3))[2]["text"]
        assert "articles: 2" in stats and "questions answered: 1" in stats and "latency p50" in stats

        api.push(message("/remove gent", chat_id=USER, user_id=USER))
        assert "alleen beheerders" in (await replies(api, USER, count=3))[2]["text"]
        api.push(message("/remove gent", chat_id=ADMIN, user_id=ADMIN))
        assert "removed: <code>gent</code>" in (await replies(api, ADMIN, count=4))[3]["text"]
        api.push(message("/reindex", chat_id=ADMIN, user_id=ADMIN))
        assert "gent" not in (await replies(api, ADMIN, count=5))[4]["text"]  # the file moved to .removed/
        api.push(message("/stats", chat_id=ADMIN, user_id=ADMIN))
        counted = (await replies(api, ADMIN, count=6))[5]["text"]
        assert "add denied 1" in counted and "remove denied 1" in counted and "remove done 1" in counted

    with caplog.at_level(logging.INFO, logger="citebot.audit"):
        run_bot(setup, scenario)
    assert set(setup.indexer.store.articles()) == {"loekasjenko-interview-2023-08"}
    audit = [r.getMessage() for r in caplog.records if r.name == "citebot.audit"]
    assert f"audit user={USER} action=remove target='gent' result=denied" in audit
    assert f"audit user={ADMIN} action=remove target='gent' result=done" in audit
    assert f"audit user={ADMIN} action=add target='gent.txt' result=done" in audit


def test_in_groups_only_mentions_replies_and_ask_are_answered(setup: Setup) -> None:
    group = {"chat_id": -100, "chat_type": "group"}

    async def scenario(api: BotApi) -> None:
        ignored = message(QUESTION, **group)
        api.push(ignored)
        await quiet(api, -100)
        mention = message(
            f"@citebot_test_bot {QUESTION}", entities=[{"type": "mention", "offset": 0, "length": 17}], **group
        )
        api.push(mention)
        assert "[1]" in (await replies(api, -100))[0]["text"]
        api.push(message(f"/ask {QUESTION}", **group))
        sent = await replies(api, -100, count=2)
        assert "[1]" in sent[1]["text"]
        # The barrier: both later messages were answered, and nothing ever answered the first one.
        answered = [m["reply_parameters"]["message_id"] for m in api.sent("sendMessage", -100)]
        assert len(answered) == 2 and ignored["message"]["message_id"] not in answered

    run_bot(setup, scenario)


def test_rate_and_length_limits(setup: Setup) -> None:
    async def scenario(api: BotApi) -> None:
        for _ in range(3):
            api.push(message(QUESTION))
            await asyncio.sleep(0.3)
        texts = [m["text"] for m in await replies(api, 1, count=3)]
        assert sum("[1]" in t for t in texts) == 2 and sum("maximaal 2 vragen per minuut" in t for t in texts) == 1
        api.push(message("Waarom " * 30, chat_id=2, user_id=2))
        assert "te lang" in (await replies(api, 2))[0]["text"]

    run_bot(setup, scenario, rate_limit_per_minute=2, max_question_chars=100)
    assert len(setup.indexer.store.articles()) == 1


def test_flood_control_is_waited_out_and_the_reply_arrives(setup: Setup) -> None:
    async def scenario(api: BotApi) -> None:
        api.failures["sendMessage"] = [
            (429, {"description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}})
        ]
        api.push(message(QUESTION))
        sent = await replies(api, 1, count=2)
        assert sent[0]["text"] == sent[1]["text"] and "[1]" in sent[1]["text"]

    run_bot(setup, scenario)


def test_html_hostile_article_text_is_escaped(setup: Setup) -> None:
    (setup.articles / "hostile.txt").write_text(
        'Test <script> & "quotes"\n\nDe <b>raad</b> besliste dat 3 < 5 & "alles" goed is voor de watertoren van Brugge.\n',
        encoding="utf-8",
    )
    assert setup.indexer.sync(setup.articles).ok
    setup.chain.refresh()

    async def scenario(api: BotApi) -> None:
        api.push(message("Wat besliste de raad over de watertoren van Brugge?"))
        text = (await replies(api, 1))[0]["text"]
        well_formed(text)
        assert "De &lt;b&gt;raad&lt;/b&gt; besliste dat 3 &lt; 5 &amp; &quot;alles&quot;" in text

    run_bot(setup, scenario)


def test_non_text_messages_get_a_friendly_explanation_and_other_chats_are_ignored(setup: Setup) -> None:
    sticker = {
        "file_id": "s",
        "file_unique_id": "s",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }

    async def scenario(api: BotApi) -> None:
        api.push(message(None, language="en", sticker=sticker))
        assert "I only read text" in (await replies(api, 1))[0]["text"]
        api.push(message(QUESTION, chat_id=3, user_id=3))
        await quiet(api, 3)
        api.push(message("/help", chat_id=1, user_id=1))  # the barrier: a later update is handled...
        await replies(api, 1, count=2)
        assert api.sent("sendMessage", 3) == []  # ...and the other chat still got nothing

    run_bot(setup, scenario, allowed_chat_ids=frozenset({1}))


def test_start_explains_in_the_users_language(setup: Setup) -> None:
    async def scenario(api: BotApi) -> None:
        api.push(message("/start", language="en"))
        english = (await replies(api, 1))[0]["text"]
        api.push(message("/help", chat_id=2, user_id=2))
        dutch = (await replies(api, 2))[0]["text"]
        assert "I know 1 article(s)" in english and "Ik ken nu 1 artikel(s)" in dutch
        api.push(message("/articles", chat_id=2, user_id=2))
        listing = (await replies(api, 2, count=2))[1]
        assert "Loekasjenko interview (2023-08)" in listing["text"]
        assert listing["reply_markup"]["inline_keyboard"][-1][0]["callback_data"] == "scope:"

    run_bot(setup, scenario)


def test_the_token_never_appears_in_the_logs(setup: Setup, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(api: BotApi) -> None:
        api.push(message(QUESTION))
        await replies(api, 1)

    with caplog.at_level(logging.DEBUG):
        run_bot(setup, scenario)
    assert caplog.records and TOKEN not in caplog.text and "SECRET-test-token" not in caplog.text


@pytest.mark.parametrize("size", [5000, 12000])
def test_long_answers_are_split_into_valid_messages(setup: Setup, size: int) -> None:
    answer = setup.chain.invoke(QUESTION)
    answer.text = ("Een lange zin met <tekens> & meer. " * (size // 34))[:size]
    answer.citations = answer.citations * 3
    html = answer_html(answer)
    parts = split_html(html)
    assert len(parts) >= 2
    for part in parts:
        assert len(part) <= TELEGRAM_LIMIT
        well_formed(part)
    plain = lambda s: re.sub(r"<[^>]+>|\s", "", s)  # noqa: E731
    assert plain("".join(parts)) == plain(html)


def test_a_streamed_answer_shows_only_checked_sentences_and_other_chats_are_not_blocked(setup: Setup) -> None:
    """A slow generative answer (a fake hosted LLM, ~6 s): a private chat sees drafts (sendMessageDraft), a group
    one status message edited in place; both show only checked sentences, and /help elsewhere is not held up."""
    settings = setup.settings.model_copy(update={"answerer": "llm", "llm_timeout": 30.0})
    invented = "Xi Jinping belde hem die ochtend. [1]"
    llm = ScriptedChatModel(
        reply=lambda p: f"{first_sentence(p, 1)} [1]. {first_sentence(p, 2)} [2]. {invented}",
        token_delay=0.15,
        prompts=[],
    )
    chain = build_chain(settings, embedder=setup.chain.search.embedder, store=setup.indexer.store, llm=llm)
    group = {"chat_id": -100, "chat_type": "group"}

    async def scenario(api: BotApi) -> None:
        api.push(message(QUESTION))
        api.push(message(f"/ask {QUESTION}", user_id=2, **group))
        await asyncio.sleep(0.5)
        api.push(message("/help", chat_id=2, user_id=3))
        await replies(api, 2)
        assert api.sent("sendMessage", 1) == []  # the private answer is still being written

        final = (await replies(api, 1, timeout=60))[0]
        drafts = [d["text"] for d in api.sent("sendMessageDraft", 1)]
        assert all(d.startswith("⏳") for d in drafts) and any("[1]" in d for d in drafts)
        assert all(d["parse_mode"] == "HTML" for d in api.sent("sendMessageDraft", 1))
        assert not any("Xi Jinping" in d for d in drafts)  # the unsupported sentence was never shown...
        assert "Xi Jinping" not in final["text"] and "<b>Bronnen</b>" in final["text"]  # ...nor answered
        well_formed(final["text"])

        for _ in range(200):
            edits = api.sent("editMessageText", -100)
            if edits and "<b>Bronnen</b>" in edits[-1]["text"]:
                break
            await asyncio.sleep(0.05)
        status = api.sent("sendMessage", -100)
        assert len(status) == 1 and status[0]["text"].startswith("⏳")  # one status message, then edits of it
        assert not any("Xi Jinping" in e["text"] for e in edits)
        assert "<b>Bronnen</b>" in edits[-1]["text"]
        assert edits[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"].startswith("src:")

    run_bot(setup, scenario, chain=chain)


def test_sources_scope_buttons_and_a_failing_question_reply_briefly(setup: Setup, monkeypatch) -> None:
    def scope_press(data: str) -> dict:
        chat = {"id": 1, "type": "private"}
        return {
            "callback_query": {
                "id": "s",
                "from": user(1),
                "chat_instance": "c",
                "data": data,
                "message": {"message_id": 9, "date": 0, "chat": chat, "text": "x"},
            }
        }

    async def scenario(api: BotApi) -> None:
        api.push(message(QUESTION))
        await replies(api, 1)
        api.push(message("/sources"))
        again = (await replies(api, 1, count=2))[1]
        assert "Net zoals iedereen hoorde Loekasjenko" in again["text"] and again["reply_markup"]["inline_keyboard"]
        api.push(scope_press("scope:loekasjenko-interview-2023-08"))
        assert "Ik zoek nu alleen in: Loekasjenko interview" in (await replies(api, 1, count=3))[2]["text"]
        api.push(scope_press("scope:"))
        assert "alle artikelen" in (await replies(api, 1, count=4))[3]["text"]

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("/srv/secret/path exploded")

        monkeypatch.setattr(setup.chain, "invoke", broken)
        api.push(message(QUESTION))
        error = (await replies(api, 1, count=5))[4]["text"]
        assert error == "Er ging iets mis bij het beantwoorden. Probeer het nog eens." and "/srv" not in error
        monkeypatch.undo()
        api.push(message(QUESTION))
        assert "[1]" in (await replies(api, 1, count=6))[5]["text"]  # the bot is still running

    run_bot(setup, scenario)


def test_edits_channel_posts_and_forged_buttons_are_ignored_cleanly(setup: Setup) -> None:
    async def scenario(api: BotApi) -> None:
        asked = message(QUESTION)["message"]
        api.push({"edited_message": {**asked, "edit_date": asked["date"] + 5}})
        api.push({"channel_post": {**asked, "chat": {"id": -1009, "type": "channel"}}})
        forged = {"id": "cb-forged", "from": user(1), "chat_instance": "1", "data": "src:abc:1"}
        api.push(
            {"callback_query": {**forged, "message": {**asked, "from": {"id": 999, "is_bot": True, "first_name": "b"}}}}
        )
        api.push({"callback_query": {**forged, "id": "cb-inline", "inline_message_id": "x", "data": "src:1:1"}})
        api.push({"callback_query": {**forged, "id": "cb-scope", "inline_message_id": "x", "data": "scope:all"}})
        # The barrier: a new question after them is answered, and it is the only message sent.
        api.push(message("Wat wil Loekasjenko met de Krim?"))
        await replies(api, 1)
        for _ in range(100):
            if len(api.sent("answerCallbackQuery")) == 3:
                break
            await asyncio.sleep(0.05)
        alerts = {c["callback_query_id"]: c for c in api.sent("answerCallbackQuery")}
        assert set(alerts) == {"cb-forged", "cb-inline", "cb-scope"}
        assert all(a["text"] == "Dat antwoord is te oud; stel de vraag opnieuw." for a in alerts.values())
        assert len(api.sent("sendMessage")) == 1 and api.sent("sendMessage", -1009) == []

    run_bot(setup, scenario)


def _damaged(kind: str, state: Path) -> bytes:
    """A chat-state file that a crash or a disk error could leave behind."""
    if kind == "garbage":
        return b"not a database at all" * 100
    db = sqlite3.connect(state)
    db.execute("CREATE TABLE chats (chat_id INTEGER PRIMARY KEY, data TEXT NOT NULL)")
    db.executemany(
        "INSERT INTO chats VALUES (?, ?)", [(i, json.dumps({"history": [["q" * 200, "a" * 400]]})) for i in range(200)]
    )
    db.commit()
    db.close()
    whole = state.read_bytes()
    return whole[: len(whole) // 2]


@pytest.mark.parametrize("kind", ["truncated", "garbage"])
def test_damaged_chat_state_is_moved_aside_and_the_bot_starts(
    setup: Setup, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    state = setup.settings.data_dir / "telegram-chats.sqlite3"
    damage = _damaged(kind, state)
    state.write_bytes(damage)

    async def scenario(api: BotApi) -> None:
        api.push(message(QUESTION))
        assert "[1]" in (await replies(api, 1))[0]["text"]

    run_bot(setup, scenario)
    aside = list(state.parent.glob("telegram-chats.sqlite3.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damage
    assert any("moved it to telegram-chats.sqlite3.damaged-" in r.getMessage() for r in caplog.records)
    assert sqlite3.connect(state).execute("SELECT count(*) FROM chats").fetchone() == (1,)  # this chat, kept


def test_chat_state_is_json_that_cannot_run_code(setup: Setup) -> None:
    """What a chat keeps survives a restart as plain JSON, and /sources still works from it."""

    async def ask(api: BotApi) -> None:
        api.push(message(QUESTION))
        await replies(api, 1)

    run_bot(setup, ask)
    rows = sqlite3.connect(setup.settings.data_dir / "telegram-chats.sqlite3").execute("SELECT data FROM chats")
    kept = json.loads(rows.fetchone()[0])
    assert kept["history"][0][0] == QUESTION and kept["answers"]["1"]["citations"]

    async def sources(api: BotApi) -> None:
        api.push(message("/sources"))
        sent = (await replies(api, 1))[0]
        assert "[1]" in sent["text"] and sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "src:1:1"

    run_bot(setup, sources)
