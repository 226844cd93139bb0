"""Record a scan's drift inside the scan's transaction, and say where the endpoint stands.

A scan is compared twice: with the endpoint's previous snapshot (what changed since we last
looked) and with the operator's pinned baseline (what differs from the state someone
approved). Baseline differences persist from scan to scan, so each distinct one is recorded
once; one that the previous-snapshot diff already reported in this scan is not repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from trustsvc.config.drift import ScoreDropSettings
from trustsvc.drift.diff import diff_snapshots
from trustsvc.drift.models import DriftEventRow, SnapshotRow
from trustsvc.drift.repository import DriftRepository, change_key, window_start
from trustsvc.drift.score_drop import DERIVED_KINDS, Floors, ScorePoint, score_drop
from trustsvc.drift.types import Basis, Snapshot
from trustsvc.scoring.types import DriftStanding, OpenDrift, TrustScore
from trustsvc.store.models import ScanRow, ScoreRow
from trustsvc.store.repositories import SCAN_COMPLETED

STABILITY_WINDOW_S = 30 * 24 * 3600.0


@dataclass(frozen=True, slots=True)
class RecordedDrift:
    """The events this scan recorded and the endpoint's standing after them."""

    events: list[DriftEventRow]
    standing: DriftStanding


async def record_drift(
    session: AsyncSession,
    *,
    endpoint_id: str,
    scan_id: str,
    snapshot: Snapshot,
    now: datetime,
    window_s: float = STABILITY_WINDOW_S,
) -> RecordedDrift:
    """Store the snapshot, diff it against the previous one and the baseline, store events."""
    repo = DriftRepository(session)
    previous = await repo.latest_snapshot(endpoint_id)
    baseline = await repo.baseline(endpoint_id)
    await repo.add_snapshot(
        scan_id=scan_id, endpoint_id=endpoint_id, snapshot=snapshot, taken_at=now
    )
    since_previous = diff_snapshots(previous[1], snapshot) if previous else []
    events = await repo.add_events(
        endpoint_id=endpoint_id,
        scan_id=scan_id,
        basis=Basis.PREVIOUS,
        changes=since_previous,
        observed_at=now,
    )
    if baseline is not None and (previous is None or baseline.scan_id != previous[0]):
        pinned = await repo.snapshot(baseline.scan_id)
        if pinned is not None:
            seen = await repo.baseline_keys(endpoint_id, baseline.pinned_at)
            seen |= {change_key(c) for c in since_previous}
            fresh = [c for c in diff_snapshots(pinned, snapshot) if change_key(c) not in seen]
            events += await repo.add_events(
                endpoint_id=endpoint_id,
                scan_id=scan_id,
                basis=Basis.BASELINE,
                changes=fresh,
                observed_at=now,
            )
    compared = previous is not None or baseline is not None
    standing = await drift_standing(
        session, endpoint_id, now=now, compared=compared, window_s=window_s
    )
    return RecordedDrift(events=events, standing=standing)


async def drift_standing(
    session: AsyncSession,
    endpoint_id: str,
    *,
    now: datetime,
    compared: bool,
    window_s: float = STABILITY_WINDOW_S,
) -> DriftStanding:
    """The open events of the stability window, as scoring wants them.

    Events derived from the score itself (`score_dropped`) are left out, so that a drop does
    not lower the next score and report itself again.
    """
    rows = await DriftRepository(session).open_events(
        endpoint_id, since=window_start(now, window_s)
    )
    rows = [row for row in rows if row.kind not in DERIVED_KINDS]
    return DriftStanding(
        compared=compared,
        open_events=tuple(
            OpenDrift(
                event_id=row.id,
                severity=row.severity,
                kind=row.kind,
                subject=row.subject,
                summary=row.summary,
            )
            for row in rows
        ),
    )


async def has_history(session: AsyncSession, endpoint_id: str, scan_id: str) -> bool:
    """Whether the endpoint has a snapshot other than this scan's (something to compare)."""
    query = select(
        exists().where(SnapshotRow.endpoint_id == endpoint_id, SnapshotRow.scan_id != scan_id)
    )
    return bool(await session.scalar(query))


async def record_score_drop(
    session: AsyncSession,
    *,
    endpoint_id: str,
    scan_id: str,
    score: TrustScore,
    rule: ScoreDropSettings,
    floors: Floors,
    now: datetime,
) -> list[DriftEventRow]:
    """Store a `score_dropped` event when this scan's score settles a fall (see score_drop)."""
    history = await score_history(
        session, endpoint_id, policy_version=score.policy_version, limit=rule.history
    )
    current = ScorePoint(
        scan_id=scan_id, score=score.score, grade=score.grade, verdict=score.verdict.value
    )
    change = score_drop([p for p in history if p.scan_id != scan_id], current, rule, floors)
    if change is None:
        return []
    return await DriftRepository(session).add_events(
        endpoint_id=endpoint_id,
        scan_id=scan_id,
        basis=Basis.PREVIOUS,
        changes=[change],
        observed_at=now,
    )


async def score_history(
    session: AsyncSession | AsyncConnection,
    endpoint_id: str,
    *,
    policy_version: str,
    limit: int,
    before: datetime | None = None,
) -> list[ScorePoint]:
    """The latest revision of each of the endpoint's last `limit` scored scans, oldest first.

    `before` keeps only scans assessed before a time (a digest's period end).
    """
    query = (
        select(ScanRow.id, ScoreRow.score, ScoreRow.grade, ScoreRow.verdict, ScoreRow.revision)
        .join(ScoreRow, ScoreRow.scan_id == ScanRow.id)
        .where(
            ScanRow.endpoint_id == endpoint_id,
            ScanRow.status == SCAN_COMPLETED,
            ScoreRow.policy_version == policy_version,
        )
        .order_by(ScanRow.assessed_at.desc(), ScanRow.id.desc(), ScoreRow.revision.desc())
        .limit(limit * 4)
    )
    if before is not None:
        query = query.where(ScanRow.assessed_at < before)
    rows = await session.execute(query)
    points: dict[str, ScorePoint] = {}
    for scan, value, grade, verdict, _ in rows:
        if scan not in points and len(points) < limit:
            points[scan] = ScorePoint(scan_id=scan, score=value, grade=grade, verdict=verdict)
    return list(reversed(points.values()))
