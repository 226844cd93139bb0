"""A worker recycles itself after TRUSTSVC_WORKER_MAX_SCANS: it stops claiming and exits 0.

sslyze's native memory only grows, so a supervisor restarting a fresh process is how a
long-running worker keeps its footprint bounded; what it did not claim stays due for others.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

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

ENDPOINTS = 5


async def test_a_worker_exits_cleanly_after_its_scan_budget(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'recycle.db'}"
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    await upgrade(engine)
    try:
        async with McpFleet() as fleet:
            async with sessions.begin() as session:
                endpoints = EndpointRepository(session)
                ids = [
                    (await endpoints.get_or_create(parse_endpoint_url(fleet.url(i)), utc_now())).id
                    for i in range(ENDPOINTS)
                ]
                await ScheduleRepository(session).make_due(ids, now=utc_now(), reason="test")
            worker = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                "import sys; from trustsvc.commands.cli import main; sys.exit(main(['worker']))",
                env=os.environ
                | {
                    "TRUSTSVC_DATABASE_URL": database_url,
                    "TRUSTSVC_ALLOWED_NETWORKS": "127.0.0.0/8",
                    "TRUSTSVC_SWEEP_S": "0.2",
                    "TRUSTSVC_WORKER_CONCURRENCY": "1",
                    "TRUSTSVC_WORKER_MAX_SCANS": "2",
                },
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            _, err = await asyncio.wait_for(worker.communicate(), 120)
        assert worker.returncode == 0, err.decode()[-2000:]
        assert b"recycling after 2 scans" in err
        async with sessions() as session:
            stored = await session.scalar(select(func.count()).select_from(ScanRow))
            still_due = await session.scalar(
                select(func.count()).where(
                    ScheduleRow.next_due_at <= utc_now(), ScheduleRow.lease_owner.is_(None)
                )
            )
        assert (stored, still_due) == (2, ENDPOINTS - 2)
    finally:
        await engine.dispose()
