"""Which key a bearer token is, answered from memory for a few seconds at a time.

A database round trip per request would cost more than the lookup it guards (bench/lookup),
so verified and rejected tokens are cached for `cache_s`, and refreshed by one query at a time.
The price: a key revoked in another process keeps working for up to twice `cache_s` here (the
cache period, then one more while the refresh runs). Expiry is checked on every request.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.auth.keys import parse_key, secret_matches
from trustsvc.auth.principal import Principal
from trustsvc.auth.repository import KeyRepository, parse_scopes

T = TypeVar("T")

MAX_CACHED_TOKENS = 10_000
"""Beyond this many distinct tokens (a flood of made-up ones) the cache starts afresh."""


@dataclass(frozen=True, slots=True)
class _Entry:
    principal: Principal | None
    expires_at: datetime | None


class _SingleFlight(Generic[T]):
    """A cache whose misses and refreshes run one query per key, however many ask at once.

    While a value is refreshed, callers within one more `ttl_s` get the previous value
    instead of queueing for a database connection behind a burst of scans; a first miss
    waits for the one query in flight.
    """

    def __init__(self, ttl_s: float, monotonic: Callable[[], float], max_entries: int) -> None:
        self._ttl_s = ttl_s
        self._monotonic = monotonic
        self._max_entries = max_entries
        self._values: dict[str, tuple[T, float]] = {}
        self._loading: dict[str, asyncio.Future[T]] = {}

    async def get(self, key: str, load: Callable[[], Awaitable[T]]) -> T:
        hit = self._values.get(key)
        age = None if hit is None else self._monotonic() - hit[1]
        if hit is not None and age is not None and age < self._ttl_s:
            return hit[0]
        loading = self._loading.get(key)
        if loading is None:
            loading = asyncio.ensure_future(self._fill(key, load))
            loading.add_done_callback(_retrieve)
            self._loading[key] = loading
        if hit is not None and age is not None and age < 2 * self._ttl_s:
            return hit[0]
        return await asyncio.shield(loading)

    async def _fill(self, key: str, load: Callable[[], Awaitable[T]]) -> T:
        try:
            value = await load()
            if len(self._values) >= self._max_entries:
                self._values.clear()
            self._values[key] = (value, self._monotonic())
            return value
        finally:
            self._loading.pop(key, None)


def _retrieve(future: asyncio.Future[Any]) -> None:
    """Mark a background refresh's failure as seen; a waiting caller re-raises it."""
    if not future.cancelled():
        future.exception()


class KeyCache:
    """Verifies bearer tokens against `api_keys`, with a short-lived cache."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Callable[[], datetime],
        cache_s: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._tokens = _SingleFlight[_Entry](cache_s, monotonic, MAX_CACHED_TOKENS)
        self._created = _SingleFlight[bool](cache_s, monotonic, 1)

    async def verify(self, token: str) -> Principal | None:
        """The principal of a valid, unrevoked, unexpired key; None for anything else."""
        cache_key = hashlib.sha256(token.encode()).hexdigest()
        entry = await self._tokens.get(cache_key, lambda: self._load(token))
        if entry.expires_at is not None and entry.expires_at <= self._clock():
            return None
        return entry.principal

    async def any_created(self) -> bool:
        """Whether any key was ever created, so an `auto` deployment requires keys.

        Revoked keys count: revoking the last key must lock the API, not open it.
        """
        return await self._created.get("", self._query_any_created)

    async def _query_any_created(self) -> bool:
        async with self._sessions() as session:
            return await KeyRepository(session).any_created()

    async def _load(self, token: str) -> _Entry:
        parsed = parse_key(token)
        if parsed is None:
            return _Entry(principal=None, expires_at=None)
        key_id, secret = parsed
        async with self._sessions() as session:
            row = await KeyRepository(session).get(key_id)
        if (
            row is None
            or row.revoked_at is not None
            or not secret_matches(secret, row.secret_sha256)
        ):
            return _Entry(principal=None, expires_at=None)
        principal = Principal(name=row.name, key_id=row.key_id, scopes=parse_scopes(row.scopes))
        return _Entry(principal=principal, expires_at=row.expires_at)
