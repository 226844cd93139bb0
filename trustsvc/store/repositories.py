"""Named queries over the tables; callers own the session and its transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from probes.model import Attempt, Finding
from probes.target import EndpointUrl
from trustsvc.scoring.types import TrustScore
from trustsvc.store.models import AttemptRow, EndpointRow, FindingRow, ScanRow, ScoreRow
from trustsvc.store.rows import attempt_values, dimension_values, finding_values, gate_values

SCAN_RUNNING = "running"
SCAN_COMPLETED = "completed"
SCAN_FAILED = "failed"
SCAN_INTERRUPTED = "interrupted"  # the error of a scan whose process died mid-scan
FINDING_BATCH = 500


@dataclass(frozen=True, slots=True)
class StoredScan:
    """A scan with everything recorded for it (attempts, findings and its latest score)."""

    scan: ScanRow
    attempts: Sequence[AttemptRow]
    findings: Sequence[FindingRow]
    score: ScoreRow | None


class EndpointRepository:
    """Endpoints by id, URL and page."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_or_create(self, endpoint: EndpointUrl, now: datetime) -> EndpointRow:
        """The row for this canonical URL, created on first sight."""
        row = await self.by_url(endpoint.url)
        if row is not None:
            return row
        row = EndpointRow(
            id=str(uuid.uuid4()),
            url=endpoint.url,
            scheme=endpoint.scheme,
            host=endpoint.host,
            port=endpoint.port,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row

    async def by_url(self, url: str) -> EndpointRow | None:
        """The endpoint with this canonical URL, if known."""
        result = await self.session.execute(select(EndpointRow).where(EndpointRow.url == url))
        return result.scalar_one_or_none()

    async def get(self, endpoint_id: str) -> EndpointRow | None:
        """The endpoint with this id, if any."""
        return await self.session.get(EndpointRow, endpoint_id)

    async def page(self, *, after_url: str | None, limit: int) -> Sequence[EndpointRow]:
        """Endpoints in URL order after a keyset cursor (stable under concurrent inserts)."""
        query = select(EndpointRow).order_by(EndpointRow.url).limit(limit)
        if after_url is not None:
            query = query.where(EndpointRow.url > after_url)
        return (await self.session.execute(query)).scalars().all()


class ScanRepository:
    """Scans and their append-only results."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def start(
        self,
        endpoint: EndpointRow,
        *,
        reason: str,
        now: datetime,
        lease_expires_at: datetime | None = None,
    ) -> ScanRow:
        """Record that a scan was requested, before any probing happens.

        A scan left running between transactions (the API's) carries a lease, which its
        process renews; one completed in the transaction that starts it needs none.
        """
        scan = ScanRow(
            id=str(uuid.uuid4()),
            endpoint_id=endpoint.id,
            reason=reason,
            status=SCAN_RUNNING,
            requested_at=now,
            assessed_at=None,
            error=None,
            lease_expires_at=lease_expires_at,
        )
        self.session.add(scan)
        await self.session.flush()
        return scan

    async def complete(
        self,
        scan: ScanRow,
        *,
        assessed_at: datetime,
        attempts: Sequence[Attempt],
        findings: Sequence[Finding],
        score: TrustScore,
    ) -> None:
        """Write a scan's results; the caller commits them together or not at all."""
        scan.status = SCAN_COMPLETED
        scan.assessed_at = assessed_at
        scan.lease_expires_at = None
        self.session.add_all(AttemptRow(scan_id=scan.id, **attempt_values(a)) for a in attempts)
        self.session.add(score_row(scan.id, score, scored_at=assessed_at))
        await self.session.flush()
        # A hostile listing yields ~13 findings per tool (13,000 for 1000 tools): bulk
        # INSERTs in batches cost a fraction of ORM objects and let the event loop run
        # between batches.
        rows = [{"scan_id": scan.id, **finding_values(f)} for f in findings]
        for start in range(0, len(rows), FINDING_BATCH):
            await self.session.execute(insert(FindingRow), rows[start : start + FINDING_BATCH])

    async def fail(self, scan: ScanRow, *, error: str) -> None:
        """Mark a scan that could not run (kept so a 202 Location never dangles)."""
        scan.status = SCAN_FAILED
        scan.error = error
        scan.lease_expires_at = None
        await self.session.flush()

    async def renew_lease(self, scan_id: str, *, until: datetime) -> bool:
        """Extend a running scan's lease; False if it is no longer running (swept, ended)."""
        result = await self.session.execute(
            update(ScanRow)
            .where(ScanRow.id == scan_id, ScanRow.status == SCAN_RUNNING)
            .values(lease_expires_at=until)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def fail_interrupted(self, *, now: datetime) -> list[str]:
        """Mark every running scan whose lease expired failed; their endpoints' ids.

        A running scan without a lease was started before leases existed (migration
        0007), by a process that has long since stopped renewing anything: it is failed too.
        """
        expired = (ScanRow.status == SCAN_RUNNING) & (
            ScanRow.lease_expires_at.is_(None) | (ScanRow.lease_expires_at <= now)
        )
        result = await self.session.execute(
            update(ScanRow)
            .where(expired)
            .values(status=SCAN_FAILED, error=SCAN_INTERRUPTED, lease_expires_at=None)
            .returning(ScanRow.endpoint_id)
        )
        return sorted(set(result.scalars().all()))

    async def require(self, scan_id: str) -> ScanRow:
        """The scan row, which the caller knows exists (it started it)."""
        scan = await self.session.get(ScanRow, scan_id)
        if scan is None:
            raise LookupError(f"scan {scan_id} does not exist")
        return scan

    async def get(self, scan_id: str) -> StoredScan | None:
        """A scan with its attempts, findings and latest score."""
        scan = await self.session.get(ScanRow, scan_id, options=[joinedload(ScanRow.endpoint)])
        if scan is None:
            return None
        attempts = await self.session.execute(
            select(AttemptRow).where(AttemptRow.scan_id == scan_id).order_by(AttemptRow.id)
        )
        # Streamed in batches, as they were written: a hostile listing's scan has tens of
        # thousands of findings, and building them as one result held the loop ~0.5 s.
        streamed = await self.session.stream(
            select(FindingRow).where(FindingRow.scan_id == scan_id).order_by(FindingRow.id)
        )
        findings: list[FindingRow] = []
        async for batch in streamed.scalars().partitions(FINDING_BATCH):
            findings.extend(batch)
        score = await self.session.execute(
            select(ScoreRow).where(ScoreRow.scan_id == scan_id).order_by(ScoreRow.id.desc())
        )
        return StoredScan(
            scan=scan,
            attempts=attempts.scalars().all(),
            findings=findings,
            score=score.scalars().first(),
        )

    async def history(
        self, endpoint_id: str, *, before: datetime | None, limit: int
    ) -> Sequence[tuple[ScanRow, ScoreRow | None]]:
        """An endpoint's scans, newest first, with their latest score when completed."""
        # A scan re-scored (drift acknowledged, baseline pinned) has several score rows;
        # history shows each scan once, with its newest score.
        newest = (
            select(func.max(ScoreRow.id).label("id"))
            .join(ScanRow, ScanRow.id == ScoreRow.scan_id)
            .where(ScanRow.endpoint_id == endpoint_id)
            .group_by(ScoreRow.scan_id)
            .subquery()
        )
        query = (
            select(ScanRow, ScoreRow)
            .outerjoin(
                ScoreRow,
                (ScoreRow.scan_id == ScanRow.id) & ScoreRow.id.in_(select(newest.c.id)),
            )
            .where(ScanRow.endpoint_id == endpoint_id)
            .order_by(ScanRow.requested_at.desc(), ScanRow.id)
            .limit(limit)
        )
        if before is not None:
            query = query.where(ScanRow.requested_at < before)
        return [(scan, score) for scan, score in (await self.session.execute(query)).all()]


def lease_lapsed(scan: ScanRow, now: datetime) -> bool:
    """A running scan nobody is renewing: it will never finish (the sweep will fail it)."""
    expires = scan.lease_expires_at
    return scan.status == SCAN_RUNNING and (expires is None or expires <= now)


def score_row(scan_id: str, score: TrustScore, *, scored_at: datetime) -> ScoreRow:
    """The stored form of a score."""
    return ScoreRow(
        scan_id=scan_id,
        policy_version=score.policy_version,
        scored_at=scored_at,
        score=score.score,
        score_measured=score.score_measured,
        grade=score.grade,
        verdict=score.verdict.value,
        confidence=score.confidence,
        gates=gate_values(score),
        dimensions=dimension_values(score),
    )
