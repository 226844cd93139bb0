"""Alembic owns the schema: upgrade, downgrade and the autogenerate check on both backends."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from trustsvc.db import make_engine
from trustsvc.migrate import _run, downgrade, pending_revision, upgrade

TABLES = {"endpoints", "scans", "attempts", "findings", "scores", "alembic_version"}


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_upgrade_downgrade_upgrade_and_models_match_migrations(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert await pending_revision(engine) is not None
        await upgrade(engine)
        assert await pending_revision(engine) is None
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == TABLES
        # `alembic check` raises when the models and the migrations disagree.
        await _run(engine, command.check)
        await downgrade(engine, "base")
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == {"alembic_version"}
        await upgrade(engine)
        assert await pending_revision(engine) is None
    finally:
        await engine.dispose()
