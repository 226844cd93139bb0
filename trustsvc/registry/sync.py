"""The registry sync job: walk the upstream's pages and store them, resumable and idempotent.

Each page is committed on its own, so a run that fails mid-way keeps what it stored; the
watermark moves only when a run completes, so the next run starts from the same place and
the idempotent upserts make the overlap harmless. The watermark is the upstream's own clock
(the `Date` of the first response) minus an overlap, because rows arrive in name order, not
time order, and a row updated during the walk may sit on a page already read.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.clock import utc_now
from trustsvc.registry.models import SyncRunRow, SyncStateRow
from trustsvc.registry.records import Rejection, UpstreamPage
from trustsvc.registry.run_leases import DEFAULT_SYNC_LEASE_S, fail_lapsed_runs, renew_run_lease
from trustsvc.registry.upsert import RegistryWriter
from trustsvc.store.leases import lease_until, renewed

OVERLAP = timedelta(minutes=5)
MAX_PAGES = 10_000  # the official registry holds ~10^4 servers; a cursor loop stops here
INTERRUPTED = "interrupted: trustsvc stopped during the run"
INTERRUPT_RECORD_S = 5.0  # how long a stopping process may spend recording the interruption
KEPT_REJECTIONS = 200  # the run row keeps the first ones; the count covers them all
ANALYZED_TABLES = ("registry_servers", "registry_remotes", "registry_events", "scan_queue")


class PageSource(Protocol):
    """What the job needs from an upstream client (trustsvc.registry.upstream)."""

    async def page(
        self, *, cursor: str | None, updated_since: datetime | None, include_deleted: bool
    ) -> UpstreamPage:
        """One page of `/v0.1/servers`."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class SyncReport:
    """The outcome of one run, as stored in `sync_runs`."""

    id: str
    registry_url: str
    mode: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    updated_since: datetime | None
    watermark: datetime | None
    pages: int
    rows: int
    added: int
    changed: int
    unchanged: int
    rejected: int
    rejections: list[dict[str, Any]]
    error: str | None

    @classmethod
    def of(cls, row: SyncRunRow) -> SyncReport:
        """The report of a stored run."""
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


class SyncJob:
    """Runs syncs against one database; one instance may serve many runs."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Callable[[], datetime] = utc_now,
        overlap: timedelta = OVERLAP,
        max_pages: int = MAX_PAGES,
        lease_s: float = DEFAULT_SYNC_LEASE_S,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.overlap = overlap
        self.max_pages = max_pages
        self.lease_s = lease_s

    async def run(self, source: PageSource, registry_url: str, *, full: bool) -> SyncReport:
        """Walk every page (a full run) or those changed since the watermark.

        Never raises for upstream or database trouble: a failed run is recorded with its
        error and returned. Runs an earlier process was killed during are failed first, and
        this run's lease is renewed while it walks, so a kill now is found the same way.
        """
        await fail_lapsed_runs(self.sessions, now=self.clock())
        since = None if full else await self._since(registry_url)
        run = await self._start(registry_url, full=full or since is None, since=since)

        async def renew(session: AsyncSession, until: datetime) -> bool:
            run.lease_expires_at = until  # the next page's merge writes it too
            return await renew_run_lease(session, run.id, until)

        name = f"sync run {run.id}"
        async with renewed(self.sessions, renew, lease_s=self.lease_s, clock=self.clock, name=name):
            return await self._walk(run, source, since)

    async def _walk(
        self, run: SyncRunRow, source: PageSource, since: datetime | None
    ) -> SyncReport:
        watermark: datetime | None = None
        cursor: str | None = None
        try:
            for _ in range(self.max_pages):
                page = await source.page(
                    cursor=cursor, updated_since=since, include_deleted=since is None
                )
                watermark = watermark or page.server_date or run.started_at
                await self._store(run, page)
                cursor = page.next_cursor
                if cursor is None:
                    return await self._finish(run, watermark=watermark, full=since is None)
        except asyncio.CancelledError:
            await self._interrupted(run)
            raise
        except Exception as exc:  # noqa: BLE001 - upstream, database or a bug: the run says why
            return await self._finish(run, error=f"{type(exc).__name__}: {exc}"[:2000])
        error = f"stopped after {self.max_pages} pages: the cursor never ended"
        return await self._finish(run, error=error)

    async def _interrupted(self, run: SyncRunRow) -> None:
        """Record a run its process stopped (Ctrl-C, SIGTERM) as failed, not running forever.

        The pages it stored stay; the watermark does not move, so the next run walks them
        again. Bounded: a database that does not answer in time leaves the row as it was.
        """
        finish = asyncio.ensure_future(self._finish(run, error=INTERRUPTED))
        with contextlib.suppress(Exception, asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(finish), INTERRUPT_RECORD_S)

    async def _since(self, registry_url: str) -> datetime | None:
        async with self.sessions() as session:
            state = await session.get(SyncStateRow, registry_url)
        if state is None or state.watermark is None:
            return None
        return state.watermark - self.overlap

    async def _start(self, registry_url: str, *, full: bool, since: datetime | None) -> SyncRunRow:
        run = SyncRunRow(
            id=str(uuid.uuid4()),
            registry_url=registry_url,
            mode="full" if full else "incremental",
            status="running",
            started_at=self.clock(),
            finished_at=None,
            updated_since=since,
            watermark=None,
            pages=0,
            rows=0,
            added=0,
            changed=0,
            unchanged=0,
            rejected=0,
            rejections=[],
            error=None,
            lease_expires_at=lease_until(self.clock(), self.lease_s),
        )
        async with self.sessions.begin() as session:
            session.add(run)
        return run

    async def _store(self, run: SyncRunRow, page: UpstreamPage) -> None:
        """Store one page and the run's counters in one transaction."""
        async with self.sessions.begin() as session:
            outcome = await RegistryWriter(session).store(
                page.records, now=self.clock(), source="upstream", run_id=run.id
            )
            run.pages += 1
            run.rows += page.raw_count
            run.added += outcome.added
            run.changed += outcome.changed
            run.unchanged += outcome.unchanged
            run.rejected += len(page.rejections)
            room = KEPT_REJECTIONS - len(run.rejections)
            kept = [_rejection(r) for r in page.rejections[: max(room, 0)]]
            run.rejections = [*run.rejections, *kept]
            await session.merge(run)
        if run.pages == 1:
            await self._analyze()

    async def _analyze(self) -> None:
        """Give PostgreSQL's planner statistics once the first page is in.

        Tables created just before an import have none, so every per-page lookup scans the
        whole table and a 30,000-row import slows as it fills (bench/sync: 52 s -> 26 s).
        """
        async with self.sessions.begin() as session:
            connection = await session.connection()
            if connection.dialect.name == "postgresql":
                await session.execute(text(f"ANALYZE {', '.join(ANALYZED_TABLES)}"))

    async def _finish(
        self,
        run: SyncRunRow,
        *,
        error: str | None = None,
        watermark: datetime | None = None,
        full: bool = False,
    ) -> SyncReport:
        run.finished_at = self.clock()
        run.status = "failed" if error else "completed"
        run.error = error
        run.lease_expires_at = None
        run.watermark = watermark
        async with self.sessions.begin() as session:
            await session.merge(run)
            if error is None:
                state = await session.get(SyncStateRow, run.registry_url)
                if state is None:
                    state = SyncStateRow(registry_url=run.registry_url, watermark=None)
                    session.add(state)
                state.watermark = watermark
                if full:
                    state.last_full_at = run.finished_at
        return SyncReport.of(run)


async def recent_runs(session: AsyncSession, *, limit: int = 20) -> list[SyncReport]:
    """The latest runs, newest first."""
    rows = await session.scalars(
        select(SyncRunRow).order_by(SyncRunRow.started_at.desc()).limit(limit)
    )
    return [SyncReport.of(row) for row in rows]


def _rejection(rejection: Rejection) -> dict[str, Any]:
    return {
        "name": rejection.name,
        "version": rejection.version,
        "reasons": list(rejection.reasons),
    }
