"""How the scheduler and workers behave, read from TRUSTSVC_* once like every setting."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from trustsvc.config.env import SettingsError, flag, number

HOUR_S = 3600.0


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkerSettings:
    """How much one worker takes on.

    Attributes:
        concurrency: scans in flight at once in this worker.
        per_host: scans in flight at once against one target host.
        lease_s: how long a claim lasts without renewal; a dead worker's endpoints come back
            after this long. Renewed every third of it while the scan runs.
        poll_s: how long an idle worker waits before looking for due endpoints again.
        retry_s: first retry delay for an endpoint whose scan stored nothing.
        max_scans: after storing this many scans the worker stops claiming, finishes what
            it holds and exits 0, for its supervisor (compose, systemd) to start a fresh
            one; 0 never. sslyze's native memory (OpenSSL, malloc arenas) only grows with
            each TLS scan, and a fresh process is the dependable way to give it back.
    """

    concurrency: int = 8
    per_host: int = 2
    lease_s: float = 300.0
    poll_s: float = 5.0
    retry_s: float = 900.0
    max_scans: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleSettings:
    """The job table's periods and the worker's limits.

    Attributes:
        in_api: the API process runs the scheduler itself (the embedded SQLite default, so
            `trustsvc serve` alone keeps endpoints fresh); off where `trustsvc worker`
            processes do it.
        sweep_s: how often a sweep for due endpoints starts (one at a time per process).
        registry_sync: whether this process imports the upstream registry and probes the
            servers it lists (the sync and the drain of its queue). None, unset, leaves it
            to the command: `trustsvc worker` is a deployment's choice to probe, so on;
            `trustsvc serve` may be someone trying the service on a laptop, so off: it
            must not start scanning thousands of third-party servers unasked.
        registry_sync_s: period of the upstream registry sync; 0 turns it off.
        sources_refresh_s: how often blocklist feeds and the trusted list are re-read.
        drift_report_s, report_dir: write a drift report (JSON and CSV) there each period.
        rescan_cooldown_s: a rescan request for one endpoint is refused this soon after the
            previous one (scoring.md 8.8, after Observatory).
        scan_lease_s: how long an API scan's `running` row lasts without renewal (renewed
            every third of it while it probes); past it, a sweep (at start-up and every
            half lease) marks it failed, `interrupted`, and its endpoint due again.
    """

    in_api: bool = False
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    sweep_s: float = 5.0
    deliver_s: float = 10.0
    drain_s: float = 30.0
    registry_sync: bool | None = None
    registry_sync_s: float = 0.0
    sources_refresh_s: float = 6 * HOUR_S
    drift_report_s: float = 24 * HOUR_S
    report_dir: Path | None = None
    rescan_cooldown_s: float = 60.0
    scan_lease_s: float = 60.0


def load_schedule_settings(env: Mapping[str, str], *, embedded: bool) -> ScheduleSettings:
    """Read the scheduler's variables; `embedded` (SQLite) turns the in-API scheduler on."""
    worker = WorkerSettings(
        concurrency=int(number(env, "TRUSTSVC_WORKER_CONCURRENCY", 8)),
        per_host=int(number(env, "TRUSTSVC_WORKER_PER_HOST", 2)),
        lease_s=number(env, "TRUSTSVC_WORKER_LEASE_S", 300.0),
        poll_s=number(env, "TRUSTSVC_WORKER_POLL_S", 5.0),
        retry_s=number(env, "TRUSTSVC_WORKER_RETRY_S", 900.0),
        max_scans=int(number(env, "TRUSTSVC_WORKER_MAX_SCANS", 0, allow_zero=True)),
    )
    report_dir = env.get("TRUSTSVC_REPORT_DIR")
    if report_dir and not Path(report_dir).is_dir():
        raise SettingsError(f"TRUSTSVC_REPORT_DIR: {report_dir} is not a directory")
    return ScheduleSettings(
        in_api=flag(env, "TRUSTSVC_SCHEDULER", default=embedded),
        worker=worker,
        sweep_s=number(env, "TRUSTSVC_SWEEP_S", 5.0),
        registry_sync=_optional_flag(env, "TRUSTSVC_REGISTRY_SYNC"),
        registry_sync_s=number(env, "TRUSTSVC_REGISTRY_SYNC_S", HOUR_S, allow_zero=True),
        sources_refresh_s=number(env, "TRUSTSVC_SOURCES_REFRESH_S", 6 * HOUR_S),
        drift_report_s=number(env, "TRUSTSVC_DRIFT_REPORT_S", 24 * HOUR_S),
        report_dir=Path(report_dir) if report_dir else None,
        rescan_cooldown_s=number(env, "TRUSTSVC_RESCAN_COOLDOWN_S", 60.0, allow_zero=True),
        scan_lease_s=number(env, "TRUSTSVC_SCAN_LEASE_S", 60.0),
    )


def _optional_flag(env: Mapping[str, str], name: str) -> bool | None:
    """On or off when set, None when unset or empty (the command decides)."""
    if not env.get(name, "").strip():
        return None
    return flag(env, name, default=False)


def with_registry_sync(schedule: ScheduleSettings, *, default: bool) -> ScheduleSettings:
    """`schedule` with an unset registry sync decided: `default` for this command."""
    if schedule.registry_sync is not None:
        return schedule
    return dataclasses.replace(schedule, registry_sync=default)
