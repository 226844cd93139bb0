"""Every periodic job of the service, declared in one table, and the jobs themselves.

Each job is a thin, idempotent call into a service. Jobs marked `exclusive` run in one
process per period (`jobs.runner` takes their lease); re-probing and webhook deliveries are
shared row by row and run in every process.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from trustsvc.config.settings import Settings
from trustsvc.registry.run_leases import fail_lapsed_runs
from trustsvc.reports.drift import drift_csv, drift_json
from trustsvc.scans.lease import sweep_interrupted
from trustsvc.schedule.registry_queue import drain_registry_queue
from trustsvc.services import AppServices


@dataclass(frozen=True, slots=True, kw_only=True)
class JobSpec:
    """One periodic job: how often, whether one process per period, and what it calls."""

    name: str
    every_s: float
    exclusive: bool
    run: Callable[[], Awaitable[str]]
    at_start: bool = True


JobTable = Callable[[AppServices, Settings, tuple[AppServices, ...]], tuple[JobSpec, ...]]
"""What builds the table: the runner's services, the settings, and peers (see job_table)."""


def job_table(
    app: AppServices, settings: Settings, peers: tuple[AppServices, ...] = ()
) -> tuple[JobSpec, ...]:
    """Every periodic job; a period of 0 leaves the job out.

    The registry's sync and the drain of what it queued run only when the registry sync is
    on (`ScheduleSettings.registry_sync`): probing strangers is never a default.
    `peers` are other services of this process whose scan service must see re-read sources
    too: the API's, when the jobs run on a loop of their own beside it (jobs/beside.py).
    """
    schedule = settings.schedule
    registry = schedule.registry_sync is True
    jobs = (
        JobSpec(
            name="reprobe_due", every_s=schedule.sweep_s, exclusive=False, run=lambda: sweep(app)
        ),
        JobSpec(
            name="fail_interrupted_scans",
            every_s=schedule.scan_lease_s / 2,
            exclusive=False,  # one idempotent UPDATE; any process may run it
            run=lambda: fail_interrupted(app),
        ),
        JobSpec(
            name="deliver_webhooks",
            every_s=schedule.deliver_s,
            exclusive=False,
            run=lambda: deliver(app),
        ),
        JobSpec(
            name="drain_registry_queue",
            every_s=schedule.drain_s if registry else 0.0,
            exclusive=True,
            run=lambda: drain_queue(app),
        ),
        JobSpec(
            name="sync_registry",
            every_s=schedule.registry_sync_s if registry else 0.0,
            exclusive=True,
            run=lambda: sync_registry(app, settings),
        ),
        JobSpec(
            name="refresh_sources",
            every_s=schedule.sources_refresh_s,
            exclusive=False,  # feeds live in each process's memory
            run=lambda: refresh_sources(app, peers),
            at_start=False,  # they were just read
        ),
        JobSpec(
            name="send_digests",
            every_s=settings.digests.check_s,
            exclusive=True,
            run=lambda: send_digests(app),
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


def describe_schedule(settings: Settings, *, runs_here: bool) -> str:
    """One line for a start-up banner: what this process's scheduler will do on its own."""
    schedule = settings.schedule
    if not runs_here:
        return "scheduler: not in this process (`trustsvc worker` runs the periodic jobs)"
    work = f"scheduler: re-probes due endpoints every {schedule.sweep_s:g} s, delivers webhooks"
    if schedule.registry_sync is not True or schedule.registry_sync_s <= 0:
        return (
            f"{work}; registry sync off (TRUSTSVC_REGISTRY_SYNC=on imports "
            f"{settings.registry_url} and probes the servers it lists)"
        )
    return (
        f"{work}; registry sync ON: imports {settings.registry_url} every "
        f"{schedule.registry_sync_s:g} s and probes the servers it lists"
    )


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


async def send_digests(app: AppServices) -> str:
    """Build every due subscription's digest once and deliver pending runs."""
    return str(await app.digests.run_due())


async def drain_queue(app: AppServices) -> str:
    """Schedule what the registry sync queued, except what the operator opted out of."""
    async with app.sessions.begin() as session:
        count = await drain_registry_queue(
            session, now=app.clock(), opted_out=app.reprober.courtesy.settings.opted_out
        )
    return f"{count} endpoint(s) made due"


async def sweep(app: AppServices) -> str:
    """Probe every due endpoint (shared with other workers through leases)."""
    tally = await app.reprober.sweep(app.stopping)
    return (
        f"{tally.claimed} claimed, {tally.stored} stored, {tally.deferred} deferred, "
        f"{tally.lease_lost} lease(s) lost, {tally.postponed} postponed"
    )


async def fail_interrupted(app: AppServices) -> str:
    """Fail running scans and sync runs whose process stopped renewing their lease.

    The scans' endpoints are made due again; a sync run's pages stay stored.
    """
    now = app.clock()
    count = await sweep_interrupted(app.sessions, now=now)
    runs = await fail_lapsed_runs(app.sessions, now=now)
    return f"{count} interrupted scan(s) failed, {runs} sync run(s)"


async def deliver(app: AppServices) -> str:
    """Post due webhook deliveries."""
    tally = await app.deliverer.deliver_due()
    return str(tally)


async def sync_registry(app: AppServices, settings: Settings) -> str:
    """One incremental sync from the upstream registry."""
    from trustsvc.registry.sync import SyncJob  # noqa: PLC0415 - only this job needs it
    from trustsvc.registry.upstream import UpstreamClient, UpstreamConfig  # noqa: PLC0415

    config = UpstreamConfig(
        base_url=settings.registry_url,
        max_retries=settings.registry_retries,
        user_agent=settings.courtesy.user_agent,
    )
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


async def refresh_sources(app: AppServices, peers: tuple[AppServices, ...] = ()) -> str:
    """Re-read blocklist feeds and the trusted list; the catalogue does not change.

    Each peer's families are built here, on the jobs' loop (reading the files is blocking
    I/O), but from the peer's own `build_families`, so they use the peer's database pools.
    Assigning the attribute is atomic; a scan already running keeps the families it took.
    """
    for services in (app, *peers):
        services.scans.families = services.build_families()
    return "sources re-read"
