"""Telegram API calls that survive flood control and flaky networks, without sending anything twice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

log = logging.getLogger(__name__)
T = TypeVar("T")

# The request went out whole and only the reply was lost: Telegram may have carried it out.
_UNSURE = (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError)


def may_have_arrived(exc: BaseException) -> bool:
    """True when a failed call may still have been carried out by Telegram (repeating it could duplicate
    a message). A refused connection, a connect or pool timeout, or an error status from the server did not."""
    return isinstance(exc, TimedOut | NetworkError) and isinstance(exc.__cause__, _UNSURE)


def retry_after_seconds(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return float(wait.total_seconds() if hasattr(wait, "total_seconds") else wait)


async def with_retry(
    call: Callable[[], Awaitable[T]], attempts: int = 5, backoff: float = 1.0, repeatable: bool = False
) -> T:
    """Run `call`, waiting out RetryAfter (as long as Telegram asks) and network errors (doubling waits).
    A call that may have arrived is repeated only when it is `repeatable` (an edit, a chat action), never a
    send: that error is raised instead."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except RetryAfter as exc:
            if attempt == attempts:
                raise
            wait = retry_after_seconds(exc)
            log.warning("Telegram flood control: retrying in %.1f s", wait)
            await asyncio.sleep(wait)
        except BadRequest:  # a NetworkError subclass in PTB, but retrying cannot fix it
            raise
        except (TimedOut, NetworkError) as exc:
            if attempt == attempts or (may_have_arrived(exc) and not repeatable):
                raise
            wait = backoff * 2 ** (attempt - 1)
            log.warning("Telegram network error (%s): retrying in %.1f s", type(exc).__name__, wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")
