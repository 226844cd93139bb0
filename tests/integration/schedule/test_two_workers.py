"""Two `trustsvc worker` processes share one PostgreSQL database: each endpoint once per round.

One worker is killed (SIGKILL, no clean-up) while it holds leases; the other picks its
endpoints up once the leases expire. Nothing is lost, nothing is stored twice, and no scan is
left half-written.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Sequence

import pytest
from sqlalchemy import func, select

from probes.target import parse_endpoint_url
from tests.servers.fleet import McpFleet
from trustsvc.clock import utc_now
from trustsvc.schedule.models import ScheduleRow
from trustsvc.schedule.repository import ScheduleRepository
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import upgrade
from trustsvc.store.models import ScanRow
from trustsvc.store.repositories import EndpointRepository

ENDPOINTS = 240
LEASE_S = 3.0
DEADLINE_S = 180.0


def worker_env(database_url: str) -> dict[str, str]:
    return os.environ | {
        "TRUSTSVC_DATABASE_URL": database_url,
        "TRUSTSVC_ALLOWED_NETWORKS": "127.0.0.0/8",
        "TRUSTSVC_DOMAIN_LOOKUPS": "off",
        # Leases are under test, not cloaking: one handshake per scan keeps 240 scans short.
        "TRUSTSVC_CLOAKING_MAX_HANDSHAKES": "0",
        "TRUSTSVC_REGISTRY_SYNC_S": "0",
        "TRUSTSVC_SWEEP_S": "0.5",
        "TRUSTSVC_WORKER_POLL_S": "0.5",
        "TRUSTSVC_WORKER_CONCURRENCY": "8",
        "TRUSTSVC_WORKER_PER_HOST": "8",
        "TRUSTSVC_WORKER_LEASE_S": str(LEASE_S),
        "TRUSTSVC_FAMILY_BUDGET_S": "20",
    }


async def start_worker(database_url: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sys; from trustsvc.commands.cli import main; sys.exit(main(['worker']))",
        env=worker_env(database_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def wait_for(condition: object, what: str) -> None:
    """Poll an async predicate until true, failing with `what` after the deadline."""
    check = condition  # an async callable returning bool
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE_S
    while not await check():  # type: ignore[operator]
        if loop.time() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


@pytest.mark.postgres
async def test_two_workers_probe_each_endpoint_once_and_survive_a_killed_worker(
    postgres_url: str,
) -> None:
    engine = make_engine(postgres_url)
    sessions = make_sessionmaker(engine)
    await upgrade(engine)
    workers: list[asyncio.subprocess.Process] = []
    try:
        async with McpFleet(delay_s=0.05) as fleet:
            async with sessions.begin() as session:
                ids = [
                    (
                        await EndpointRepository(session).get_or_create(
                            parse_endpoint_url(fleet.url(i)), utc_now()
                        )
                    ).id
                    for i in range(ENDPOINTS)
                ]
                await ScheduleRepository(session).make_due(ids, now=utc_now(), reason="test")

            async def scans() -> int:
                async with sessions() as session:
                    return int(await session.scalar(select(func.count()).select_from(ScanRow)) or 0)

            async def held_by(pid: int) -> list[str]:
                async with sessions() as session:
                    rows = await session.scalars(
                        select(ScheduleRow.endpoint_id).where(
                            ScheduleRow.lease_owner.like(f"%:{pid}:%")
                        )
                    )
                    return list(rows)

            victim = await start_worker(postgres_url)
            survivor = await start_worker(postgres_url)
            workers = [victim, survivor]

            async def victim_mid_batch() -> bool:
                return await scans() >= 20 and bool(await held_by(victim.pid))

            await wait_for(victim_mid_batch, "the first worker to hold leases mid-round")
            victim.send_signal(signal.SIGKILL)
            await victim.wait()
            orphaned = await held_by(victim.pid)
            assert orphaned, "the killed worker held no lease"

            async def all_scanned() -> bool:
                return await scans() >= ENDPOINTS

            await wait_for(all_scanned, "every endpoint to be scanned")
            await asyncio.sleep(LEASE_S)  # a duplicate would have time to appear

            async with sessions() as session:
                per_endpoint = dict(
                    (
                        await session.execute(
                            select(ScanRow.endpoint_id, func.count()).group_by(ScanRow.endpoint_id)
                        )
                    ).all()
                )
                statuses = set(await session.scalars(select(ScanRow.status).distinct()))
                leftover = await session.scalar(
                    select(func.count()).where(ScheduleRow.lease_owner.is_not(None))
                )
                due_later = await session.scalar(
                    select(func.count()).where(ScheduleRow.next_due_at > utc_now())
                )
            assert set(per_endpoint) == set(ids)
            assert [eid for eid, n in per_endpoint.items() if n != 1] == []
            assert statuses == {"completed"}
            assert leftover == 0
            assert due_later == ENDPOINTS
            assert not await held_by(victim.pid)
            # The orphans were probed after the kill, by the survivor.
            assert all(per_endpoint[eid] == 1 for eid in orphaned)

            survivor.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(survivor.communicate(), 60)
            assert survivor.returncode == 0, err.decode()[-2000:]
            assert b"running" in out
    finally:
        await _stop(workers)
        await engine.dispose()


async def _stop(workers: Sequence[asyncio.subprocess.Process]) -> None:
    for process in workers:
        if process.returncode is None:
            process.kill()
            await process.wait()
