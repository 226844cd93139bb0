"""Shared fixtures: one fresh database per test, on SQLite and (when configured) PostgreSQL.

PostgreSQL runs when TRUSTSVC_TEST_POSTGRES_URL names a server database we may create
databases from; `.ci/run` and scripts/test.sh always set it, so CI never skips those tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

POSTGRES_ENV = "TRUSTSVC_TEST_POSTGRES_URL"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def pytest_configure(config: pytest.Config) -> None:
    """Commands the tests start inherit this: no registry or resolver off this machine.

    The registry sync job is off too: a `trustsvc serve` or `worker` a test starts would
    otherwise ask the public registry at start.

    A deployment asks real registries and resolvers by default; tests that exercise those
    lookups name loopback servers and turn them on explicitly.
    """
    del config
    os.environ["TRUSTSVC_DOMAIN_LOOKUPS"] = "off"
    os.environ["TRUSTSVC_REGISTRY_SYNC_S"] = "0"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip PostgreSQL tests, loudly, only when no server was configured (never in CI)."""
    if os.environ.get(POSTGRES_ENV):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI must set {POSTGRES_ENV}: the PostgreSQL tests may not skip")
    skip = pytest.mark.skip(reason=f"{POSTGRES_ENV} is not set")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database, created for this test and dropped after it."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'trustsvc.db'}"
        return
    async with _postgres_database() as url:
        yield url


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """An empty PostgreSQL database (mark the test `postgres` so it skips without a server)."""
    async with _postgres_database() as url:
        yield url


class _postgres_database:  # noqa: N801 - used as a context manager, reads like a function
    """Create a uniquely named database on the configured server and drop it afterwards."""

    def __init__(self) -> None:
        self.admin_url = make_url(os.environ[POSTGRES_ENV])
        self.name = f"trustsvc_test_{uuid.uuid4().hex[:12]}"

    async def __aenter__(self) -> str:
        await self._admin(f'CREATE DATABASE "{self.name}"')
        return self.admin_url.set(database=self.name).render_as_string(hide_password=False)

    async def __aexit__(self, *exc: object) -> None:
        await self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    async def _admin(self, statement: str) -> None:
        engine = create_async_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text(statement))
        finally:
            await engine.dispose()
