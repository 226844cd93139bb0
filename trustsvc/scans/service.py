"""ScanService: the only path that probes. API, CLI, demo and the scheduler's workers call it.

Order matters for safety: the URL is normalised and its addresses approved by the network
policy before anything is stored, so a refused target leaves no trace; the results of a scan
(attempts, findings, snapshot, drift events, webhook outbox, score and the endpoint's next due
time) are written in one transaction, so an interrupted scan is never half-recorded.

A worker's scan is also fenced by its lease: when the worker no longer holds the endpoint
(it overran the lease and another worker claimed it), the whole transaction rolls back.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.context import ProbeContext
from probes.errors import Unreachable
from probes.family import FamilySpec
from probes.model import AttemptStatus, ProbeSpec
from probes.netpolicy import Resolver, resolve_target, system_resolver
from probes.registry import FAMILIES, catalogue
from probes.runner import RunResult, run_families, unreachable_result
from probes.target import EndpointUrl, Target, parse_submitted_url
from trustsvc.clock import utc_now
from trustsvc.config.drift import ScoreDropSettings
from trustsvc.drift.recorder import record_drift, record_score_drop
from trustsvc.drift.repository import event_doc
from trustsvc.drift.snapshot import snapshot_of
from trustsvc.drift.tool_sets import record_tool_set
from trustsvc.observers import (
    ScanEvent,
    ScanObserver,
    ScanOutcome,
    announce_result,
    stored_outcome,
)
from trustsvc.reports.build import build_report
from trustsvc.reports.schema import ScanReport
from trustsvc.scans.lease import DEFAULT_SCAN_LEASE_S, lease_until, renewed
from trustsvc.scans.scrub import Scrubber, secrets_of
from trustsvc.schedule.freshness import FreshnessPolicy, next_due
from trustsvc.schedule.repository import ScheduleRepository
from trustsvc.scoring.aggregate import score_findings
from trustsvc.scoring.policy import POLICY, ScoringPolicy
from trustsvc.scoring.types import TrustScore
from trustsvc.store.models import ScanRow
from trustsvc.store.repositories import SCAN_RUNNING, EndpointRepository, ScanRepository

log = logging.getLogger(__name__)

_T = TypeVar("_T")
_P = ParamSpec("_P")

_CPU = ThreadPoolExecutor(max_workers=2, thread_name_prefix="scan-cpu")
"""Where a scan's own CPU work runs (scrubbing, the drift snapshot, the report), off the loop.

Thousands of tools make each of these 0.5-3 s of CPU, and on the API's loop every lookup in
flight would wait as long. Not the loop's default executor: the probes' judging fills that,
and the report is built inside the scan's write transaction, where waiting in a queue
behind other scans' judging holds SQLite's write lock (CI saw 'database is locked').
"""


async def _off_loop(fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """`fn(*args, **kwargs)` in the scan CPU pool."""
    call = functools.partial(fn, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_CPU, call)


@dataclass(frozen=True, slots=True, kw_only=True)
class PreparedTarget:
    """A URL that passed validation and the network policy, or whose host did not resolve."""

    endpoint: EndpointUrl
    target: Target | None
    unresolved_detail: str | None = None


class LeaseLostError(Exception):
    """The worker no longer holds the endpoint's lease; its scan was rolled back."""


class ScanInterruptedError(Exception):
    """The scan's lease ran out and the sweep failed it; its results were not stored."""


class ScanService:
    """Validate, probe, score and (when given a database) persist assessments."""

    def __init__(
        self,
        *,
        ctx: ProbeContext,
        sessions: async_sessionmaker[AsyncSession] | None = None,
        families: Sequence[FamilySpec[Any]] = FAMILIES,
        policy: ScoringPolicy = POLICY,
        resolver: Resolver = system_resolver,
        clock: Callable[[], datetime] = utc_now,
        freshness: FreshnessPolicy | None = None,
        observers: Sequence[ScanObserver] = (),
        lease_s: float = DEFAULT_SCAN_LEASE_S,
        score_drop: ScoreDropSettings | None = None,
    ) -> None:
        self.ctx = ctx
        self.lease_s = lease_s
        # What the endpoint sends back never keeps the operator's header values (scrub.py).
        self.scrubber = Scrubber(secrets_of(ctx.extra_headers))
        self.score_drop = score_drop or ScoreDropSettings()
        self.sessions = sessions
        self.families = tuple(families)
        self.catalogue: Mapping[str, ProbeSpec] = catalogue(self.families)
        self.policy = policy
        self.resolver = resolver
        self.clock = clock
        self.freshness = freshness or FreshnessPolicy()
        self.observers = tuple(observers)

    async def prepare(self, raw_url: str) -> PreparedTarget:
        """Normalise and policy-check a URL; raises TargetRejected before anything is stored."""
        endpoint = parse_submitted_url(raw_url)
        try:
            target = await resolve_target(endpoint, self.ctx.policy, self.resolver)
        except Unreachable as exc:
            return PreparedTarget(endpoint=endpoint, target=None, unresolved_detail=exc.detail)
        return PreparedTarget(endpoint=endpoint, target=target)

    async def assess(self, prepared: PreparedTarget) -> ScanReport:
        """Probe and score without storing anything (the CLI's default)."""
        run = await self._probe(prepared)
        score = score_findings(run.findings, self.catalogue, self.policy)
        return self._report(prepared.endpoint.url, run, score, assessed_at=self.clock())

    async def start(self, prepared: PreparedTarget, *, reason: str) -> str:
        """Record a running scan and return its id; `finish` does the probing."""
        sessions = self._require_sessions()
        async with sessions.begin() as session:
            endpoint = await EndpointRepository(session).get_or_create(
                prepared.endpoint, self.clock()
            )
            now = self.clock()
            scan = await ScanRepository(session).start(
                endpoint, reason=reason, now=now, lease_expires_at=lease_until(now, self.lease_s)
            )
            return scan.id

    async def finish(self, scan_id: str, prepared: PreparedTarget) -> ScanReport:
        """Probe, score and commit the results of a started scan in one transaction.

        The scan's lease is renewed while it probes and records. If the sweep failed it
        meanwhile (the lease ran out: the loop was stalled or the database away for a whole
        lease), the results are not stored, since a scan's status moves once.

        Raises:
            ScanInterruptedError: the scan was no longer running when its results were ready.
        """
        sessions = self._require_sessions()
        started = time.perf_counter()
        try:
            async with renewed(sessions, scan_id, lease_s=self.lease_s, clock=self.clock):
                run = await self._probe(prepared)
                async with sessions.begin() as session:
                    scan = await _still_running(session, scan_id)
                    report = await self._record(session, scan, prepared, run, owner=None)
        except BaseException as exc:
            reason = await self._mark_failed(scan_id, exc)
            self._failed(prepared, reason or "unknown", started, exc)
            raise
        self.notify_completed(report)
        self._stored(prepared, scan.reason, started, run, report)
        return report

    async def run_leased(
        self, prepared: PreparedTarget, *, owner: str, reason: str = "scheduled"
    ) -> ScanReport:
        """Probe, then store the scan whole only while `owner` holds the endpoint's lease.

        Nothing is written before the probing ends, so a worker killed mid-probe leaves no
        trace and its endpoint is probed again once the lease expires.

        Raises:
            LeaseLostError: another worker holds the endpoint now; nothing was stored.
        """
        sessions = self._require_sessions()
        started = time.perf_counter()
        try:
            run = await self._probe(prepared)
            async with sessions.begin() as session:
                endpoint = await EndpointRepository(session).get_or_create(
                    prepared.endpoint, self.clock()
                )
                scan = await ScanRepository(session).start(
                    endpoint, reason=reason, now=self.clock()
                )
                report = await self._record(session, scan, prepared, run, owner=owner)
        except BaseException as exc:
            self._failed(prepared, reason, started, exc)
            raise
        self.notify_completed(report)
        self._stored(prepared, reason, started, run, report)
        return report

    async def _record(
        self,
        session: AsyncSession,
        scan: ScanRow,
        prepared: PreparedTarget,
        run: RunResult,
        *,
        owner: str | None,
    ) -> ScanReport:
        """Snapshot, drift, score, results and next due time, in the caller's transaction."""
        assessed_at = self.clock()
        drift = await record_drift(
            session,
            endpoint_id=scan.endpoint_id,
            scan_id=scan.id,
            snapshot=await _off_loop(snapshot_of, run.observations, run.findings, self.catalogue),
            now=assessed_at,
        )
        await record_tool_set(
            session,
            endpoint_id=scan.endpoint_id,
            scan_id=scan.id,
            observations=run.observations,
            now=assessed_at,
        )
        score = score_findings(run.findings, self.catalogue, self.policy, drift=drift.standing)
        dropped = await record_score_drop(
            session,
            endpoint_id=scan.endpoint_id,
            scan_id=scan.id,
            score=score,
            rule=self.score_drop,
            floors=self.policy.grade_floors,
            now=assessed_at,
        )
        await ScanRepository(session).complete(
            scan,
            assessed_at=assessed_at,
            attempts=run.attempts,
            findings=run.findings,
            score=score,
        )
        await self._reschedule(session, scan, run, assessed_at=assessed_at, owner=owner)
        # A report of thousands of findings is built in ~0.5 s: in a thread, as scrubbing is.
        report = await _off_loop(
            self._report, prepared.endpoint.url, run, score, assessed_at=assessed_at
        )
        report.scan_id = scan.id
        report.endpoint_id = scan.endpoint_id
        report.drift = [event_doc(event) for event in [*drift.events, *dropped]]
        if report.drift:
            for observer in self.observers:
                await observer.drift_recorded(session, report)
        return report

    async def _reschedule(
        self,
        session: AsyncSession,
        scan: ScanRow,
        run: RunResult,
        *,
        assessed_at: datetime,
        owner: str | None,
    ) -> None:
        schedule = ScheduleRepository(session)
        row = await schedule.get(scan.endpoint_id)
        if row is None:  # first scan of an endpoint (an API or CLI scan)
            await schedule.ensure([scan.endpoint_id], due_at=assessed_at, reason="new")
        failed = any(a.status is not AttemptStatus.COMPLETED for a in run.attempts)
        due = next_due(
            endpoint_id=scan.endpoint_id,
            assessed_at=assessed_at,
            attempts=run.attempts,
            findings=run.findings,
            consecutive_failures=row.consecutive_failures if row and failed else 0,
            policy=self.freshness,
        )
        held = await schedule.finish(
            scan.endpoint_id,
            owner=owner,
            scan_id=scan.id,
            now=assessed_at,
            next_due_at=due.at,
            reason=due.reason,
            failed=failed,
        )
        if owner is not None and not held:
            raise LeaseLostError(f"{owner} lost the lease on {scan.endpoint_id}")

    def _stored(
        self,
        prepared: PreparedTarget,
        reason: str,
        started: float,
        run: RunResult,
        report: ScanReport,
    ) -> None:
        self._observe(
            ScanEvent(
                url=prepared.endpoint.url,
                reason=reason,
                outcome=stored_outcome(run.attempts),
                duration_s=time.perf_counter() - started,
                attempts=run.attempts,
                probed=prepared.target is not None,
                report=report,
            )
        )

    def _failed(
        self, prepared: PreparedTarget, reason: str, started: float, exc: BaseException
    ) -> None:
        lost = isinstance(exc, LeaseLostError)
        self._observe(
            ScanEvent(
                url=prepared.endpoint.url,
                reason=reason,
                outcome=ScanOutcome.LEASE_LOST if lost else ScanOutcome.FAILED,
                duration_s=time.perf_counter() - started,
                probed=prepared.target is not None,
                error=type(exc).__name__,
            )
        )

    def _observe(self, event: ScanEvent) -> None:
        """Tell every observer; an observer's bug never fails a scan that was stored."""
        for observer in self.observers:
            try:
                observer.scan_ended(event)
            except Exception:
                log.exception("scan observer %r failed", observer)

    def notify_completed(self, report: ScanReport) -> None:
        """Tell every observer (the lookup cache) about a newly stored result."""
        announce_result(self.observers, report)

    async def run(self, raw_url: str, *, reason: str) -> ScanReport:
        """Validate, probe, score and store: the whole path in one call."""
        prepared = await self.prepare(raw_url)
        scan_id = await self.start(prepared, reason=reason)
        return await self.finish(scan_id, prepared)

    async def _probe(self, prepared: PreparedTarget) -> RunResult:
        if prepared.target is None:
            detail = prepared.unresolved_detail or "the host did not resolve"
            return unreachable_result(self.families, detail)
        run = await run_families(prepared.target, self.ctx, self.families)
        # Off the loop: scrubbing a listing of thousands of tools took 1-3 s of CPU, and on
        # the API's loop that is a lookup held for as long (tests/.../test_hostile_load.py).
        return await _off_loop(self.scrubber.run, run)

    def _report(
        self, url: str, run: RunResult, score: TrustScore, *, assessed_at: datetime
    ) -> ScanReport:
        return build_report(
            url=url,
            assessed_at=assessed_at,
            attempts=run.attempts,
            findings=run.findings,
            score=score,
        )

    async def _mark_failed(self, scan_id: str, exc: BaseException) -> str | None:
        """Mark the stored scan failed; returns its reason (for observers), None if unknown."""
        sessions = self._require_sessions()
        detail = "interrupted" if not isinstance(exc, Exception) else type(exc).__name__
        try:
            async with sessions.begin() as session:
                scans = ScanRepository(session)
                scan = await session.get(ScanRow, scan_id)
                if scan is None:
                    return None
                if scan.status == SCAN_RUNNING:  # the sweep may have failed it already
                    await scans.fail(scan, error=detail)
                return scan.reason
        except Exception:
            log.exception("could not mark scan %s as failed", scan_id)
        return None

    def _require_sessions(self) -> async_sessionmaker[AsyncSession]:
        if self.sessions is None:
            raise RuntimeError("this ScanService has no database")
        return self.sessions


async def _still_running(session: AsyncSession, scan_id: str) -> ScanRow:
    """The started scan, unless the sweep failed it meanwhile.

    Raises:
        ScanInterruptedError: it is no longer running; its results must not be stored.
    """
    scan = await ScanRepository(session).require(scan_id)
    if scan.status != SCAN_RUNNING:
        raise ScanInterruptedError(f"scan {scan_id} is {scan.status} already")
    return scan
