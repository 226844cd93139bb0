"""`trustsvc worker --metrics-port` serves the worker's own metrics, and it logs JSON.

The API's `/metrics` cannot see a worker's scans (another process, another registry), so each
worker serves its registry; this runs the real command against a due endpoint, scrapes it
while it runs, and stops it with SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from probes.target import parse_endpoint_url
from tests.servers.fleet import McpFleet
from trustsvc.clock import utc_now
from trustsvc.schedule.repository import ScheduleRepository
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import upgrade
from trustsvc.store.repositories import EndpointRepository

BANNER = "trustsvc worker metrics on "


async def scans_counted(url: str) -> dict[str, float]:
    """`trustsvc_scans_total` samples by outcome, for the reason "test"."""
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
        text = await response.text()
    return {
        sample.labels["outcome"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "trustsvc_scans_total" and sample.labels["reason"] == "test"
    }


async def test_a_worker_serves_its_metrics_on_its_own_port(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'worker.db'}"
    engine = make_engine(database_url)
    await upgrade(engine)
    try:
        async with McpFleet() as fleet:
            async with make_sessionmaker(engine).begin() as session:
                endpoint = await EndpointRepository(session).get_or_create(
                    parse_endpoint_url(fleet.url(0)), utc_now()
                )
                await ScheduleRepository(session).make_due(
                    [endpoint.id], now=utc_now(), reason="test"
                )
            worker = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                "import sys; from trustsvc.commands.cli import main; "
                "sys.exit(main(['worker', '--metrics-port', '0']))",
                env=os.environ
                | {
                    "TRUSTSVC_DATABASE_URL": database_url,
                    "TRUSTSVC_ALLOWED_NETWORKS": "127.0.0.0/8",
                    "TRUSTSVC_SWEEP_S": "0.2",
                    "TRUSTSVC_LOG_FORMAT": "json",
                },
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            try:
                assert worker.stdout is not None
                line = ""
                while not line.startswith(BANNER):
                    line = (await asyncio.wait_for(worker.stdout.readline(), 60)).decode()
                    assert line, "the worker exited before serving metrics"
                url = line.removeprefix(BANNER).strip()
                assert url.startswith("http://127.0.0.1:")
                counted: dict[str, float] = {}
                for _ in range(300):
                    if counted := await scans_counted(url):
                        break
                    await asyncio.sleep(0.2)
            finally:
                worker.send_signal(signal.SIGTERM)
                _, err = await asyncio.wait_for(worker.communicate(), 60)
        assert worker.returncode == 0, err.decode()[-2000:]
        assert sum(counted.values()) == 1
        events = [
            json.loads(text)
            for text in err.decode().splitlines()
            if text.startswith("{") and '"event":"scan"' in text
        ]
        [scan] = events
        assert (scan["url"], scan["reason"], scan["logger"]) == (
            fleet.url(0),
            "test",
            "trustsvc.events.scan",
        )
        assert scan["outcome"] in counted
    finally:
        await engine.dispose()
