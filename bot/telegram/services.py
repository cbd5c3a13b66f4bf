"""What the handlers need, built once at start-up and kept in `application.bot_data`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from telegram.ext import ContextTypes

from bot.chain import Chain
from bot.feedback import FeedbackStore
from bot.settings import Settings
from bot.telegram.limits import RateLimiter, Stats
from bot.telegram.outbox import Courier
from index.store import PassageStore
from index.sync import Indexer

KEY = "citebot"
MAX_KEPT_ANSWERS = 50  # source buttons of this many earlier answers per chat keep working


@dataclass
class Services:
    settings: Settings
    chain: Chain
    indexer: Indexer
    limiter: RateLimiter
    courier: Courier
    feedback: FeedbackStore | None = None  # None: FEEDBACK_ENABLED=false
    stats: Stats = field(default_factory=Stats)
    index_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def store(self) -> PassageStore:
        """The index the chain searches and the indexer writes (one store, built once)."""
        return self.indexer.store


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[KEY]
