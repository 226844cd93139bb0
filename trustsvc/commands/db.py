"""`trustsvc db upgrade`: migrate the configured database to the latest revision."""

from __future__ import annotations

import argparse
import asyncio

from trustsvc.commands.errors import EXIT_OK
from trustsvc.config.settings import Settings
from trustsvc.store.db import make_engine
from trustsvc.store.migrate import upgrade


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Upgrade the schema (the only `db` sub-command)."""
    del args
    return asyncio.run(_db(settings))


async def _db(settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    print("database schema is up to date")  # noqa: T201 - CLI output
    return EXIT_OK
