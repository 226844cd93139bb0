"""ScanService tells its observers how every scan ended: stored, failed or lease lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.context import ProbeContext, ProbeLimits
from probes.model import AttemptStatus, Family
from tests.unit.test_runner import TARGET, family
from trustsvc.observers import ScanEvent, ScanObserver, ScanOutcome
from trustsvc.scans.service import LeaseLostError, PreparedTarget, ScanService
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import upgrade

Sessions = async_sessionmaker[AsyncSession]
PREPARED = PreparedTarget(endpoint=TARGET.endpoint, target=TARGET)


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Sessions]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'observers.db'}")
    await upgrade(engine)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


class Broken(ScanObserver):
    def scan_ended(self, event: ScanEvent) -> None:
        raise RuntimeError(event.url)


class Recorder(ScanObserver):
    def __init__(self, seen: list[ScanEvent]) -> None:
        self.seen = seen

    def scan_ended(self, event: ScanEvent) -> None:
        self.seen.append(event)


def service(sessions: Sessions, behaviour: str, seen: list[ScanEvent]) -> ScanService:
    return ScanService(
        ctx=ProbeContext(limits=ProbeLimits(family_budget_s=30)),
        sessions=sessions,
        families=(family(Family.TLS, "ok"), family(Family.AUTH, behaviour)),
        observers=(Broken(), Recorder(seen)),  # a broken observer neither fails nor hides the scan
    )


async def test_a_stored_scan_reports_its_outcome_families_and_report(sessions: Sessions) -> None:
    seen: list[ScanEvent] = []
    scans = service(sessions, "unreachable", seen)
    report = await scans.finish(await scans.start(PREPARED, reason="api"), PREPARED)
    [event] = seen
    assert (event.url, event.reason, event.outcome) == (TARGET.url, "api", ScanOutcome.PARTIAL)
    assert event.report is report
    assert [(a.family, a.status) for a in event.attempts] == [
        (Family.TLS, AttemptStatus.COMPLETED),
        (Family.AUTH, AttemptStatus.ERROR),
    ]
    assert event.probed
    assert event.duration_s > 0


async def test_an_interrupted_scan_is_reported_failed_with_its_reason(sessions: Sessions) -> None:
    seen: list[ScanEvent] = []
    scans = service(sessions, "hang", seen)
    scan_id = await scans.start(PREPARED, reason="requested")
    task = asyncio.create_task(scans.finish(scan_id, PREPARED))
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [event] = seen
    assert (event.reason, event.outcome, event.error) == (
        "requested",
        ScanOutcome.FAILED,
        "CancelledError",
    )
    assert event.report is None


async def test_a_worker_scan_without_the_lease_is_reported_lost(sessions: Sessions) -> None:
    seen: list[ScanEvent] = []
    scans = service(sessions, "ok", seen)
    with pytest.raises(LeaseLostError):
        await scans.run_leased(PREPARED, owner="nobody", reason="ttl:tls")
    [event] = seen
    assert (event.reason, event.outcome, event.error) == (
        "ttl:tls",
        ScanOutcome.LEASE_LOST,
        "LeaseLostError",
    )
