"""Schema migrations in code: `trustsvc db upgrade`, start-up checks, and the tests."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Callable
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from trustsvc.store.db import make_engine, make_sessionmaker

# Shipped as package data, so a wheel install migrates from anywhere (not only a checkout).
MIGRATIONS_DIR = Path(str(resources.files("trustsvc") / "migrations"))


def alembic_config(url: str | None = None) -> Config:
    """An alembic Config pointing at the migrations shipped in the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url)
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations up to `revision` on the engine's database."""
    await _run(engine, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Revert migrations down to `revision` ("base" removes everything)."""
    await _run(engine, lambda cfg: command.downgrade(cfg, revision))


@functools.cache
def head_revision() -> str | None:
    """The newest migration this code ships (read from the scripts once per process)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def schema_revision(session: AsyncSession) -> str | None:
    """The revision the database is at (None: never migrated), through `session`."""

    def current(sync_session: Session) -> str | None:
        return MigrationContext.configure(sync_session.connection()).get_current_revision()

    return await session.run_sync(current)


async def pending_revision(engine: AsyncEngine) -> str | None:
    """The head revision when the database is behind it, else None."""
    head = head_revision()

    def current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        at = await connection.run_sync(current)
    return None if at == head else head


async def _run(engine: AsyncEngine, step: Callable[[Config], None]) -> None:
    config = alembic_config()

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        step(config)

    async with engine.begin() as connection:
        await connection.run_sync(run)


class SchemaBehindError(RuntimeError):
    """The database schema is older than this code; run `trustsvc db upgrade`."""


async def ensure_schema(engine: AsyncEngine, *, auto_migrate: bool) -> None:
    """Migrate the embedded default, or refuse a schema behind head.

    Production stores are migrated explicitly, so nothing else can be mid-migration when a
    process starts.

    Raises:
        SchemaBehindError: not auto-migrating and the schema is behind head.
    """
    if auto_migrate:
        await upgrade(engine)
    elif (head := await pending_revision(engine)) is not None:
        raise SchemaBehindError(f"database schema is behind {head}: run `trustsvc db upgrade`")


@contextlib.asynccontextmanager
async def schema_checked_sessions(
    database_url: str, *, auto_migrate: bool
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions for a one-shot command: the schema ensured first, the engine disposed after."""
    engine = make_engine(database_url)
    try:
        await ensure_schema(engine, auto_migrate=auto_migrate)
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()
