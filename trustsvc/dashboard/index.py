"""The fleet's standing held in memory, kept fresh by tailing the append-only scores table.

The overview's counts by verdict and grade, the last day's blocked or newly warned
endpoints and the week's biggest falls each need every endpoint's latest result; as SQL
aggregates over the latest scan of 10,000 endpoints they cost over a second on SQLite
(bench/dashboard.py). So, as the lookup cache does, the index reads the scores table once
(one row per score: its endpoint, scan time and figures) and afterwards only the rows its
`ScoreTail` has not seen (ids above the highest, and the gaps below it that a late commit
may still fill), at most once per `poll_s`; an idle poll reads no rows. The figures are
then a pass over a dict in memory.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trustsvc.dashboard.fleet import BAD, LIST_LIMIT, RECENT, WEEK, Fall, Overview, Recent
from trustsvc.drift.models import DriftEventRow
from trustsvc.scoring.types import Verdict
from trustsvc.store.models import EndpointRow, ScanRow, ScoreRow
from trustsvc.store.repositories import SCAN_COMPLETED
from trustsvc.store.score_tail import ScoreTail

BATCH = 20_000
FIGURES_S = 60.0
"""How long the in-memory figures are reused while no score arrives (the 24 h and 7 day
windows move on by themselves, so they are recomputed at least this often)."""
NEVER = "never assessed"


@dataclass(slots=True)
class Entry:
    """An endpoint's latest result, the verdict before it, and its scores of the last week."""

    url: str
    scan_id: str
    score_id: int
    assessed_at: datetime
    score: int
    grade: str
    verdict: str
    confidence: float
    previous: str | None = None
    week: list[tuple[datetime, int, int]] = field(default_factory=list)  # (at, score id, score)


@dataclass(frozen=True, slots=True)
class Figures:
    """What the overview computes from the entries alone."""

    assessed: int
    total: int
    never: list[tuple[str, str]]  # (endpoint id, URL) of endpoints never assessed
    open_drift: Counter[str]
    by_verdict: Counter[str]
    by_grade: Counter[str]
    recent: list[Recent]
    falls: list[Fall]


_IDS = select(ScoreRow.id).order_by(ScoreRow.id).limit(BATCH)
_SCORES = (
    select(
        ScoreRow.id,
        ScanRow.endpoint_id,
        EndpointRow.url,
        ScanRow.id,
        ScanRow.assessed_at,
        ScoreRow.score,
        ScoreRow.grade,
        ScoreRow.verdict,
        ScoreRow.confidence,
    )
    .join(ScanRow, ScanRow.id == ScoreRow.scan_id)
    .join(EndpointRow, EndpointRow.id == ScanRow.endpoint_id)
    .where(ScanRow.status == SCAN_COMPLETED)
    .order_by(ScoreRow.id)
)


class FleetIndex:
    """Every endpoint's latest standing, by endpoint id."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        *,
        poll_s: float = 1.0,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._poll_s = poll_s
        self._entries: dict[str, Entry] = {}
        self._tail = ScoreTail()
        self._polled_at = float("-inf")
        self._lock = asyncio.Lock()
        self._changes = 0
        self._figures: tuple[int, float, Figures] | None = None

    async def refresh(self) -> None:
        """Read the scores stored since the last poll (all of them the first time)."""
        async with self._lock:
            if time.monotonic() - self._polled_at < self._poll_s:
                return
            async with self._sessions() as session:
                while await self._read_batch(session) == BATCH:
                    pass
            self._polled_at = time.monotonic()

    async def _read_batch(self, session: AsyncSession) -> int:
        """Apply the next batch of scores; returns how many ids it looked at."""
        # Ids first (the primary key alone), then the rows up to the batch's last id.
        wanted = self._tail.wanted()
        ids = (await session.scalars(_IDS.where(wanted))).all()
        if ids:
            rows = (await session.execute(_SCORES.where(wanted, ScoreRow.id <= ids[-1]))).all()
            self._apply_rows(rows)
        self._tail.consumed(ids)
        return len(ids)  # a full batch: more may follow, read on from the new highest id

    def _apply_rows(self, rows: Sequence[Any]) -> None:
        horizon = self._clock() - WEEK - RECENT
        for score_id, endpoint_id, url, scan_id, at, score, grade, verdict, confidence in rows:
            if at is None:
                continue
            self._changes += 1
            entry = Entry(url, scan_id, score_id, at, score, grade, verdict, confidence)
            self._apply(endpoint_id, entry)
            week = self._entries[endpoint_id].week
            if at >= horizon:
                week.append((at, score_id, score))

    def _apply(self, endpoint_id: str, new: Entry) -> None:
        old = self._entries.get(endpoint_id)
        if old is None:
            self._entries[endpoint_id] = new
            return
        if (new.assessed_at, new.score_id) < (old.assessed_at, old.score_id):
            return  # an older scan's score (re-read or late commit): not the latest
        new.previous = old.previous if old.scan_id == new.scan_id else old.verdict
        new.week = old.week
        self._entries[endpoint_id] = new

    async def overview(self, session: AsyncSession) -> Overview:
        """The overview's figures (from memory; counts re-read when scores arrive)."""
        figures = await self.figures(session)
        by_verdict, by_grade = Counter(figures.by_verdict), Counter(figures.by_grade)
        if figures.never:
            by_verdict[NEVER] = by_grade[NEVER] = len(figures.never)
        return Overview(
            endpoints=figures.total,
            by_verdict=by_verdict,
            by_grade=by_grade,
            recent=figures.recent,
            open_drift=figures.open_drift,
            falls=figures.falls,
        )

    async def entries(self, session: AsyncSession) -> tuple[dict[str, Entry], int, Figures]:
        """The entries by endpoint id, a number that changes when they do, and the figures."""
        figures = await self.figures(session)
        return self._entries, self._changes, figures

    async def figures(self, session: AsyncSession) -> Figures:
        """The figures, recomputed when a score arrived or FIGURES_S passed.

        A score arrives with every scan, acknowledgement and pinned baseline, so the drift
        counts are as fresh as the scores; endpoints created without a scan yet (and so the
        total) show within FIGURES_S.
        """
        await self.refresh()
        cached = self._figures
        if cached is not None:
            changes, at, figures = cached
            if changes == self._changes and time.monotonic() - at < FIGURES_S:
                return figures
        changes, now = self._changes, self._clock()
        total = int(await session.scalar(select(func.count()).select_from(EndpointRow)) or 0)
        never = [] if total <= len(self._entries) else await _never_assessed(session)
        drift = await session.execute(
            select(DriftEventRow.severity, func.count())
            .where(DriftEventRow.acknowledged_at.is_(None))
            .group_by(DriftEventRow.severity)
        )
        by_verdict: Counter[str] = Counter()
        by_grade: Counter[str] = Counter()
        for entry in self._entries.values():
            by_verdict[entry.verdict] += 1
            by_grade[entry.grade] += 1
        figures = Figures(
            assessed=len(self._entries),
            total=total,
            never=never,
            open_drift=Counter(dict(drift.all())),
            by_verdict=by_verdict,
            by_grade=by_grade,
            recent=self._recent(now),
            falls=self._falls(now),
        )
        self._figures = (changes, time.monotonic(), figures)
        return figures

    def _recent(self, now: datetime) -> list[Recent]:
        since = now - RECENT
        found = [
            Recent(eid, e.url, e.verdict, e.previous, e.grade, e.assessed_at)
            for eid, e in self._entries.items()
            if e.assessed_at >= since
            and e.verdict in BAD
            and not (e.verdict == Verdict.WARN.value and e.previous == Verdict.WARN.value)
        ]
        found.sort(key=lambda r: (r.verdict != Verdict.BLOCK.value, -r.assessed_at.timestamp()))
        return found[:LIST_LIMIT]

    def _falls(self, now: datetime) -> list[Fall]:
        since = now - WEEK
        falls = []
        for eid, entry in self._entries.items():
            week = [item for item in entry.week if item[0] >= since]
            entry.week = week
            if week:
                first = min(week)[2]
                if first > entry.score:
                    falls.append(Fall(eid, entry.url, first, entry.score))
        falls.sort(key=lambda f: (-f.drop, f.url))
        return falls[:LIST_LIMIT]


async def _never_assessed(session: AsyncSession) -> list[tuple[str, str]]:
    """Endpoints without a completed scan (one index seek each, done once per FIGURES_S)."""
    completed = select(ScanRow.id).where(
        ScanRow.endpoint_id == EndpointRow.id, ScanRow.status == SCAN_COMPLETED
    )
    rows = await session.execute(select(EndpointRow.id, EndpointRow.url).where(~completed.exists()))
    return [(endpoint_id, url) for endpoint_id, url in rows.all()]
