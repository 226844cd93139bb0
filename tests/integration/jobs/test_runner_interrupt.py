"""A job cancelled by shutdown ends quietly and gives its lease back (issue 22's stop).

Before, a `serve` stopped mid-sync logged APScheduler's "raised an exception" with a
CancelledError traceback, and the sync's lease stayed held to the end of its period, so a
restarted `serve` waited up to an hour for its registry sync. Checked on both databases.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest

from tests.servers.registry import Clock
from trustsvc.config.settings import Settings
from trustsvc.jobs.runner import JobRunner, running_scheduler
from trustsvc.jobs.table import JobSpec
from trustsvc.schedule.job_leases import take_job_lease
from trustsvc.services import open_services

T0 = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)


async def test_a_cancelled_exclusive_job_logs_one_line_and_releases_its_lease(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    started = asyncio.Event()

    async def forever() -> str:
        started.set()
        await asyncio.Event().wait()
        return "never"

    settings = Settings(database_url=database_url, auto_migrate=True)
    async with open_services(settings, clock=Clock(fixed=T0).now) as app:
        runner = JobRunner(app, "worker-a")
        spec = JobSpec(name="sync_registry", every_s=3600.0, exclusive=True, run=forever)
        caplog.set_level(logging.INFO, logger="trustsvc.jobs.runner")
        task = asyncio.create_task(runner.run(spec))
        await started.wait()
        task.cancel()
        await task  # returns: the runner never lets a job raise, cancellation included

        assert runner.outcomes["sync_registry"] == "interrupted"
        lines = [r for r in caplog.records if r.name == "trustsvc.jobs.runner"]
        assert [r.getMessage() for r in lines] == [
            "job sync_registry stopped: the process is shutting down"
        ]
        assert all(r.exc_info is None for r in lines)
        async with app.sessions.begin() as session:  # another process may run it at once
            assert await take_job_lease(
                session, "sync_registry", owner="worker-b", now=T0, hold_s=3240.0
            )


async def test_leaving_the_scheduler_cancels_running_jobs_while_services_are_open(
    database_url: str,
) -> None:
    # APScheduler's shutdown leaves a running coroutine alone; the loop's teardown would
    # cancel it only after the engine is closed. Leaving the block must end it first.
    started = asyncio.Event()

    async def forever() -> str:
        started.set()
        await asyncio.Event().wait()
        return "never"

    def table(app: object, settings: object, peers: object) -> tuple[JobSpec, ...]:
        del app, settings, peers
        return (JobSpec(name="sync_registry", every_s=3600.0, exclusive=True, run=forever),)

    settings = Settings(database_url=database_url, auto_migrate=True)
    async with open_services(settings, clock=Clock(fixed=T0).now) as app:
        async with running_scheduler(app, settings, table=table) as runner:
            await started.wait()
        assert runner.outcomes == {"sync_registry": "interrupted"}
        assert not runner.in_flight
        async with app.sessions.begin() as session:
            assert await take_job_lease(
                session, "sync_registry", owner="worker-b", now=T0, hold_s=3240.0
            )
