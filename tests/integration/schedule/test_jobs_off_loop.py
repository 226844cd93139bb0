"""The scheduler's jobs never run on the API's event loop (issue 22).

A job here blocks its thread outright (a `threading.Event.wait`, as a blocking library call
would). Were it scheduled on the API's loop, that loop could run nothing until the job was
released, and the test releases it only after the loop has answered lookups and taken lag
samples: the test would then hang (and fail at its guard) instead of passing.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from litestar.testing import AsyncTestClient

from probes.netpolicy import system_resolver
from trustsvc.api.app import create_app
from trustsvc.config.schedule import ScheduleSettings
from trustsvc.config.settings import Settings
from trustsvc.jobs.beside import jobs_beside
from trustsvc.jobs.table import JobSpec
from trustsvc.observability.loop_lag import monitoring_lag
from trustsvc.services import AppServices, open_services

GUARD_S = 60.0
"""Only so that a regression fails instead of hanging the suite; nothing waits this long."""
SAMPLES = 3


def settings_for(tmp_path: Path) -> Settings:
    schedule = ScheduleSettings(in_api=True, registry_sync_s=0.0)
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}", schedule=schedule)


async def test_a_job_that_blocks_its_thread_leaves_the_api_loop_serving(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    started, release = threading.Event(), threading.Event()
    ran_on: dict[str, object] = {}

    async def blocking_job() -> str:
        ran_on["loop"], ran_on["thread"] = asyncio.get_running_loop(), threading.get_ident()
        started.set()
        release.wait(GUARD_S)  # blocks whatever loop runs this job
        return "released"

    def table(
        app: AppServices, settings: Settings, peers: tuple[AppServices, ...]
    ) -> tuple[JobSpec, ...]:
        return (JobSpec(name="blocker", every_s=3600.0, exclusive=False, run=blocking_job),)

    lags: list[float] = []
    sampled = asyncio.Event()

    def observe(lag_s: float) -> None:
        lags.append(lag_s)
        if started.is_set() and len(lags) >= SAMPLES:
            sampled.set()

    async with open_services(settings) as api, monitoring_lag(observe, interval_s=0.01):
        try:
            async with jobs_beside(api, settings, system_resolver, table=table) as jobs:
                assert await asyncio.to_thread(started.wait, GUARD_S)
                lags.clear()  # from here on the job is blocked
                # The API's loop answers lookups (a query on the lookups' own pool) ...
                for n in range(5):
                    assert await api.lookup.latest(f"https://never-{n}.example/mcp") is None
                # ... and keeps waking its lag monitor while the job holds its thread.
                await asyncio.wait_for(sampled.wait(), GUARD_S)
                assert ran_on["loop"] is not asyncio.get_running_loop()
                assert ran_on["thread"] != threading.get_ident()
                release.set()
                assert jobs.runner is not None
        finally:
            release.set()
    assert jobs.runner.outcomes == {"blocker": "released"}


async def test_the_app_runs_its_job_table_in_the_jobs_thread_only_while_it_lives(
    tmp_path: Path,
) -> None:
    def jobs_threads() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "trustsvc-jobs" and t.is_alive()]

    before = len(jobs_threads())
    async with AsyncTestClient(app=create_app(settings_for(tmp_path))) as client:
        assert (await client.get("/livez")).status_code == 200
        assert len(jobs_threads()) == before + 1
    assert len(jobs_threads()) == before
