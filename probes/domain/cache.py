"""A bounded, expiring, single-flight cache for domain facts.

Registration data changes on a scale of days and registries rate-limit, so many endpoints on
one registrable domain (or many scans of one endpoint) share one lookup. Concurrent callers
of the same key await the same in-flight task instead of each asking the registry; failures
are kept for a shorter time than answers, so a registry outage is retried soon.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """How long answers and failures are kept, and how many keys at most (0 ttl: no cache)."""

    ttl_s: float = 3600.0
    failure_ttl_s: float = 60.0
    max_entries: int = 10_000


@dataclass(slots=True)
class _Entry(Generic[V]):
    task: asyncio.Task[V]
    expires_at: float


class FactsCache(Generic[V]):
    """Key -> value, fetched at most once per expiry window; oldest keys evicted first."""

    def __init__(
        self,
        policy: CachePolicy,
        *,
        is_failure: Callable[[V], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._policy = policy
        self._is_failure = is_failure
        self._clock = clock
        self._entries: OrderedDict[Hashable, _Entry[V]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: Hashable, fetch: Callable[[], Awaitable[V]]) -> V:
        """The cached value for `key`, or the result of `fetch()` shared by concurrent callers.

        A fetch that raises is not cached: every waiting caller sees the exception.
        """
        if self._policy.ttl_s <= 0:
            self.misses += 1
            return await fetch()
        now = self._clock()
        entry = self._entries.get(key)
        if entry is not None and (not entry.task.done() or entry.expires_at > now):
            self.hits += 1
            self._entries.move_to_end(key)
            return await asyncio.shield(entry.task)
        self.misses += 1
        task = asyncio.ensure_future(fetch())
        entry = _Entry(task, now + self._policy.ttl_s)
        self._entries[key] = entry
        self._entries.move_to_end(key)
        task.add_done_callback(lambda done: self._settle(key, entry, done))
        while len(self._entries) > self._policy.max_entries:
            self._entries.popitem(last=False)
        return await asyncio.shield(task)

    def _settle(self, key: Hashable, entry: _Entry[V], task: asyncio.Task[V]) -> None:
        if self._entries.get(key) is not entry:
            return
        if task.cancelled() or task.exception() is not None:
            del self._entries[key]
        elif self._is_failure(task.result()):
            entry.expires_at = self._clock() + self._policy.failure_ttl_s
        else:
            entry.expires_at = self._clock() + self._policy.ttl_s
