"""Token buckets in memory, one per key or client address.

In-process on purpose: a check costs a dict lookup, not a network round trip, and one API
process per deployment is the common case. Several API replicas each enforce the limit on
their own share of the traffic (README, Deployment).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from trustsvc.config.access import RateLimit

MAX_BUCKETS = 100_000
"""Past this many callers, buckets that have refilled completely are dropped."""


class TokenBuckets:
    """One bucket per caller, refilled continuously at the limit's rate."""

    def __init__(self, limit: RateLimit, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._limit = limit
        self._per_s = limit.per_minute / 60.0
        self._monotonic = monotonic
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, caller: str) -> float:
        """Spend one token: 0.0 when allowed, else the seconds until a token is due."""
        if self._limit.unlimited:
            return 0.0
        now = self._monotonic()
        tokens, updated = self._buckets.get(caller, (float(self._limit.burst), now))
        tokens = min(float(self._limit.burst), tokens + (now - updated) * self._per_s)
        if tokens >= 1.0:
            if len(self._buckets) >= MAX_BUCKETS and caller not in self._buckets:
                self._prune(now)
            self._buckets[caller] = (tokens - 1.0, now)
            return 0.0
        self._buckets[caller] = (tokens, now)
        return (1.0 - tokens) / self._per_s

    def _prune(self, now: float) -> None:
        full = float(self._limit.burst)
        self._buckets = {
            caller: (tokens, updated)
            for caller, (tokens, updated) in self._buckets.items()
            if tokens + (now - updated) * self._per_s < full
        }
