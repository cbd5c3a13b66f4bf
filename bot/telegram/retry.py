"""Telegram API calls that survive flood control and flaky networks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

log = logging.getLogger(__name__)
T = TypeVar("T")


async def with_retry(call: Callable[[], Awaitable[T]], attempts: int = 5, backoff: float = 1.0) -> T:
    """Run `call`, waiting out RetryAfter (as long as Telegram asks) and network errors (doubling waits)."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except RetryAfter as exc:
            if attempt == attempts:
                raise
            wait = exc.retry_after.total_seconds() if hasattr(exc.retry_after, "total_seconds") else exc.retry_after
            log.warning("Telegram flood control: retrying in %.1f s", wait)
            await asyncio.sleep(float(wait))
        except BadRequest:  # a NetworkError subclass in PTB, but retrying cannot fix it
            raise
        except (TimedOut, NetworkError) as exc:
            if attempt == attempts:
                raise
            wait = backoff * 2 ** (attempt - 1)
            log.warning("Telegram network error (%s): retrying in %.1f s", type(exc).__name__, wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")
