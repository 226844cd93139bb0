"""Runs the job table on APScheduler: each job under its lease, never stacked, never raising.

Each job is scheduled with `max_instances=1` and `coalesce=True` (a slow run is never stacked,
missed runs collapse into one). Jobs marked `exclusive` take a job lease in the database
first, so however many workers fire them, one process runs them per period.

APScheduler 3.x ships no type information; this module is the only one that imports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from trustsvc.config.settings import Settings
from trustsvc.jobs.table import JobSpec, JobTable, job_table
from trustsvc.schedule.job_leases import finish_job, release_job, take_job_lease
from trustsvc.services import AppServices

log = logging.getLogger(__name__)

STOP_S = 15.0
"""How long shutdown waits for cancelled jobs to record their end (within serve's 30 s)."""
RELEASE_S = 5.0
"""How long a stopping process may spend giving an interrupted job's lease back."""


class JobRunner:
    """Runs jobs under their lease, logs how each ended, and never lets one raise.

    A job cancelled by shutdown ends the run quietly (one line), not as an error.
    """

    def __init__(self, app: AppServices, owner: str) -> None:
        self.app = app
        self.owner = owner
        self.outcomes: dict[str, str] = {}
        self.scheduler: AsyncIOScheduler | None = None
        self.in_flight: set[asyncio.Task[object]] = set()

    async def stop_in_flight(self, timeout_s: float = STOP_S) -> None:
        """Cancel the jobs still running and wait (bounded) while they record how they ended.

        APScheduler's shutdown leaves running coroutines alone; left to the loop's teardown
        they would be cancelled after the services (engine, pools) are closed, too late to
        record an interrupted sync or give a lease back.
        """
        tasks = [task for task in self.in_flight if not task.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout_s)

    async def run(self, job: JobSpec) -> None:
        """Run one job once (a coroutine method: APScheduler's asyncio executor awaits it)."""
        task = asyncio.current_task()
        if task is not None:
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
        try:
            if job.exclusive and not await self._take(job):
                self.outcomes[job.name] = "skipped: another process holds it"
                return
            outcome = await job.run()
        except asyncio.CancelledError:
            # The process is stopping. A job records its own interruption (the sync marks
            # its run); APScheduler would log the cancellation as a failure with a traceback.
            log.info("job %s stopped: the process is shutting down", job.name)
            self.outcomes[job.name] = "interrupted"
            if job.exclusive:
                await self._release(job)
            return
        except Exception as exc:
            log.exception("job %s failed", job.name)
            outcome = f"failed: {type(exc).__name__}: {exc}"
        self.outcomes[job.name] = outcome
        if job.exclusive:
            async with self.app.sessions.begin() as session:
                await finish_job(
                    session, job.name, owner=self.owner, now=self.app.clock(), outcome=outcome
                )
        log.info(
            "job %s: %s",
            job.name,
            outcome,
            extra={"event": "job", "job": job.name, "outcome": outcome},
        )

    async def _release(self, job: JobSpec) -> None:
        """Give the interrupted job's lease back, within a bound (the process is stopping)."""

        async def release() -> None:
            async with self.app.sessions.begin() as session:
                await release_job(session, job.name, owner=self.owner, now=self.app.clock())

        with contextlib.suppress(Exception, asyncio.TimeoutError):
            await asyncio.wait_for(release(), RELEASE_S)

    async def _take(self, job: JobSpec) -> bool:
        async with self.app.sessions.begin() as session:
            return await take_job_lease(
                session, job.name, owner=self.owner, now=self.app.clock(), hold_s=job.every_s * 0.9
            )


@contextlib.asynccontextmanager
async def running_scheduler(
    app: AppServices,
    settings: Settings,
    *,
    peers: tuple[AppServices, ...] = (),
    table: JobTable = job_table,
) -> AsyncIterator[JobRunner]:
    """Start the job table on the running loop; stop it (and in-flight sweeps) on exit.

    The running loop must not be one that serves requests: see jobs/beside.py.
    """
    runner = JobRunner(app, app.reprober.owner)
    scheduler = AsyncIOScheduler(timezone="UTC")
    runner.scheduler = scheduler
    first = datetime.now().astimezone() + timedelta(seconds=1)
    for job in table(app, settings, peers):
        # Omitted, APScheduler computes the first run from the trigger; None would pause it.
        start = {"next_run_time": first} if job.at_start else {}
        scheduler.add_job(
            runner.run,
            IntervalTrigger(seconds=job.every_s),
            args=(job,),
            id=job.name,
            name=job.name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            **start,
        )
    scheduler.start()
    try:
        yield runner
    finally:
        app.stopping.set()
        scheduler.shutdown(wait=False)
        await runner.stop_in_flight()
