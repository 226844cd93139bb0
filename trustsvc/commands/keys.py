"""`trustsvc keys create|list|revoke`: mint, list and revoke API keys, each audited."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.audit.repository import AuditEntry, AuditOutcome, append
from trustsvc.auth.principal import Scope
from trustsvc.auth.repository import KeyRepository, KeyRequestError, is_active
from trustsvc.clock import utc_now
from trustsvc.commands.errors import EXIT_OK, UsageError
from trustsvc.config.settings import Settings
from trustsvc.store.migrate import schema_checked_sessions

MAX_EXPIRY_DAYS = 3650


def expiry(days: float | None, now: datetime) -> datetime | None:
    """The expiry `days` from now, checked for sense."""
    if days is None:
        return None
    if not 0 < days <= MAX_EXPIRY_DAYS:
        raise KeyRequestError(f"--expires-in is 1 to {MAX_EXPIRY_DAYS} days")
    return now + timedelta(days=days)


async def create_key(
    settings: Settings,
    name: str,
    scopes: list[Scope],
    expires_in_days: float | None,
    clock: Callable[[], datetime] = utc_now,
) -> str:
    """Mint and store a key; returns the lines to print (the token among them, once)."""
    now = clock()
    async with _session(settings) as session:
        created = await KeyRepository(session).create(
            name, scopes, now=now, expires_at=expiry(expires_in_days, now)
        )
        _audit(session, now, "keys.create", f"key:{created.row.key_id}")
        await session.commit()
    row = created.row
    until = row.expires_at.isoformat() if row.expires_at else "never"
    return (
        f"key {row.key_id} ({row.name}), scopes {row.scopes}, expires {until}\n"
        f"{created.token}\n"
        "Store it now: only its hash is kept, it cannot be shown again."
    )


async def list_keys(settings: Settings, *, include_revoked: bool, as_json: bool) -> str:
    """The keys as a table or JSON: ids, names, scopes and dates, never a secret."""
    now = utc_now()
    async with _session(settings) as session:
        rows = await KeyRepository(session).list(include_revoked=include_revoked)
    docs: list[dict[str, Any]] = [
        {
            "key_id": row.key_id,
            "name": row.name,
            "scopes": row.scopes.split(","),
            "created_at": row.created_at.isoformat(),
            "expires_at": row.expires_at.isoformat() if row.expires_at else None,
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
            "active": is_active(row, now),
        }
        for row in rows
    ]
    if as_json:
        return json.dumps(docs, indent=2)
    if not docs:
        return "no keys (the API runs open on loopback until the first key is created)"
    lines = [f"{'KEY ID':<14}{'NAME':<24}{'SCOPES':<18}{'STATE':<10}EXPIRES"]
    for doc in docs:
        state = "active" if doc["active"] else ("revoked" if doc["revoked_at"] else "expired")
        lines.append(
            f"{doc['key_id']:<14}{str(doc['name'])[:23]:<24}{','.join(doc['scopes']):<18}"
            f"{state:<10}{doc['expires_at'] or 'never'}"
        )
    return "\n".join(lines)


async def revoke_key(settings: Settings, key_id_or_name: str) -> str:
    """Revoke by id or name; running API processes stop accepting it within their cache time."""
    now = utc_now()
    async with _session(settings) as session:
        rows = await KeyRepository(session).revoke(key_id_or_name, now=now)
        for row in rows:
            _audit(session, now, "keys.revoke", f"key:{row.key_id}")
        await session.commit()
    names = ", ".join(f"{row.key_id} ({row.name})" for row in rows)
    return (
        f"revoked {names}; running API processes refuse it within {settings.access.key_cache_s:g} s"
    )


def _audit(session: AsyncSession, now: datetime, action: str, target: str) -> None:
    entry = AuditEntry(
        at=now,
        actor=f"cli:{_user()}",
        key_id=None,
        action=action,
        target=target,
        outcome=AuditOutcome.OK,
    )
    append(session, entry)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@contextlib.asynccontextmanager
async def _session(settings: Settings) -> AsyncIterator[AsyncSession]:
    async with (
        schema_checked_sessions(
            settings.database_url, auto_migrate=settings.auto_migrate
        ) as sessions,
        sessions() as session,
    ):
        yield session


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run `keys create|list|revoke` and print its answer."""
    return asyncio.run(_keys(args, settings))


async def _keys(args: argparse.Namespace, settings: Settings) -> int:
    try:
        if args.keys_command == "create":
            scopes = [Scope(scope) for scope in args.scope]
            text = await create_key(settings, args.name, scopes, args.expires_in)
        elif args.keys_command == "list":
            text = await list_keys(
                settings, include_revoked=args.all, as_json=args.format == "json"
            )
        else:
            text = await revoke_key(settings, args.key)
    except KeyRequestError as exc:
        raise UsageError(str(exc)) from exc
    print(text)  # noqa: T201 - CLI output
    return EXIT_OK
