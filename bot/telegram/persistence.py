"""Chat state on disk (history, scope, source buttons) as JSON rows in SQLite: DATA_DIR/telegram-chats.sqlite3.

Loading it cannot run code (unlike a pickle), every write is one SQLite transaction (a crash never leaves a
half-written file), and a file that is not a readable database is moved aside
(`telegram-chats.sqlite3.damaged-<time>`) with a warning: the bot starts with fresh chat state instead of
not at all. Only chat data is kept; the state of earlier versions (`telegram-chats.pickle`) is not read.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

log = logging.getLogger(__name__)


class ChatStatePersistence(BasePersistence[dict, dict, dict]):
    def __init__(self, path: Path, update_interval: float = 5) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, user_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self.path = path
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            old = self.path.with_name("telegram-chats.pickle")
            if old.exists() and not self.path.exists():
                log.warning("chat state moved to %s; %s is not read (conversations start afresh)", self.path.name, old)
            try:
                self._db = self._open()
            except sqlite3.DatabaseError as exc:
                aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
                os.replace(self.path, aside)
                log.warning(
                    "chat state %s could not be read (%s); moved it to %s and starting with fresh chat state",
                    self.path,
                    exc,
                    aside.name,
                )
                self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            db.execute("CREATE TABLE IF NOT EXISTS chats (chat_id INTEGER PRIMARY KEY, data TEXT NOT NULL)")
            db.execute("SELECT chat_id, data FROM chats").fetchall()  # every page readable
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    async def get_chat_data(self) -> dict[int, dict]:
        chats: dict[int, dict] = {}
        for chat_id, data in self._connection().execute("SELECT chat_id, data FROM chats"):
            try:
                chats[int(chat_id)] = json.loads(data)
            except ValueError:
                log.warning("chat state of chat %s is unreadable; that chat starts afresh", chat_id)
        return chats

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        body = json.dumps(data, ensure_ascii=False, default=_plain)
        self._connection().execute("INSERT OR REPLACE INTO chats (chat_id, data) VALUES (?, ?)", (chat_id, body))

    async def drop_chat_data(self, chat_id: int) -> None:
        self._connection().execute("DELETE FROM chats WHERE chat_id = ?", (chat_id,))

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        pass

    async def flush(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # Only chat data is stored (store_data says so); PTB still needs these to exist.
    async def get_user_data(self) -> dict[int, dict]:
        return {}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> dict:
        return {}

    async def update_conversation(self, name: str, key: Any, new_state: object | None) -> None:
        pass

    async def update_user_data(self, user_id: int, data: dict) -> None:
        pass

    async def update_bot_data(self, data: dict) -> None:
        pass

    async def update_callback_data(self, data: Any) -> None:
        pass

    async def drop_user_data(self, user_id: int) -> None:
        pass

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        pass

    async def refresh_bot_data(self, bot_data: dict) -> None:
        pass


def _plain(value: object) -> object:
    """Tuples and sets as lists; anything else that JSON cannot hold is a bug worth a clear error."""
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"chat state holds a {type(value).__name__}, which is not kept")
