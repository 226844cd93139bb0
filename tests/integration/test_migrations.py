"""Alembic owns the schema: upgrade, downgrade and the autogenerate check on both backends."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from trustsvc.config.settings import Settings
from trustsvc.services import open_services
from trustsvc.store.db import make_engine
from trustsvc.store.migrate import SchemaBehindError, _run, downgrade, pending_revision, upgrade

TABLES = {
    *("endpoints", "scans", "attempts", "findings", "scores", "alembic_version"),
    *("registry_servers", "registry_remotes", "registry_events", "publishers"),
    *("sync_runs", "sync_state", "scan_queue", "advisories", "advisory_packages"),
    *("scan_snapshots", "drift_baselines", "drift_events", "probe_schedule"),
    *("webhooks", "webhook_deliveries", "job_leases", "api_keys", "audit_log"),
    *("report_subscriptions", "report_runs", "endpoint_tool_sets"),
}


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


async def test_a_schema_behind_head_is_refused_unless_auto_migrated(database_url: str) -> None:
    """Production stores are migrated explicitly; the app will not run on an old schema."""
    settings = Settings(database_url=database_url, auto_migrate=False)
    with pytest.raises(SchemaBehindError, match="trustsvc db upgrade"):
        async with open_services(settings):
            pass
    async with open_services(dataclasses.replace(settings, auto_migrate=True)) as services:
        assert services.scans.catalogue
    async with open_services(settings) as services:
        assert services.scans.catalogue


async def test_0009_backfills_the_proof_domain_of_stored_publishers(database_url: str) -> None:
    """Publishers stored before 0009 get the domain whose proof grants them; GitHub none."""
    engine = make_engine(database_url)
    try:
        await upgrade(engine, "0008")
        async with engine.begin() as connection:
            for namespace, kind in (
                ("com.clauxel", "domain"),
                ("com.clauxel.api", "domain"),
                ("io.github.alice", "github"),
                ("com", "domain"),
            ):
                await connection.execute(
                    text(
                        "INSERT INTO publishers (namespace, kind, first_seen_at, last_seen_at) "
                        "VALUES (:namespace, :kind, :now, :now)"
                    ),
                    {"namespace": namespace, "kind": kind, "now": dt.datetime.now(dt.UTC)},
                )
        await upgrade(engine)
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT namespace, domain FROM publishers ORDER BY namespace")
            )
            domains: dict[str, str | None] = {str(n): d for n, d in rows.all()}
        assert domains == {
            "com": None,
            "com.clauxel": "clauxel.com",
            "com.clauxel.api": "clauxel.com",
            "io.github.alice": None,
        }
        await downgrade(engine, "0008")
        async with engine.connect() as connection:
            assert "endpoint_tool_sets" not in await connection.run_sync(_tables)
    finally:
        await engine.dispose()
