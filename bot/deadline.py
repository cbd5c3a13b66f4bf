"""One deadline per question (LLM_TIMEOUT), for every model call the question makes: condensing and generation.

`question_deadline` sets it for the current context; `run_within` runs a model call in a worker thread and
stops waiting at the deadline; `DeadlineTransport` enforces it where a hung or trickling server would
otherwise hold a thread: in the HTTP client itself. Every read waits at most the time left, and a stream
is cut at the deadline even when the server keeps sending keep-alive comments, so the thread that streamed
ends too (nothing outlives the question).
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from typing import TypeVar

import httpx

T = TypeVar("T")
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("citebot_question_deadline", default=None)


class DeadlinePassed(TimeoutError):
    """The question's time for model calls is used up."""


@contextmanager
def question_deadline(seconds: float) -> Iterator[None]:
    """Model calls inside this block share `seconds` from now (a nested block cannot extend it)."""
    ends = time.monotonic() + seconds
    outer = _DEADLINE.get()
    token = _DEADLINE.set(ends if outer is None else min(outer, ends))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left for the current question, or None outside one."""
    ends = _DEADLINE.get()
    return None if ends is None else ends - time.monotonic()


def run_within(pool: Executor, call: Callable[[], T], limit: float) -> T:
    """`call()` in `pool` (with this context, so it sees the deadline); DeadlinePassed after `limit` seconds
    or at the question's deadline, whichever comes first."""
    left = remaining()
    wait = limit if left is None else min(limit, left)
    if wait <= 0:
        raise DeadlinePassed("no time left for the model")
    future = pool.submit(contextvars.copy_context().run, call)
    try:
        return future.result(timeout=wait)
    except FutureTimeout:
        raise DeadlinePassed(f"no answer within {wait:.1f} s") from None


class DeadlineTransport(httpx.BaseTransport):
    """An httpx transport that holds every request to the question's deadline (outside a question it only
    passes requests on)."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        ends = _DEADLINE.get()
        if ends is None:
            return self.inner.handle_request(request)
        left = ends - time.monotonic()
        if left <= 0:
            raise httpx.ReadTimeout("the question's deadline has passed", request=request)
        asked = request.extensions.get("timeout", {})
        request.extensions["timeout"] = {
            name: left if asked.get(name) is None else min(asked[name], left)
            for name in ("connect", "read", "write", "pool")
        }
        response = self.inner.handle_request(request)
        response.stream = _DeadlineStream(response.stream, request, ends)  # type: ignore[arg-type]
        return response

    def close(self) -> None:
        self.inner.close()


class _DeadlineStream(httpx.SyncByteStream):
    """A response body that ends with ReadTimeout at the deadline, however often the server sends bytes."""

    def __init__(self, inner: httpx.SyncByteStream, request: httpx.Request, ends: float) -> None:
        self.inner, self.request, self.ends = inner, request, ends

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            if time.monotonic() > self.ends:
                raise httpx.ReadTimeout("the question's deadline has passed", request=self.request)
            yield chunk

    def close(self) -> None:
        self.inner.close()
