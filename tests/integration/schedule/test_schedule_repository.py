"""The schedule's queries on SQLite and PostgreSQL: claims, fencing, cooldown, jobs, queue."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.target import parse_endpoint_url
from trustsvc.registry.models import ScanQueueRow
from trustsvc.schedule.job_leases import take_job_lease
from trustsvc.schedule.models import ScheduleRow
from trustsvc.schedule.registry_queue import drain_registry_queue
from trustsvc.schedule.repository import ScheduleRepository
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import upgrade
from trustsvc.store.repositories import EndpointRepository

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[Sessions]:
    engine = make_engine(database_url)
    await upgrade(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def endpoints(sessions: Sessions, count: int, *, due_at: datetime = T0) -> list[str]:
    async with sessions.begin() as session:
        ids = [
            (
                await EndpointRepository(session).get_or_create(
                    parse_endpoint_url(f"https://mcp{i}.example.com/mcp"), T0
                )
            ).id
            for i in range(count)
        ]
        await ScheduleRepository(session).ensure(ids, due_at=due_at, reason="new")
    return ids


async def claim(sessions: Sessions, owner: str, now: datetime, limit: int = 10) -> set[str]:
    async with sessions.begin() as session:
        claimed = await ScheduleRepository(session).claim(
            owner=owner, now=now, lease_s=60, limit=limit
        )
    return {c.endpoint_id for c in claimed}


async def test_claims_take_due_unleased_rows_and_expired_leases_come_back(
    sessions: Sessions,
) -> None:
    ids = await endpoints(sessions, 5)
    async with sessions.begin() as session:  # ensure leaves existing rows alone
        await ScheduleRepository(session).ensure(ids, due_at=T0 + timedelta(days=9), reason="x")
    assert await claim(sessions, "early", T0 - timedelta(seconds=1)) == set()
    first = await claim(sessions, "a", T0, limit=3)
    second = await claim(sessions, "b", T0, limit=3)
    assert len(first) == 3
    assert len(second) == 2
    assert first.isdisjoint(second)
    assert await claim(sessions, "c", T0 + timedelta(seconds=59)) == set()
    assert await claim(sessions, "c", T0 + timedelta(seconds=61)) == set(ids)


async def test_finish_is_fenced_by_the_lease(sessions: Sessions) -> None:
    [endpoint_id] = await endpoints(sessions, 1)
    await claim(sessions, "slow", T0)
    later = T0 + timedelta(seconds=120)
    await claim(sessions, "fast", later)  # the slow worker's lease expired
    async with sessions.begin() as session:
        repo = ScheduleRepository(session)
        next_due = later + timedelta(days=1)

        async def finish(owner: str) -> bool:
            return await repo.finish(
                endpoint_id,
                owner=owner,
                scan_id="s",
                now=later,
                next_due_at=next_due,
                reason="ttl:tools",
                failed=False,
            )

        assert not await finish("slow")
        assert await finish("fast")
    async with sessions() as session:
        row = await session.get(ScheduleRow, endpoint_id)
    assert row is not None
    assert (row.lease_owner, row.next_due_at, row.last_scan_id) == (None, next_due, "s")


async def test_a_rescan_request_has_a_cooldown(sessions: Sessions) -> None:
    [endpoint_id] = await endpoints(sessions, 1, due_at=T0 + timedelta(days=1))
    async with sessions.begin() as session:
        repo = ScheduleRepository(session)
        assert await repo.request(endpoint_id, now=T0, cooldown_s=60) is None
        again = await repo.request(endpoint_id, now=T0 + timedelta(seconds=10), cooldown_s=60)
        assert again == T0 + timedelta(seconds=60)
        assert (
            await repo.request(endpoint_id, now=T0 + timedelta(seconds=61), cooldown_s=60) is None
        )
    assert await claim(sessions, "w", T0 + timedelta(seconds=61)) == {endpoint_id}


async def test_an_exclusive_job_runs_in_one_process_per_period(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        assert await take_job_lease(session, "sync", owner="a", now=T0, hold_s=90)
    async with sessions.begin() as session:
        assert not await take_job_lease(session, "sync", owner="b", now=T0, hold_s=90)
        later = T0 + timedelta(seconds=91)
        assert await take_job_lease(session, "sync", owner="b", now=later, hold_s=90)


async def test_queued_registry_urls_become_due_endpoints(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        session.add_all(
            [
                ScanQueueRow(url="https://new.example.com/mcp", reason="added", queued_at=T0),
                ScanQueueRow(url="https://bad host/mcp", reason="added", queued_at=T0),
            ]
        )
    async with sessions.begin() as session:
        assert await drain_registry_queue(session, now=T0) == 1
    async with sessions() as session:
        assert (await session.scalars(select(ScanQueueRow))).all() == []
    claimed = await claim(sessions, "w", T0)
    async with sessions() as session:
        endpoint = await EndpointRepository(session).by_url("https://new.example.com/mcp")
    assert endpoint is not None
    assert claimed == {endpoint.id}
