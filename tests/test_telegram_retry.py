"""with_retry: flood control and network errors are retried; errors retrying cannot fix are not."""

from __future__ import annotations

import asyncio

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.telegram.retry import with_retry


def _flaky(errors: list[Exception]):
    calls = []

    async def call() -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return "sent"

    return call, calls


def test_network_errors_and_flood_control_are_retried_until_it_works() -> None:
    call, calls = _flaky([NetworkError("reset"), TimedOut(), RetryAfter(0)])
    assert asyncio.run(with_retry(call, backoff=0.01)) == "sent" and len(calls) == 4


def test_a_bad_request_is_not_retried_and_attempts_are_bounded() -> None:
    call, calls = _flaky([BadRequest("can't parse entities")])
    with pytest.raises(BadRequest):
        asyncio.run(with_retry(call, backoff=0.01))
    assert len(calls) == 1
    call, calls = _flaky([NetworkError("down")] * 10)
    with pytest.raises(NetworkError):
        asyncio.run(with_retry(call, attempts=3, backoff=0.01))
    assert len(calls) == 3
