"""APScheduler set-up: every periodic job of the service, declared in one table.

Each job is a thin, idempotent call into a service, scheduled with `max_instances=1` and
`coalesce=True` (a slow run is never stacked, missed runs collapse into one). Jobs marked
`exclusive` take a job lease in the database first, so however many workers fire them, one
process runs them per period. Re-probing and webhook deliveries are shared row by row and
run in every process.

APScheduler 3.x ships no type information; this module is the only one that imports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from trustsvc.api.state import AppServices
from trustsvc.config.settings import Settings
from trustsvc.reports.drift import drift_csv, drift_json
from trustsvc.schedule.jobs import drain_registry_queue, finish_job, take_job_lease

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class JobSpec:
    """One periodic job: how often, whether one process per period, and what it calls."""

    name: str
    every_s: float
    exclusive: bool
    run: Callable[[], Awaitable[str]]
    at_start: bool = True


def job_table(app: AppServices, settings: Settings) -> tuple[JobSpec, ...]:
    """Every periodic job; a period of 0 leaves the job out."""
    schedule = settings.schedule
    jobs = (
        JobSpec(
            name="reprobe_due", every_s=schedule.sweep_s, exclusive=False, run=lambda: sweep(app)
        ),
        JobSpec(
            name="deliver_webhooks",
            every_s=schedule.deliver_s,
            exclusive=False,
            run=lambda: deliver(app),
        ),
        JobSpec(
            name="drain_registry_queue",
            every_s=schedule.drain_s,
            exclusive=True,
            run=lambda: drain_queue(app),
        ),
        JobSpec(
            name="sync_registry",
            every_s=schedule.registry_sync_s,
            exclusive=True,
            run=lambda: sync_registry(app, settings),
        ),
        JobSpec(
            name="refresh_sources",
            every_s=schedule.sources_refresh_s,
            exclusive=False,  # feeds live in each process's memory
            run=lambda: refresh_sources(app),
            at_start=False,  # they were just read
        ),
        JobSpec(
            name="drift_report",
            every_s=schedule.drift_report_s if schedule.report_dir else 0.0,
            exclusive=True,
            run=lambda: write_drift_report(app, settings),
            at_start=False,
        ),
    )
    return tuple(job for job in jobs if job.every_s > 0)


class JobRunner:
    """Runs jobs under their lease, logs how each ended, and never lets one raise."""

    def __init__(self, app: AppServices, owner: str) -> None:
        self.app = app
        self.owner = owner
        self.outcomes: dict[str, str] = {}
        self.scheduler: AsyncIOScheduler | None = None

    async def run(self, job: JobSpec) -> None:
        """Run one job once (a coroutine method: APScheduler's asyncio executor awaits it)."""
        try:
            if job.exclusive and not await self._take(job):
                self.outcomes[job.name] = "skipped: another process holds it"
                return
            outcome = await job.run()
        except asyncio.CancelledError:
            raise
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

    async def _take(self, job: JobSpec) -> bool:
        async with self.app.sessions.begin() as session:
            return await take_job_lease(
                session, job.name, owner=self.owner, now=self.app.clock(), hold_s=job.every_s * 0.9
            )


@contextlib.asynccontextmanager
async def running_scheduler(app: AppServices, settings: Settings) -> AsyncIterator[JobRunner]:
    """Start the job table on the running loop; stop it (and in-flight sweeps) on exit."""
    runner = JobRunner(app, app.worker.owner)
    scheduler = AsyncIOScheduler(timezone="UTC")
    runner.scheduler = scheduler
    first = datetime.now().astimezone() + timedelta(seconds=1)
    for job in job_table(app, settings):
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


async def write_drift_report(app: AppServices, settings: Settings) -> str:
    """Write the last period's drift events as JSON and CSV into the report directory."""
    directory = settings.schedule.report_dir
    if directory is None:
        return "no report directory configured"
    now = app.clock()
    since = now - timedelta(seconds=settings.schedule.drift_report_s)
    events = await app.drift.report(since=since, min_severity="info", limit=100_000)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    (directory / f"drift-{stamp}.json").write_text(drift_json(events), encoding="utf-8")
    (directory / f"drift-{stamp}.csv").write_text(drift_csv(events), encoding="utf-8")
    return f"{len(events)} event(s) since {since:%Y-%m-%dT%H:%MZ} written to drift-{stamp}.*"


async def drain_queue(app: AppServices) -> str:
    """Schedule what the registry sync queued."""
    async with app.sessions.begin() as session:
        count = await drain_registry_queue(session, now=app.clock())
    return f"{count} endpoint(s) made due"


async def sweep(app: AppServices) -> str:
    """Probe every due endpoint (shared with other workers through leases)."""
    tally = await app.worker.sweep(app.stopping)
    return (
        f"{tally.claimed} claimed, {tally.stored} stored, {tally.deferred} deferred, "
        f"{tally.lease_lost} lease(s) lost"
    )


async def deliver(app: AppServices) -> str:
    """Post due webhook deliveries."""
    tally = await app.deliverer.deliver_due()
    return str(tally)


async def sync_registry(app: AppServices, settings: Settings) -> str:
    """One incremental sync from the upstream registry."""
    from trustsvc.registry.sync import SyncJob  # noqa: PLC0415 - only this job needs it
    from trustsvc.registry.upstream import UpstreamClient, UpstreamConfig  # noqa: PLC0415

    config = UpstreamConfig(base_url=settings.registry_url, max_retries=settings.registry_retries)
    try:
        async with UpstreamClient(config) as client:
            report = await SyncJob(app.sessions).run(client, settings.registry_url, full=False)
    except Exception:
        app.metrics.sync_run("error")
        raise
    app.metrics.sync_run(report.status)
    return f"sync {report.status}: {report.rows} rows, {report.added} added" + (
        f", error: {report.error}" if report.error else ""
    )


async def refresh_sources(app: AppServices) -> str:
    """Re-read blocklist feeds and the trusted list; the catalogue does not change."""
    app.scans.families = app.build_families()
    return "sources re-read"
