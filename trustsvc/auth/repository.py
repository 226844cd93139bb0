"""Named queries over API keys: mint, list, revoke, find the one a request presents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.auth.keys import mint_key
from trustsvc.auth.models import ApiKeyRow
from trustsvc.auth.principal import Scope

MAX_NAME_LENGTH = 128


class KeyRequestError(ValueError):
    """A key cannot be created or revoked as asked (duplicate name, unknown key)."""


@dataclass(frozen=True, slots=True)
class CreatedKey:
    """The stored row and the token, which exists nowhere else after this."""

    row: ApiKeyRow
    token: str


def parse_scopes(raw: str) -> frozenset[Scope]:
    """Scopes from their stored comma-separated form."""
    return frozenset(Scope(part) for part in raw.split(",") if part)


def is_active(row: ApiKeyRow, now: datetime) -> bool:
    """Neither revoked nor expired at `now`."""
    return row.revoked_at is None and (row.expires_at is None or row.expires_at > now)


class KeyRepository:
    """API keys in one session; the caller commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(
        self, name: str, scopes: Iterable[Scope], *, now: datetime, expires_at: datetime | None
    ) -> CreatedKey:
        """Mint a key; a name is unique among active keys so the audit log stays readable."""
        name = name.strip()
        wanted = sorted(set(scopes), key=lambda scope: scope.rank)
        if not name or len(name) > MAX_NAME_LENGTH or not name.isprintable():
            raise KeyRequestError(f"a key name is 1-{MAX_NAME_LENGTH} printable characters")
        if not wanted:
            raise KeyRequestError("a key needs at least one scope (read, scan, admin)")
        if expires_at is not None and expires_at <= now:
            raise KeyRequestError("the expiry is in the past")
        if any(is_active(row, now) for row in await self._named(name)):
            raise KeyRequestError(f"an active key is already named {name!r}; revoke it first")
        minted = mint_key()
        row = ApiKeyRow(
            key_id=minted.key_id,
            name=name,
            secret_sha256=minted.secret_sha256,
            scopes=",".join(scope.value for scope in wanted),
            created_at=now,
            expires_at=expires_at,
            revoked_at=None,
        )
        self._session.add(row)
        await self._session.flush()
        return CreatedKey(row=row, token=minted.token)

    async def list(self, *, include_revoked: bool = False) -> Sequence[ApiKeyRow]:
        """Keys, oldest first."""
        query = select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.key_id)
        if not include_revoked:
            query = query.where(ApiKeyRow.revoked_at.is_(None))
        return (await self._session.scalars(query)).all()

    async def revoke(self, key_id_or_name: str, *, now: datetime) -> Sequence[ApiKeyRow]:
        """Revoke the key with this id, or the active keys with this name."""
        rows = (
            await self._session.scalars(
                select(ApiKeyRow)
                .where(or_(ApiKeyRow.key_id == key_id_or_name, ApiKeyRow.name == key_id_or_name))
                .where(ApiKeyRow.revoked_at.is_(None))
            )
        ).all()
        if not rows:
            raise KeyRequestError(f"no unrevoked key has the id or name {key_id_or_name!r}")
        for row in rows:
            row.revoked_at = now
        await self._session.flush()
        return rows

    async def get(self, key_id: str) -> ApiKeyRow | None:
        """The key with this public id, whatever its state."""
        return await self._session.get(ApiKeyRow, key_id)

    async def any_active(self, now: datetime) -> bool:
        """Whether any key could authenticate a request now."""
        query = (
            select(ApiKeyRow.key_id)
            .where(ApiKeyRow.revoked_at.is_(None))
            .where(or_(ApiKeyRow.expires_at.is_(None), ApiKeyRow.expires_at > now))
            .limit(1)
        )
        return (await self._session.scalar(query)) is not None

    async def any_created(self) -> bool:
        """Whether a key was ever created, revoked or not."""
        return (await self._session.scalar(select(ApiKeyRow.key_id).limit(1))) is not None

    async def _named(self, name: str) -> Sequence[ApiKeyRow]:
        return (await self._session.scalars(select(ApiKeyRow).where(ApiKeyRow.name == name))).all()
