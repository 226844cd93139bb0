"""No scan is left running (issue 16): a scan's lease, its renewal, and the sweep.

A real `trustsvc serve` is killed with SIGKILL while a loopback MCP server (the SDK's, behind
tests/servers/request_log.py) holds the scan's handshake; after a restart the scan is
`failed` with `interrupted`, `GET /v1/scans/{id}` says so (409, never another 202) and the
endpoint is due again. In process: a scan held past its lease many times over still
completes, since its lease is renewed; one the sweep failed meanwhile stores nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from probes.target import parse_endpoint_url
from tests.integration.api.conftest import loopback_settings
from tests.servers.api_process import ApiProcess
from tests.servers.mcp import McpTestServer, mcp_server
from tests.servers.request_log import RequestLog
from trustsvc.api.app import create_app
from trustsvc.api.state import services
from trustsvc.clock import utc_now
from trustsvc.config.schedule import ScheduleSettings
from trustsvc.jobs.table import fail_interrupted
from trustsvc.lab.pki import LabPki
from trustsvc.scans.lease import sweep_interrupted
from trustsvc.schedule.models import ScheduleRow
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import upgrade
from trustsvc.store.models import ScanRow, ScoreRow
from trustsvc.store.repositories import EndpointRepository, ScanRepository

HOLD_S = 30.0  # the longest a held handshake may take to arrive before the test fails
SCAN_FAILED = "https://trustsvc.dev/problems/scan-failed"
# Short, so the test waits little for a dead process's lease, yet renewed every second: on a
# loaded machine a live scan must not miss two renewals in a row and read as interrupted.
LEASE_S = 3.0


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The test's own view of the database the service uses, migrated to head."""
    engine = make_engine(database_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def held() -> Iterator[tuple[McpTestServer, RequestLog]]:
    """An SDK MCP server whose `initialize` is held until the test releases it."""
    log = RequestLog(hold="initialize")
    with mcp_server(mode="json", wrap=log.wrap) as server:
        try:
            yield server, log
        finally:
            log.release()


async def _scan(engine: AsyncEngine, scan_id: str) -> ScanRow:
    async with make_sessionmaker(engine)() as session:
        row = await session.get(ScanRow, scan_id)
    assert row is not None
    return row


async def _schedule(engine: AsyncEngine, endpoint_id: str) -> ScheduleRow | None:
    async with make_sessionmaker(engine)() as session:
        return await session.get(ScheduleRow, endpoint_id)


async def _past(deadline: dt.datetime) -> None:
    """Wait out a lease the dead process took: its deadline is data, not a guess at a race."""
    await asyncio.sleep(max(0.0, (deadline - utc_now()).total_seconds()) + 0.05)


async def test_a_scan_killed_mid_probe_is_failed_interrupted_and_due_after_restart(
    database_url: str,
    engine: AsyncEngine,
    held: tuple[McpTestServer, RequestLog],
    tmp_path: Path,
) -> None:
    server, log = held
    env = {
        "TRUSTSVC_DATABASE_URL": database_url,
        "TRUSTSVC_ALLOWED_NETWORKS": "127.0.0.0/8",
        "TRUSTSVC_SCHEDULER": "off",  # the start-up sweep alone must end it
        "TRUSTSVC_SCAN_LEASE_S": str(LEASE_S),
        "TRUSTSVC_RATE_SCAN_PER_MIN": "0",
    }
    async with aiohttp.ClientSession() as http:
        async with ApiProcess(env, tmp_path / "first.log") as first:
            async with http.post(
                f"{first.url}/v1/scans", params={"wait": "false"}, json={"url": server.url}
            ) as response:
                assert response.status == 202, await response.text()
                scan_id = (await response.json())["scan_id"]
            assert await asyncio.to_thread(log.holding.wait, HOLD_S), first.log_tail()
            async with http.get(f"{first.url}/v1/scans/{scan_id}") as response:
                assert response.status == 202  # alive and renewing: a promise it can keep
            await first.kill()

        left = await _scan(engine, scan_id)
        assert left.status == "running"
        assert left.lease_expires_at is not None
        await _past(left.lease_expires_at)

        async with ApiProcess(env, tmp_path / "second.log") as second:
            async with http.get(f"{second.url}/v1/scans/{scan_id}") as response:
                problem = await response.json()
                assert response.status == 409, problem
            assert problem["type"] == SCAN_FAILED
            assert "interrupted" in problem["detail"]

    swept = await _scan(engine, scan_id)
    assert (swept.status, swept.error, swept.lease_expires_at) == ("failed", "interrupted", None)
    schedule = await _schedule(engine, swept.endpoint_id)
    assert schedule is not None
    assert schedule.due_reason == "interrupted"
    assert schedule.next_due_at <= utc_now()


def _app(database_url: str, lab_pki: LabPki, lease_s: float) -> Litestar:
    settings = loopback_settings(database_url, lab_pki.ca_cert)
    schedule = ScheduleSettings(scan_lease_s=lease_s)
    return create_app(dataclasses.replace(settings, schedule=schedule))


async def _settled(client: AsyncTestClient[Litestar], scan_id: str) -> int:
    """The scan's status code once its background task has ended."""
    await _background(client)
    return (await client.get(f"/v1/scans/{scan_id}")).status_code


async def _background(client: AsyncTestClient[Litestar]) -> list[object]:
    """Wait for the app's background scans (on the client's portal loop); their outcomes."""
    tasks = list(services(client.app.state).background)

    async def gather() -> list[object]:
        return await asyncio.gather(*tasks, return_exceptions=True)

    return await asyncio.to_thread(client.blocking_portal.call, gather)


async def test_a_scan_outliving_its_lease_completes_because_it_is_renewed(
    database_url: str,
    engine: AsyncEngine,
    held: tuple[McpTestServer, RequestLog],
    lab_pki: LabPki,
) -> None:
    server, log = held
    async with AsyncTestClient(app=_app(database_url, lab_pki, lease_s=LEASE_S)) as client:
        accepted = await client.post("/v1/scans?wait=false", json={"url": server.url})
        scan_id = accepted.json()["scan_id"]
        assert await asyncio.to_thread(log.holding.wait, HOLD_S)
        first = (await _scan(engine, scan_id)).lease_expires_at
        assert first is not None
        latest = first
        while latest <= first or utc_now() <= first:  # renewed, and held past the first lease
            await asyncio.sleep(0.1)
            current = (await _scan(engine, scan_id)).lease_expires_at
            assert current is not None
            latest = max(latest, current)
            assert (await client.get(f"/v1/scans/{scan_id}")).status_code == 202
        log.release()
        assert await _settled(client, scan_id) == 200
    assert (await _scan(engine, scan_id)).lease_expires_at is None


async def test_a_scan_swept_while_it_probes_stores_nothing(
    database_url: str,
    engine: AsyncEngine,
    held: tuple[McpTestServer, RequestLog],
    lab_pki: LabPki,
) -> None:
    server, log = held
    async with AsyncTestClient(app=_app(database_url, lab_pki, lease_s=60)) as client:
        accepted = await client.post("/v1/scans?wait=false", json={"url": server.url})
        scan_id = accepted.json()["scan_id"]
        assert await asyncio.to_thread(log.holding.wait, HOLD_S)
        # Another process's sweep, an hour on: as if this one had stalled past its lease.
        later = utc_now() + dt.timedelta(hours=1)
        assert await sweep_interrupted(make_sessionmaker(engine), now=later) == 1
        assert (await client.get(f"/v1/scans/{scan_id}")).status_code == 409
        log.release()
        (outcome,) = await _background(client)
        assert outcome is None  # the background task logged ScanInterruptedError
    row = await _scan(engine, scan_id)
    assert (row.status, row.error) == ("failed", "interrupted")
    async with make_sessionmaker(engine)() as session:
        scores = await session.execute(select(ScoreRow).where(ScoreRow.scan_id == scan_id))
    assert scores.scalars().all() == []


async def test_a_lapsed_lease_is_answered_409_and_the_periodic_job_fails_it(
    database_url: str, engine: AsyncEngine, lab_pki: LabPki
) -> None:
    async with AsyncTestClient(app=_app(database_url, lab_pki, lease_s=60)) as client:
        # Written after the start-up sweep, as a process dying while this one serves leaves it.
        now = utc_now()
        async with make_sessionmaker(engine).begin() as session:
            endpoint = await EndpointRepository(session).get_or_create(
                parse_endpoint_url("http://127.0.0.1:9/mcp"), now
            )
            scan = await ScanRepository(session).start(
                endpoint, reason="api", now=now, lease_expires_at=now - dt.timedelta(seconds=1)
            )
            scan_id, endpoint_id = scan.id, endpoint.id
        answered = await client.get(f"/v1/scans/{scan_id}")
        assert answered.status_code == 409
        assert answered.json()["detail"].startswith(f"scan {scan_id} did not complete (interrupted")
        assert (await _scan(engine, scan_id)).status == "running"  # reads write nothing
        app = services(client.app.state)  # its pools live on the client's portal loop
        swept = await asyncio.to_thread(client.blocking_portal.call, fail_interrupted, app)
        assert swept == "1 interrupted scan(s) failed, 0 sync run(s)"
    row = await _scan(engine, scan_id)
    assert (row.status, row.error) == ("failed", "interrupted")
    schedule = await _schedule(engine, endpoint_id)
    assert schedule is not None
    assert schedule.due_reason == "interrupted"
