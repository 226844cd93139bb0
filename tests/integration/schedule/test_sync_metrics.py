"""The registry sync job counts its runs by outcome in the process's metrics."""

from __future__ import annotations

import socket
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.servers.registry import FakeRegistry
from trustsvc.config.settings import Settings
from trustsvc.jobs.table import sync_registry
from trustsvc.observability.metrics import Metrics
from trustsvc.services import open_services


def sync_runs(metrics: Metrics) -> dict[str, float]:
    return {
        sample.labels["outcome"]: sample.value
        for family in text_string_to_metric_families(metrics.render().decode())
        for sample in family.samples
        if sample.name == "trustsvc_registry_sync_runs_total"
    }


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_completed_and_failed_runs_are_counted(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'sync.db'}"
    async with FakeRegistry() as upstream:
        settings = Settings(database_url=database_url, registry_url=upstream.url)
        async with open_services(settings) as app:
            assert (await sync_registry(app, settings)).startswith("sync completed")
            down = Settings(
                database_url=database_url,
                registry_url=f"http://127.0.0.1:{closed_port()}",
                registry_retries=0,
            )
            assert (await sync_registry(app, down)).startswith("sync failed")
            assert sync_runs(app.metrics) == {"completed": 1, "failed": 1, "error": 0}
