"""The sync job over real HTTP into SQLite and PostgreSQL: full, incremental, failure, resume."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.servers.registry import FakeRegistry, make_entry
from trustsvc.registry.models import (
    PublisherRow,
    ScanQueueRow,
    ServerEventRow,
    ServerVersionRow,
    SyncRunRow,
    SyncStateRow,
)
from trustsvc.registry.queries import claimants
from trustsvc.registry.records import UpstreamPage
from trustsvc.registry.run_leases import KILLED, fail_lapsed_runs
from trustsvc.registry.sync import INTERRUPTED, SyncJob, SyncReport, recent_runs
from trustsvc.registry.upstream import UpstreamClient, UpstreamConfig
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import upgrade

T0 = dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url)
    await upgrade(engine)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def upstream() -> AsyncIterator[FakeRegistry]:
    async with FakeRegistry() as registry:
        registry.clock.set(T0)
        for i in range(12):
            name = f"io.github.owner{i % 3}/server-{i:02d}"
            registry.add(make_entry(name, "1.0.0", published_at=T0 - dt.timedelta(days=30)))
        yield registry


async def no_sleep(seconds: float) -> None:
    del seconds


async def sync(
    sessions: async_sessionmaker[AsyncSession],
    registry: FakeRegistry,
    *,
    full: bool = False,
    retries: int = 2,
) -> SyncReport:
    config = UpstreamConfig(base_url=registry.url, page_size=5, max_retries=retries, backoff_s=0)
    async with UpstreamClient(config, sleep=no_sleep) as client:
        return await SyncJob(sessions, clock=registry.clock.now).run(
            client, registry.url, full=full
        )


async def count(sessions: async_sessionmaker[AsyncSession], model: type[object]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def row(
    sessions: async_sessionmaker[AsyncSession], name: str, version: str
) -> ServerVersionRow:
    async with sessions() as session:
        found = await session.scalar(
            select(ServerVersionRow).where(
                ServerVersionRow.name == name, ServerVersionRow.version == version
            )
        )
    assert found is not None, (name, version)
    return found


async def test_a_full_sync_stores_every_page_once_and_is_idempotent(
    sessions: async_sessionmaker[AsyncSession], upstream: FakeRegistry
) -> None:
    first = await sync(sessions, upstream, full=True)
    assert (first.status, first.mode, first.pages) == ("completed", "full", 3)
    assert (first.rows, first.added, first.changed, first.rejected) == (12, 12, 0, 0)
    assert first.watermark == T0  # the upstream's Date, not our clock
    assert await count(sessions, ServerVersionRow) == 12
    assert await count(sessions, PublisherRow) == 3
    assert await count(sessions, ScanQueueRow) == 12  # every new https remote is queued
    assert all("include_deleted=true" in r for r in upstream.requests)

    again = await sync(sessions, upstream, full=True)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 12)
    assert await count(sessions, ServerVersionRow) == 12
    assert await count(sessions, ServerEventRow) == 12  # one "added" each, nothing more


async def test_an_incremental_sync_sees_only_changes_and_recomputes_latest(
    sessions: async_sessionmaker[AsyncSession], upstream: FakeRegistry
) -> None:
    await sync(sessions, upstream, full=True)
    upstream.requests.clear()
    upstream.clock.set(T0 + dt.timedelta(hours=1))
    # A new version: upstream flips 1.0.0's isLatest without touching its updatedAt.
    upstream.publish("io.github.owner0/server-00", "1.1.0")
    upstream.deprecate("io.github.owner1/server-01", "1.0.0", "use server-04")
    upstream.delete("io.github.owner2/server-02", "1.0.0", "malware")
    report = await sync(sessions, upstream)
    assert (report.mode, report.status) == ("incremental", "completed")
    assert (report.rows, report.added, report.changed, report.unchanged) == (3, 1, 2, 0)
    since = (T0 - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S")
    assert all(f"updated_since={since}" in r for r in upstream.requests), upstream.requests

    old = await row(sessions, "io.github.owner0/server-00", "1.0.0")
    new = await row(sessions, "io.github.owner0/server-00", "1.1.0")
    assert (old.is_latest, new.is_latest) == (False, True)
    deleted = await row(sessions, "io.github.owner2/server-02", "1.0.0")
    assert (deleted.status, deleted.status_message) == ("deleted", "malware")
    assert await count(sessions, ServerVersionRow) == 13  # deleted kept as history
    async with sessions() as session:
        events = await session.scalars(
            select(ServerEventRow).where(ServerEventRow.kind == "status_changed")
        )
        changes = sorted((e.name, e.before, e.after) for e in events)
    assert changes == [
        ("io.github.owner1/server-01", "active", "deprecated"),
        ("io.github.owner2/server-02", "active", "deleted"),
    ]


async def test_a_page_failing_mid_run_keeps_the_watermark_and_the_next_run_resumes(
    sessions: async_sessionmaker[AsyncSession], upstream: FakeRegistry
) -> None:
    upstream.fail_request(2, status=503)
    failed = await sync(sessions, upstream, full=True, retries=0)
    assert failed.status == "failed"
    assert failed.error is not None
    assert "503" in failed.error
    assert (failed.pages, failed.added) == (1, 5)  # the first page was committed
    async with sessions() as session:
        assert await session.get(SyncStateRow, upstream.url) is None  # no watermark yet

    resumed = await sync(sessions, upstream)  # no watermark: a full walk again
    assert (resumed.status, resumed.mode) == ("completed", "full")
    assert (resumed.added, resumed.unchanged) == (7, 5)
    assert await count(sessions, ServerVersionRow) == 12


async def test_throttling_is_waited_out_and_bad_rows_are_reported_not_fatal(
    sessions: async_sessionmaker[AsyncSession], upstream: FakeRegistry
) -> None:
    upstream.add({"server": {"name": "no-slash", "version": "1", "description": "x"}})
    upstream.add(make_entry("com.example/latest", "latest"))
    upstream.throttle_once("1")
    report = await sync(sessions, upstream, full=True)
    assert report.status == "completed"
    assert (report.rows, report.added, report.rejected) == (14, 12, 2)
    reasons = {r["name"]: " ".join(r["reasons"]) for r in report.rejections}
    assert "no-slash" in reasons
    assert "latest" in reasons["com.example/latest"]


async def test_unprobeable_remotes_are_not_queued_and_shared_urls_show_every_claimant(
    sessions: async_sessionmaker[AsyncSession], upstream: FakeRegistry
) -> None:
    shared = {"type": "streamable-http", "url": "https://shared-mcp.example.com/mcp"}
    upstream.add(make_entry("com.acme/tool", "1.0.0", remotes=[shared]))
    upstream.add(make_entry("io.github.mallory/tool", "1.0.0", remotes=[shared]))
    templated = {"type": "streamable-http", "url": "https://{tenant}.example.com/mcp"}
    upstream.add(make_entry("com.acme/tenant", "1.0.0", remotes=[templated]))
    await sync(sessions, upstream, full=True)
    async with sessions() as session:
        queued = set(await session.scalars(select(ScanQueueRow.url)))
        claims = await claimants(session, ["https://shared-mcp.example.com/mcp"])
    assert "https://shared-mcp.example.com/mcp" in queued
    assert not any("{" in url or "tenant" in url for url in queued)
    assert claims == {"https://shared-mcp.example.com/mcp": ["com.acme", "io.github.mallory"]}


class StallingSource:
    """An upstream that answers the first page and then never answers again."""

    def __init__(self, client: UpstreamClient) -> None:
        self.client = client
        self.pages = 0
        self.stalled = asyncio.Event()

    async def page(
        self, *, cursor: str | None, updated_since: dt.datetime | None, include_deleted: bool
    ) -> UpstreamPage:
        self.pages += 1
        if self.pages > 1:
            self.stalled.set()
            await asyncio.Event().wait()  # until cancelled
        return await self.client.page(
            cursor=cursor, updated_since=updated_since, include_deleted=include_deleted
        )


async def test_a_run_stopped_by_shutdown_is_recorded_as_interrupted_not_running(
    sessions: async_sessionmaker[AsyncSession], upstream: FakeRegistry
) -> None:
    config = UpstreamConfig(base_url=upstream.url, page_size=5, max_retries=0, backoff_s=0)
    async with UpstreamClient(config, sleep=no_sleep) as client:
        source = StallingSource(client)
        job = SyncJob(sessions, clock=upstream.clock.now)
        run = asyncio.create_task(job.run(source, upstream.url, full=True))
        await source.stalled.wait()
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run
    async with sessions() as session:
        (report,) = await recent_runs(session)
        assert await session.get(SyncStateRow, upstream.url) is None  # the watermark stays
    assert (report.status, report.error) == ("failed", INTERRUPTED)
    assert report.finished_at is not None
    assert (report.pages, report.added) == (1, 5)  # what it stored is kept
    resumed = await sync(sessions, upstream)
    assert (resumed.status, resumed.added, resumed.unchanged) == ("completed", 7, 5)


async def test_a_run_whose_process_was_killed_is_failed_once_its_lease_lapses(
    sessions: async_sessionmaker[AsyncSession], upstream: FakeRegistry, database_url: str
) -> None:
    # A real `trustsvc sync`, SIGKILLed while it waits for its first page: nothing in it
    # can record the interruption, so only its lease tells that nobody is walking any more.
    upstream.stall_from(1)
    proc = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "trustsvc"),
        "sync",
        "--registry",
        upstream.url,
        "--full",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "TRUSTSVC_DATABASE_URL": database_url},
    )
    await asyncio.wait_for(upstream.stalled.wait(), timeout=120)
    proc.kill()
    await proc.wait()
    async with sessions() as session:
        (killed,) = await session.scalars(select(SyncRunRow))
        assert killed.status == "running"
        lease = killed.lease_expires_at
    assert lease is not None
    assert lease > killed.started_at
    # A live run looks the same until its lease lapses: nothing fails it before.
    assert await fail_lapsed_runs(sessions, now=lease - dt.timedelta(seconds=1)) == 0
    upstream.stall_from(None)
    config = UpstreamConfig(base_url=upstream.url, page_size=5, max_retries=0, backoff_s=0)
    after = lease + dt.timedelta(seconds=1)
    async with UpstreamClient(config, sleep=no_sleep) as client:
        resumed = await SyncJob(sessions, clock=lambda: after).run(client, upstream.url, full=True)
    assert (resumed.status, resumed.added) == ("completed", 12)
    async with sessions() as session:
        runs = {run.id: run for run in await recent_runs(session)}
    assert (runs[killed.id].status, runs[killed.id].error) == ("failed", KILLED)
    assert runs[killed.id].finished_at == after
    assert resumed.id in runs


async def test_a_long_run_keeps_renewing_its_lease(
    sessions: async_sessionmaker[AsyncSession], upstream: FakeRegistry
) -> None:
    # A lease of 0.3 s is renewed every 0.1 s: a run stalled for several leases is still
    # its own, and a sweep meanwhile at the wall clock's now finds nothing to fail.
    config = UpstreamConfig(base_url=upstream.url, page_size=5, max_retries=0, backoff_s=0)
    async with UpstreamClient(config, sleep=no_sleep) as client:
        source = StallingSource(client)
        job = SyncJob(sessions, lease_s=0.3, clock=lambda: dt.datetime.now(dt.UTC))
        run = asyncio.create_task(job.run(source, upstream.url, full=True))
        await source.stalled.wait()
        first = await _lease_of_the_run(sessions)
        renewed = first
        for _ in range(400):  # the renewal is due in 0.1 s; 20 s is a broken renewer
            renewed = await _lease_of_the_run(sessions)
            if renewed != first:
                break
            await asyncio.sleep(0.05)
        assert renewed > first
        assert await fail_lapsed_runs(sessions, now=dt.datetime.now(dt.UTC)) == 0
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run
    async with sessions() as session:
        (report,) = await recent_runs(session)
    assert (report.status, report.error) == ("failed", INTERRUPTED)


async def _lease_of_the_run(sessions: async_sessionmaker[AsyncSession]) -> dt.datetime:
    async with sessions() as session:
        lease: dt.datetime | None = await session.scalar(select(SyncRunRow.lease_expires_at))
    assert lease is not None
    return lease
