"""DriftService: what operators do with drift (read, pin a baseline, acknowledge).

Pinning and acknowledging change the stability standing without new observations, so both
re-score the endpoint's latest scan: a new score row (same policy, next revision) that the
lookup picks up, so an acknowledged rug pull stops forcing `warn` at once rather than at the
next scheduled probe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.frameworks import reference_from_token
from probes.model import Family, Finding, Outcome, ProbeSpec, Provenance, Severity
from trustsvc.drift.models import BaselineRow, DriftEventRow
from trustsvc.drift.recorder import drift_standing, has_history
from trustsvc.drift.repository import DriftRepository, event_doc
from trustsvc.observers import ScanObserver, announce_result
from trustsvc.reports.schema import DriftEventDoc, ScanReport
from trustsvc.reports.stored import report_from_stored
from trustsvc.scoring.aggregate import score_findings
from trustsvc.scoring.dimensions import ScoringBugError
from trustsvc.scoring.policy import ScoringPolicy
from trustsvc.store.models import EndpointRow, FindingRow, ScanRow, ScoreRow
from trustsvc.store.repositories import SCAN_COMPLETED, ScanRepository, score_row

log = logging.getLogger(__name__)

SEVERITY_ORDER = tuple(s.value for s in Severity)


def severities_at_least(minimum: str) -> list[str]:
    """The severity names at or above `minimum` (critical first)."""
    return list(SEVERITY_ORDER[: SEVERITY_ORDER.index(minimum) + 1])


@dataclass(frozen=True, slots=True)
class Acknowledged:
    """An acknowledged event and the verdict its endpoint now has (None if not re-scored)."""

    event: DriftEventRow
    verdict: str | None


class DriftService:
    """Baselines and acknowledgements, each followed by a re-score of the latest scan."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        catalogue: Mapping[str, ProbeSpec],
        policy: ScoringPolicy,
        clock: Callable[[], datetime],
        observers: Sequence[ScanObserver] = (),
    ) -> None:
        self.sessions = sessions
        self.catalogue = catalogue
        self.policy = policy
        self.clock = clock
        self.observers = tuple(observers)

    async def pin(
        self, endpoint_id: str, *, scan_id: str | None, by: str | None, note: str | None
    ) -> tuple[BaselineRow, str | None] | None:
        """Pin a completed scan (default: the latest) as the baseline; None if there is none.

        Every open event of the endpoint is acknowledged: the operator has declared the
        current state good, which answers them all.
        """
        now = self.clock()
        async with self.sessions.begin() as session:
            scan = await _completed_scan(session, endpoint_id, scan_id)
            if scan is None:
                return None
            baseline = await DriftRepository(session).pin(
                endpoint_id=endpoint_id, scan_id=scan.id, now=now, by=by, note=note
            )
            await DriftRepository(session).acknowledge_all(
                endpoint_id,
                now=now,
                by=by,
                note=f"superseded by the baseline pinned at {now:%Y-%m-%dT%H:%M:%SZ}",
            )
            report = await self._rescore(session, endpoint_id, now)
        self._announce(report)
        return baseline, None if report is None else report.verdict

    async def acknowledge(
        self, event_id: int, *, by: str | None, note: str | None
    ) -> Acknowledged | None:
        """Acknowledge one event and re-score its endpoint; None if the event is unknown."""
        now = self.clock()
        async with self.sessions.begin() as session:
            event = await DriftRepository(session).acknowledge(event_id, now=now, by=by, note=note)
            if event is None:
                return None
            report = await self._rescore(session, event.endpoint_id, now)
        self._announce(report)
        return Acknowledged(event=event, verdict=None if report is None else report.verdict)

    async def events(
        self,
        *,
        endpoint_id: str | None = None,
        since: datetime | None = None,
        min_severity: str = "info",
        before_id: int | None = None,
        limit: int = 100,
    ) -> Sequence[DriftEventRow]:
        """Events newest first."""
        async with self.sessions() as session:
            return await DriftRepository(session).events(
                endpoint_id=endpoint_id,
                since=since,
                severities=severities_at_least(min_severity),
                before_id=before_id,
                limit=limit,
            )

    async def report(
        self, *, since: datetime | None, min_severity: str, limit: int
    ) -> list[tuple[DriftEventDoc, str]]:
        """Events of every endpoint since a time, newest first, each with its URL."""
        async with self.sessions() as session:
            rows = await DriftRepository(session).events(
                since=since, severities=severities_at_least(min_severity), limit=limit
            )
            ids = {row.endpoint_id for row in rows}
            urls = dict(
                (
                    await session.execute(
                        select(EndpointRow.id, EndpointRow.url).where(EndpointRow.id.in_(ids))
                    )
                ).all()
            )
        return [(event_doc(row), urls.get(row.endpoint_id, "")) for row in rows]

    async def _rescore(
        self, session: AsyncSession, endpoint_id: str, now: datetime
    ) -> ScanReport | None:
        scan = await _completed_scan(session, endpoint_id, None)
        if scan is None:
            return None
        rows = (
            await session.execute(
                select(FindingRow).where(FindingRow.scan_id == scan.id).order_by(FindingRow.id)
            )
        ).scalars()
        compared = await has_history(session, endpoint_id, scan.id) or (
            await DriftRepository(session).baseline(endpoint_id) is not None
        )
        standing = await drift_standing(session, endpoint_id, now=now, compared=compared)
        try:
            findings = [_finding(row) for row in rows]
            score = score_findings(findings, self.catalogue, self.policy, drift=standing)
        except (ScoringBugError, ValueError):
            # Stored under a catalogue this release no longer has: the next scan re-scores.
            log.warning("scan %s cannot be re-scored under this release", scan.id)
            return None
        revision = await session.scalar(
            select(func.max(ScoreRow.revision)).where(
                ScoreRow.scan_id == scan.id, ScoreRow.policy_version == score.policy_version
            )
        )
        row = score_row(scan.id, score, scored_at=now)
        row.revision = 0 if revision is None else revision + 1
        session.add(row)
        await session.flush()
        stored = await ScanRepository(session).get(scan.id)
        url = await session.scalar(select(EndpointRow.url).where(EndpointRow.id == endpoint_id))
        if stored is None or url is None:
            return None
        return report_from_stored(stored, url)

    def _announce(self, report: ScanReport | None) -> None:
        if report is not None:
            announce_result(self.observers, report)


async def _completed_scan(
    session: AsyncSession, endpoint_id: str, scan_id: str | None
) -> ScanRow | None:
    query = select(ScanRow).where(
        ScanRow.endpoint_id == endpoint_id, ScanRow.status == SCAN_COMPLETED
    )
    if scan_id is not None:
        query = query.where(ScanRow.id == scan_id)
    query = query.order_by(ScanRow.assessed_at.desc(), ScanRow.id).limit(1)
    return await session.scalar(query)


def _finding(row: FindingRow) -> Finding:
    return Finding(
        probe_id=row.probe_id,
        family=Family(row.family),
        outcome=Outcome(row.outcome),
        severity=Severity(row.severity),
        message=row.message,
        subject=row.subject,
        evidence=row.evidence,
        remediation=row.remediation,
        references=tuple(reference_from_token(token) for token in row.references),
        provenance=None if row.provenance is None else Provenance(row.provenance),
    )
