"""ScanService: the only path that probes. API, CLI, demo and (later) the scheduler call it.

Order matters for safety: the URL is normalised and its addresses approved by the network
policy before anything is stored, so a refused target leaves no trace; the results of a scan
are written in one transaction, so an interrupted scan is never half-recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.context import ProbeContext
from probes.errors import Unreachable
from probes.family import FamilySpec
from probes.model import ProbeSpec
from probes.netpolicy import Resolver, resolve_target, system_resolver
from probes.registry import FAMILIES, catalogue
from probes.runner import RunResult, run_families, unreachable_result
from probes.target import EndpointUrl, Target, parse_endpoint_url
from trustsvc.reports.build import build_report
from trustsvc.reports.schema import ScanReport
from trustsvc.repositories import EndpointRepository, ScanRepository
from trustsvc.scoring.aggregate import score_findings
from trustsvc.scoring.policy import POLICY, ScoringPolicy
from trustsvc.scoring.types import TrustScore

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    """The current time, aware and in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class PreparedTarget:
    """A URL that passed validation and the network policy, or whose host did not resolve."""

    endpoint: EndpointUrl
    target: Target | None
    unresolved_detail: str | None = None


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
        on_completed: Sequence[Callable[[ScanReport], None]] = (),
    ) -> None:
        self.ctx = ctx
        self.sessions = sessions
        self.families = tuple(families)
        self.catalogue: Mapping[str, ProbeSpec] = catalogue(self.families)
        self.policy = policy
        self.resolver = resolver
        self.clock = clock
        self.on_completed = tuple(on_completed)

    async def prepare(self, raw_url: str) -> PreparedTarget:
        """Normalise and policy-check a URL; raises TargetRejected before anything is stored."""
        endpoint = parse_endpoint_url(raw_url)
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
            scan = await ScanRepository(session).start(endpoint, reason=reason, now=self.clock())
            return scan.id

    async def finish(self, scan_id: str, prepared: PreparedTarget) -> ScanReport:
        """Probe, score and commit the results of a started scan in one transaction."""
        sessions = self._require_sessions()
        try:
            run = await self._probe(prepared)
            assessed_at = self.clock()
            score = score_findings(run.findings, self.catalogue, self.policy)
            report = self._report(prepared.endpoint.url, run, score, assessed_at=assessed_at)
            async with sessions.begin() as session:
                scans = ScanRepository(session)
                scan = await scans.require(scan_id)
                await scans.complete(
                    scan,
                    assessed_at=assessed_at,
                    attempts=run.attempts,
                    findings=run.findings,
                    score=score,
                )
                report.scan_id = scan_id
                report.endpoint_id = scan.endpoint_id
        except BaseException as exc:
            await self._mark_failed(scan_id, exc)
            raise
        for listener in self.on_completed:
            listener(report)
        return report

    async def run(self, raw_url: str, *, reason: str) -> ScanReport:
        """Validate, probe, score and store: the whole path in one call."""
        prepared = await self.prepare(raw_url)
        scan_id = await self.start(prepared, reason=reason)
        return await self.finish(scan_id, prepared)

    async def _probe(self, prepared: PreparedTarget) -> RunResult:
        if prepared.target is None:
            detail = prepared.unresolved_detail or "the host did not resolve"
            return unreachable_result(self.families, detail)
        return await run_families(prepared.target, self.ctx, self.families)

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

    async def _mark_failed(self, scan_id: str, exc: BaseException) -> None:
        sessions = self._require_sessions()
        detail = "interrupted" if not isinstance(exc, Exception) else type(exc).__name__
        try:
            async with sessions.begin() as session:
                scans = ScanRepository(session)
                stored = await scans.get(scan_id)
                if stored is not None:
                    await scans.fail(stored.scan, error=detail)
        except Exception:
            log.exception("could not mark scan %s as failed", scan_id)

    def _require_sessions(self) -> async_sessionmaker[AsyncSession]:
        if self.sessions is None:
            raise RuntimeError("this ScanService has no database")
        return self.sessions
