"""Answers kept until Telegram has them: a computed answer is written to DATA_DIR/telegram-outbox.sqlite3 before
the first attempt to send it and removed once every part is delivered. A courier task per chat delivers its
answers in the order their questions were asked, waits out outages with growing pauses (up to TELEGRAM_OUTBOX_SECONDS, then the answer is
dropped with a log line) and resumes after a restart. A send whose request reached Telegram but whose reply
was lost may have been delivered: it is not sent again (an answer twice is worse than a log line).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from telegram import Bot, InlineKeyboardMarkup, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.telegram.retry import may_have_arrived, retry_after_seconds

log = logging.getLogger(__name__)


@dataclass
class Letter:
    """One answer for one chat: its HTML parts, the buttons under the last, and how far delivery got."""

    id: int
    chat_id: int
    parts: list[str]
    markup: dict | None = None  # InlineKeyboardMarkup.to_dict()
    reply_to: int | None = None  # the question's message
    replaces: int | None = None  # a status message that the first part replaces (edited in place)
    sent: int = 0  # parts delivered so far
    created: float = 0.0


class Outbox:
    """The persisted letters (SQLite, one row each, JSON inside: nothing that can run code when loaded)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS letters (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT)")
        self._lock = threading.Lock()

    def put(self, letter: Letter) -> Letter:
        with self._lock:
            cursor = self._db.execute("INSERT INTO letters (body) VALUES (?)", (self._body(letter),))
        letter.id = int(cursor.lastrowid or 0)
        return letter

    def pending(self, chat_id: int | None = None) -> list[Letter]:
        """Undelivered letters, oldest first (a damaged row is dropped with a warning)."""
        with self._lock:
            rows = self._db.execute("SELECT id, body FROM letters ORDER BY id").fetchall()
        letters = []
        for row_id, body in rows:
            try:
                letter = Letter(**(json.loads(body) | {"id": row_id}))
            except (TypeError, ValueError) as exc:
                log.warning("outbox: dropping unreadable letter %s (%s)", row_id, exc)
                self.remove(row_id)
                continue
            if chat_id is None or letter.chat_id == chat_id:
                letters.append(letter)
        return letters

    def advance(self, letter: Letter) -> None:
        with self._lock:
            self._db.execute("UPDATE letters SET body = ? WHERE id = ?", (self._body(letter), letter.id))

    def remove(self, letter_id: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM letters WHERE id = ?", (letter_id,))

    @staticmethod
    def _body(letter: Letter) -> str:
        fields = {k: v for k, v in letter.__dict__.items() if k != "id"}
        return json.dumps(fields, ensure_ascii=False)


class Courier:
    """Delivers the outbox: one task per chat with letters, so chats never wait for each other."""

    def __init__(
        self, bot: Bot, outbox: Outbox, keep_seconds: float = 600.0, pause: float = 1.0, max_pause: float = 5.0
    ) -> None:
        self.bot, self.outbox = bot, outbox
        self.keep_seconds, self.pause, self.max_pause = keep_seconds, pause, max_pause
        self._chats: dict[int, asyncio.Task] = {}
        self._answering: dict[int, set[int]] = {}  # chat -> questions (message ids) still being answered
        self._released: dict[int, asyncio.Event] = {}
        self.delivered = self.dropped = self.unsure = 0

    @contextmanager
    def answering(self, chat_id: int, message_id: int) -> Iterator[None]:
        """While a question is answered, answers to later questions of its chat wait for it (chats answer
        questions concurrently, but each chat reads its answers in the order it asked)."""
        self._answering.setdefault(chat_id, set()).add(message_id)
        try:
            yield
        finally:
            waiting = self._answering[chat_id]
            waiting.discard(message_id)
            if not waiting:
                del self._answering[chat_id]
            if chat_id in self._released:
                self._released[chat_id].set()

    def post(
        self,
        chat_id: int,
        parts: list[str],
        markup: InlineKeyboardMarkup | None = None,
        reply_to: int | None = None,
        replaces: int | None = None,
    ) -> Letter:
        """Keep an answer (on disk) and start delivering it after the chat's earlier ones."""
        letter = Letter(0, chat_id, parts, markup.to_dict() if markup else None, reply_to, replaces, 0, time.time())
        self.outbox.put(letter)
        self._wake(chat_id)
        return letter

    def resume(self) -> int:
        """Start delivering what an earlier run left in the outbox; returns how many letters wait."""
        pending = self.outbox.pending()
        for chat_id in dict.fromkeys(letter.chat_id for letter in pending):
            self._wake(chat_id)
        if pending:
            log.info("outbox: %d undelivered answer(s) from before; delivering", len(pending))
        return len(pending)

    async def stop(self) -> None:
        """Stop delivering (undelivered letters stay in the outbox for the next start)."""
        tasks = list(self._chats.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._chats.clear()

    def _wake(self, chat_id: int) -> None:
        if chat_id not in self._chats:
            self._chats[chat_id] = asyncio.get_running_loop().create_task(self._run(chat_id))

    async def _run(self, chat_id: int) -> None:
        try:
            while letters := sorted(self.outbox.pending(chat_id), key=lambda x: (x.reply_to or 0, x.id)):
                head = letters[0]
                if any(earlier < (head.reply_to or 0) for earlier in self._answering.get(chat_id, ())):
                    released = self._released.setdefault(chat_id, asyncio.Event())
                    released.clear()
                    await released.wait()  # an earlier question of this chat is still being answered
                    continue
                await self._deliver(head)
        finally:
            self._chats.pop(chat_id, None)
            self._released.pop(chat_id, None)

    async def _deliver(self, letter: Letter) -> None:
        failures = 0
        while letter.sent < len(letter.parts):
            try:
                await self._send(letter, letter.sent)
            except RetryAfter as exc:  # flood control: Telegram refused it, so wait as asked and send again
                await asyncio.sleep(retry_after_seconds(exc))
                continue
            except (BadRequest, Forbidden) as exc:  # no retry can fix these (bot blocked, chat gone, bad HTML)
                return self._drop(letter, f"refused by Telegram ({exc})")
            except (TimedOut, NetworkError) as exc:
                if may_have_arrived(exc):
                    self.unsure += 1
                    log.warning(
                        "outbox: part %d of an answer to chat %s may have arrived (%s); not sending it again",
                        letter.sent + 1,
                        letter.chat_id,
                        type(exc.__cause__ or exc).__name__,
                    )
                else:
                    if time.time() - letter.created > self.keep_seconds:
                        return self._drop(letter, f"Telegram unreachable for {self.keep_seconds:g} s ({exc})")
                    failures += 1
                    await asyncio.sleep(min(self.pause * 2 ** (failures - 1), self.max_pause))
                    continue
            except TelegramError as exc:
                return self._drop(letter, f"{type(exc).__name__}: {exc}")
            letter.sent += 1
            self.outbox.advance(letter)
        self.outbox.remove(letter.id)
        self.delivered += 1

    def _drop(self, letter: Letter, why: str) -> None:
        self.dropped += 1
        self.outbox.remove(letter.id)
        log.warning(
            "outbox: dropped an answer to chat %s after %d of %d parts: %s",
            letter.chat_id,
            letter.sent,
            len(letter.parts),
            why,
        )

    async def _send(self, letter: Letter, index: int) -> None:
        last = index == len(letter.parts) - 1
        markup = InlineKeyboardMarkup.de_json(letter.markup, self.bot) if letter.markup and last else None
        if index == 0 and letter.replaces is not None:
            try:
                await self.bot.edit_message_text(
                    letter.parts[0],
                    chat_id=letter.chat_id,
                    message_id=letter.replaces,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    disable_web_page_preview=True,
                )
                return
            except BadRequest as exc:  # the status message is gone or cannot be edited: send the answer fresh
                if "not modified" in str(exc).lower():
                    return
                log.info("outbox: could not edit the status message (%s); sending the answer", exc)
                letter.replaces = None
                self.outbox.advance(letter)
        reply = (
            ReplyParameters(letter.reply_to, allow_sending_without_reply=True)
            if letter.reply_to and index == 0
            else None
        )
        await self.bot.send_message(
            letter.chat_id,
            letter.parts[index],
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            reply_parameters=reply,
            disable_web_page_preview=True,
        )
