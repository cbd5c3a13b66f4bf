"""Per-user rate limits and the numbers /stats shows."""

from __future__ import annotations

import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class RateLimiter:
    """At most `per_minute` questions per user in any 60-second window."""

    per_minute: int
    clock: Callable[[], float] = time.monotonic
    _seen: dict[int, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def allow(self, user_id: int) -> bool:
        now = self.clock()
        window = self._seen[user_id]
        while window and now - window[0] >= 60.0:
            window.popleft()
        if len(window) >= self.per_minute:
            return False
        window.append(now)
        return True


@dataclass
class Stats:
    """Questions answered and their latency since the bot started."""

    latencies_ms: list[float] = field(default_factory=list)
    refused: int = 0
    operator_actions: Counter[str] = field(default_factory=Counter)  # "remove done", "reindex denied", ...

    def record(self, latency_ms: float, answered: bool) -> None:
        self.latencies_ms.append(latency_ms)
        self.refused += not answered

    def percentiles(self) -> tuple[float, float]:
        if not self.latencies_ms:
            return (0.0, 0.0)
        p50, p95 = np.percentile(self.latencies_ms, [50, 95])
        return float(p50), float(p95)
