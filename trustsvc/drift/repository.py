"""Named queries over snapshots, baselines and drift events; callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.drift.models import BaselineRow, DriftEventRow, SnapshotRow
from trustsvc.drift.types import Basis, DriftChange, Snapshot
from trustsvc.reports.schema import DriftEventDoc


class DriftRepository:
    """Snapshots, baselines and events of endpoints."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def latest_snapshot(self, endpoint_id: str) -> tuple[str, Snapshot] | None:
        """The newest stored snapshot of an endpoint and its scan id."""
        row = await self.session.scalar(
            select(SnapshotRow)
            .where(SnapshotRow.endpoint_id == endpoint_id)
            .order_by(SnapshotRow.taken_at.desc(), SnapshotRow.scan_id)
            .limit(1)
        )
        return None if row is None else (row.scan_id, Snapshot.from_doc(row.surfaces))

    async def snapshot(self, scan_id: str) -> Snapshot | None:
        """The snapshot stored with one scan."""
        row = await self.session.get(SnapshotRow, scan_id)
        return None if row is None else Snapshot.from_doc(row.surfaces)

    async def add_snapshot(
        self, *, scan_id: str, endpoint_id: str, snapshot: Snapshot, taken_at: datetime
    ) -> None:
        """Store a scan's snapshot (in the scan's transaction)."""
        self.session.add(
            SnapshotRow(
                scan_id=scan_id,
                endpoint_id=endpoint_id,
                taken_at=taken_at,
                surfaces=snapshot.to_doc(),
            )
        )

    async def baseline(self, endpoint_id: str) -> BaselineRow | None:
        """The pinned baseline of an endpoint, if an operator pinned one."""
        return await self.session.get(BaselineRow, endpoint_id)

    async def pin(
        self, *, endpoint_id: str, scan_id: str, now: datetime, by: str | None, note: str | None
    ) -> BaselineRow:
        """Pin a scan as the baseline (replacing any earlier pin)."""
        row = await self.session.get(BaselineRow, endpoint_id, with_for_update=True)
        if row is None:
            row = BaselineRow(endpoint_id=endpoint_id, scan_id=scan_id, pinned_at=now)
            self.session.add(row)
        row.scan_id, row.pinned_at, row.pinned_by, row.note = scan_id, now, by, note
        await self.session.flush()
        return row

    async def baseline_keys(self, endpoint_id: str, since: datetime) -> set[tuple[str, ...]]:
        """Identity of baseline events already recorded since the pin (to record once)."""
        rows = await self.session.execute(
            select(
                DriftEventRow.surface,
                DriftEventRow.subject,
                DriftEventRow.kind,
                DriftEventRow.before_digest,
                DriftEventRow.after_digest,
            ).where(
                DriftEventRow.endpoint_id == endpoint_id,
                DriftEventRow.basis == Basis.BASELINE.value,
                DriftEventRow.observed_at >= since,
            )
        )
        return {_key_of(*row) for row in rows}

    async def add_events(
        self,
        *,
        endpoint_id: str,
        scan_id: str,
        basis: Basis,
        changes: Sequence[DriftChange],
        observed_at: datetime,
    ) -> list[DriftEventRow]:
        """Store changes as events and flush so they have ids."""
        rows = [
            DriftEventRow(
                endpoint_id=endpoint_id,
                scan_id=scan_id,
                basis=basis.value,
                surface=change.surface.value,
                kind=change.kind,
                subject=change.subject,
                severity=change.severity.value,
                summary=change.summary,
                before=change.before,
                after=change.after,
                before_digest=change.before_digest,
                after_digest=change.after_digest,
                text_diff=change.text_diff,
                observed_at=observed_at,
            )
            for change in changes
        ]
        self.session.add_all(rows)
        await self.session.flush()
        return rows

    async def open_events(self, endpoint_id: str, *, since: datetime) -> Sequence[DriftEventRow]:
        """Unacknowledged events of an endpoint observed since a time, newest first."""
        result = await self.session.execute(
            select(DriftEventRow)
            .where(
                DriftEventRow.endpoint_id == endpoint_id,
                DriftEventRow.acknowledged_at.is_(None),
                DriftEventRow.observed_at >= since,
            )
            .order_by(DriftEventRow.observed_at.desc(), DriftEventRow.id.desc())
        )
        return result.scalars().all()

    async def acknowledge(
        self, event_id: int, *, now: datetime, by: str | None, note: str | None
    ) -> DriftEventRow | None:
        """Stamp one event as seen; acknowledging twice keeps the first stamp."""
        row = await self.session.get(DriftEventRow, event_id, with_for_update=True)
        if row is not None and row.acknowledged_at is None:
            row.acknowledged_at, row.acknowledged_by, row.ack_note = now, by, note
            await self.session.flush()
        return row

    async def acknowledge_all(
        self, endpoint_id: str, *, now: datetime, by: str | None, note: str
    ) -> int:
        """Acknowledge every open event of an endpoint (a new baseline supersedes them)."""
        result = await self.session.execute(
            update(DriftEventRow)
            .where(
                DriftEventRow.endpoint_id == endpoint_id,
                DriftEventRow.acknowledged_at.is_(None),
            )
            .values(acknowledged_at=now, acknowledged_by=by, ack_note=note)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def events(
        self,
        *,
        endpoint_id: str | None = None,
        since: datetime | None = None,
        severities: Sequence[str] | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> Sequence[DriftEventRow]:
        """Events newest first, filtered; `before_id` is a keyset cursor."""
        query = select(DriftEventRow).order_by(DriftEventRow.id.desc()).limit(limit)
        if endpoint_id is not None:
            query = query.where(DriftEventRow.endpoint_id == endpoint_id)
        if since is not None:
            query = query.where(DriftEventRow.observed_at >= since)
        if severities is not None:
            query = query.where(DriftEventRow.severity.in_(severities))
        if before_id is not None:
            query = query.where(DriftEventRow.id < before_id)
        return (await self.session.execute(query)).scalars().all()


def change_key(change: DriftChange) -> tuple[str, ...]:
    """What makes two changes the same change (used to record baseline drift once)."""
    return _key_of(
        change.surface.value, change.subject, change.kind, change.before_digest, change.after_digest
    )


def _key_of(
    surface: str, subject: str, kind: str, before: str | None, after: str | None
) -> tuple[str, ...]:
    return (surface, subject, kind, before or "", after or "")


def event_doc(row: DriftEventRow) -> DriftEventDoc:
    """The wire form of a stored event."""
    return DriftEventDoc(
        id=row.id,
        endpoint_id=row.endpoint_id,
        scan_id=row.scan_id,
        basis=row.basis,
        surface=row.surface,
        kind=row.kind,
        subject=row.subject,
        severity=row.severity,
        summary=row.summary,
        before=row.before,
        after=row.after,
        text_diff=row.text_diff,
        observed_at=row.observed_at,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        ack_note=row.ack_note,
    )


def window_start(now: datetime, window_s: float) -> datetime:
    """The start of the stability window ending now."""
    return now - timedelta(seconds=window_s)
