"""Webhook mode: the real PTB Application serving its webhook on a local port, registered with the local Bot API
stand-in, and updates posted to it as Telegram (or an attacker) would post them."""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr, ValidationError
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings
from bot.telegram.webhook import SECRET_FILE, WebhookError, listening_socket, webhook_options, webhook_path
from index.embeddings import Embedder
from tests.botapi import BotApi, message
from tests.test_telegram import ADMIN, QUESTION, Setup, replies, run_bot

URL = "https://bot.example.org/telegram/citebot-hook"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
ARTICLE = "loekasjenko-interview-2023-08"

Poster = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def setup(tmp_path: Path, embedder: Embedder) -> Setup:
    return Setup(tmp_path, embedder)


def run_webhook_bot(setup: Setup, scenario: Callable[[BotApi, Poster, str], Awaitable[None]]) -> BotApi:
    """Serve the bot's webhook on a free loopback port; `post(update, secret=..., path=...)` sends one update."""
    served: dict = {}

    async def start(application: Application, settings: Settings) -> None:
        sock = listening_socket(settings)
        served["port"], served["options"] = sock.getsockname()[1], webhook_options(settings, sock)
        await application.updater.start_webhook(**served["options"], allowed_updates=Update.ALL_TYPES)

    async def posting(api: BotApi) -> None:
        ids = itertools.count(1)
        async with httpx.AsyncClient(timeout=10) as client:

            async def post(
                update: dict, secret: str | None = None, path: str = "/telegram/citebot-hook"
            ) -> httpx.Response:
                headers = {HEADER: secret} if secret is not None else {}
                url = f"http://127.0.0.1:{served['port']}{path}"
                return await client.post(url, json={"update_id": next(ids), **update}, headers=headers)

            await scenario(api, post, served["options"]["secret_token"])

    return run_bot(setup, posting, start=start, telegram_webhook_url=URL, telegram_webhook_port=0)


def test_an_update_with_the_secret_is_answered_and_forged_ones_change_nothing(setup: Setup) -> None:
    async def scenario(api: BotApi, post: Poster, secret: str) -> None:
        registered = api.sent("setWebhook")[-1]
        assert registered["url"] == URL and registered["secret_token"] == secret

        forged = message(f"/remove {ARTICLE}", chat_id=ADMIN, user_id=ADMIN)
        assert (await post(forged)).status_code == 403  # no secret
        assert (await post(forged, secret="guessed-" + secret[:10])).status_code == 403  # a wrong one
        assert (await post(forged, secret=secret, path="/")).status_code == 404  # not the URL's path

        # The barrier: a genuine update after the forged ones is answered, and it is the only reply.
        assert (await post(message(QUESTION, chat_id=ADMIN, user_id=ADMIN), secret=secret)).status_code == 200
        answer = (await replies(api, ADMIN))[0]["text"]
        assert "Loekasjenko het nieuws destijds op televisie" in answer
        assert len(api.sent("sendMessage", ADMIN)) == 1

    run_webhook_bot(setup, scenario)
    assert (setup.articles / f"{ARTICLE}.txt").exists()
    assert list(setup.indexer.store.articles()) == [ARTICLE]


def test_the_generated_secret_is_private_and_survives_a_restart(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, telegram_webhook_url=URL, telegram_webhook_port=0)
    with listening_socket(settings) as sock:
        first = webhook_options(settings, sock)["secret_token"]
        again = webhook_options(settings, sock)["secret_token"]
    assert first == again and len(first) >= 32
    kept = tmp_path / SECRET_FILE
    assert kept.read_text().strip() == first
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    assert sock.family.name == "AF_INET" and settings.telegram_webhook_listen == "127.0.0.1"

    configured = settings.model_copy(update={"telegram_webhook_secret": SecretStr("operator-chosen_secret-1")})
    with listening_socket(configured) as sock:
        assert webhook_options(configured, sock)["secret_token"] == "operator-chosen_secret-1"


def test_webhook_settings_that_cannot_work_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="Telegram's rule"):
        Settings(telegram_webhook_secret=SecretStr("has spaces and ünicode"))
    with pytest.raises(WebhookError, match="https:// URL"):
        webhook_path("bot.example.org/hook")
    with pytest.raises(WebhookError, match="query"):
        webhook_path("https://bot.example.org/hook?token=1")
    assert webhook_path("https://bot.example.org") == "/"
    settings = Settings(data_dir=tmp_path, telegram_webhook_port=0)
    with listening_socket(settings) as taken:
        busy = settings.model_copy(update={"telegram_webhook_port": taken.getsockname()[1]})
        with pytest.raises(WebhookError, match="cannot listen on 127.0.0.1"):
            listening_socket(busy)
