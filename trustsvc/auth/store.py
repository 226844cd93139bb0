"""Which key a bearer token is, answered from memory for a few seconds at a time.

A database round trip per request would cost more than the lookup it guards (bench/lookup),
so verified and rejected tokens are cached for `cache_s`. The price: a key revoked in another
process keeps working for up to `cache_s` here. Expiry is checked on every request.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.auth.keys import parse_key, secret_matches
from trustsvc.auth.principal import Principal
from trustsvc.auth.repository import KeyRepository, parse_scopes

MAX_CACHED_TOKENS = 10_000
"""Beyond this many distinct tokens (a flood of made-up ones) the cache starts afresh."""


@dataclass(frozen=True, slots=True)
class _Entry:
    principal: Principal | None
    expires_at: datetime | None
    fetched_at: float


class KeyStore:
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
        self._cache_s = cache_s
        self._monotonic = monotonic
        self._tokens: dict[str, _Entry] = {}
        self._any_created: tuple[bool, float] | None = None

    async def verify(self, token: str) -> Principal | None:
        """The principal of a valid, unrevoked, unexpired key; None for anything else."""
        cache_key = hashlib.sha256(token.encode()).hexdigest()
        entry = self._tokens.get(cache_key)
        if entry is None or self._monotonic() - entry.fetched_at > self._cache_s:
            entry = await self._load(token)
            if len(self._tokens) >= MAX_CACHED_TOKENS:
                self._tokens.clear()
            self._tokens[cache_key] = entry
        if entry.expires_at is not None and entry.expires_at <= self._clock():
            return None
        return entry.principal

    async def any_created(self) -> bool:
        """Whether any key was ever created, so an `auto` deployment requires keys.

        Revoked keys count: revoking the last key must lock the API, not open it.
        """
        cached = self._any_created
        if cached is not None and self._monotonic() - cached[1] <= self._cache_s:
            return cached[0]
        async with self._sessions() as session:
            found = await KeyRepository(session).any_created()
        self._any_created = (found, self._monotonic())
        return found

    async def _load(self, token: str) -> _Entry:
        now = self._monotonic()
        parsed = parse_key(token)
        if parsed is None:
            return _Entry(principal=None, expires_at=None, fetched_at=now)
        key_id, secret = parsed
        async with self._sessions() as session:
            row = await KeyRepository(session).get(key_id)
        if (
            row is None
            or row.revoked_at is not None
            or not secret_matches(secret, row.secret_sha256)
        ):
            return _Entry(principal=None, expires_at=None, fetched_at=now)
        principal = Principal(name=row.name, key_id=row.key_id, scopes=parse_scopes(row.scopes))
        return _Entry(principal=principal, expires_at=row.expires_at, fetched_at=now)
