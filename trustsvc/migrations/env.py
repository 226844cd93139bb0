"""Alembic environment: runs on a connection handed in by trustsvc.store.migrate, or on the URL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from trustsvc.advisories import models as advisory_models  # noqa: F401 - the advisories'
from trustsvc.audit import models as audit_models  # noqa: F401 - the audit log
from trustsvc.auth import models as auth_models  # noqa: F401 - API keys
from trustsvc.digests import models as digest_models  # noqa: F401 - digest subscriptions
from trustsvc.drift import models as drift_models  # noqa: F401 - drift snapshots and events
from trustsvc.registry import models as registry_models  # noqa: F401 - and the registry's
from trustsvc.schedule import models as schedule_models  # noqa: F401 - the re-probe schedule
from trustsvc.store import models  # noqa: F401 - registers the tables on Base.metadata
from trustsvc.store.db import Base, make_engine
from trustsvc.webhooks import models as webhook_models  # noqa: F401 - webhooks, deliveries

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_url(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure_and_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: set TRUSTSVC_DATABASE_URL or use `trustsvc db`")
    asyncio.run(_run_with_url(url))


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
