"""The pre-connect lookup: the latest stored judgement of an endpoint, served from memory.

Agents call lookup before every connection, so it must cost about as much as a trivial
route; a database round trip costs ~15x that here (bench/lookup). Results are cached per
canonical URL, and freshness comes from tailing the append-only `scores` table instead of
per-entry expiry: once per `poll_s` one indexed query lists the URLs scored since the last
poll, and their entries are dropped. The query asks only for the ids a `ScoreTail` has not
seen (above the highest, and the gaps below it that a slower transaction may still
commit), so a quiet poll reads no rows. Refresh cost is then
one query per poll however many endpoints are cached, and a scan stored by any process
shows within `poll_s` (a scan completed in this process shows at once). Misses are cached
the same way, so a flood of lookups for unknown URLs cannot hammer the database.

Each record also carries the score and grade to *show* (`display_score`, `display_grade`):
the display hysteresis of `drift.score_drop.displayed`, folded from the endpoint's recent
scores when the entry is read from the database, so a score hovering at a grade floor does
not flap in lookups. The verdict is never damped.

When a poll fails (the database is away) the cache keeps what it holds and says so:
`stale_s` is how long since the last poll that succeeded, which the lookup route returns as
`stale: true` and an `Age` header. An agent is better served by the last verdict, marked,
than by a 503 for every endpoint at once; what the cache does not hold fails as the
database does. The next poll that succeeds drops whatever was scored meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from probes.target import parse_submitted_url
from trustsvc.config.drift import ScoreDropSettings
from trustsvc.drift.recorder import score_history
from trustsvc.drift.score_drop import Floors, ScorePoint, displayed
from trustsvc.observers import ScanObserver
from trustsvc.reports.schema import ScanReport
from trustsvc.scoring.evidence import NO_EVIDENCE_GATE
from trustsvc.scoring.policy import POLICY
from trustsvc.store.models import EndpointRow, ScanRow, ScoreRow
from trustsvc.store.repositories import SCAN_COMPLETED
from trustsvc.store.score_tail import ScoreTail

log = logging.getLogger(__name__)

MAX_CHANGES_PER_POLL = 10_000


@functools.lru_cache(maxsize=65_536)
def canonical_url(raw: str) -> str:
    """The canonical form of a submitted URL, memoised: agents look up the same URLs again.

    Raises TargetRejected like parse_submitted_url (failures are not memoised).
    """
    return parse_submitted_url(raw).url


@dataclass(frozen=True, slots=True, kw_only=True)
class LookupRecord:
    """The headline figures of an endpoint's newest completed scan."""

    url: str
    endpoint_id: str
    scan_id: str
    score: int
    grade: str
    verdict: str
    confidence: float
    policy_version: str
    assessed_at: datetime
    display_score: int
    display_grade: str
    could_not_assess: str | None = None


_LATEST = (
    select(
        EndpointRow.url,
        EndpointRow.id,
        ScanRow.id,
        ScoreRow.score,
        ScoreRow.grade,
        ScoreRow.verdict,
        ScoreRow.confidence,
        ScoreRow.policy_version,
        ScanRow.assessed_at,
        ScoreRow.gates,
    )
    .join(ScanRow, ScanRow.endpoint_id == EndpointRow.id)
    .join(ScoreRow, ScoreRow.scan_id == ScanRow.id)
    .where(ScanRow.status == SCAN_COMPLETED)
    .order_by(ScanRow.assessed_at.desc(), ScoreRow.id.desc())
    .limit(1)
)

_SCORED_SINCE = (
    select(ScoreRow.id, EndpointRow.url)
    .join(ScanRow, ScoreRow.scan_id == ScanRow.id)
    .join(EndpointRow, ScanRow.endpoint_id == EndpointRow.id)
    .order_by(ScoreRow.id)
    .limit(MAX_CHANGES_PER_POLL)
)


class LookupService(ScanObserver):
    """Latest results by canonical URL, with a bounded cache kept fresh by tailing scores."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        poll_s: float = 1.0,
        max_entries: int = 100_000,
        hysteresis: ScoreDropSettings | None = None,
        floors: Floors = POLICY.grade_floors,
    ) -> None:
        self.engine = engine
        self.poll_s = poll_s
        self.max_entries = max_entries
        self.hysteresis = hysteresis or ScoreDropSettings()
        self.floors = floors
        self._cache: OrderedDict[str, LookupRecord | None] = OrderedDict()
        self._tail = ScoreTail()
        self._poller: asyncio.Task[None] | None = None
        self._stale_since: float | None = None  # set while polls fail: the last good one
        self._last_good = time.monotonic()

    @property
    def stale_s(self) -> float | None:
        """Seconds since the last successful poll while polls fail; None while they work."""
        if self._stale_since is None:
            return None
        return time.monotonic() - self._stale_since

    @property
    def caching(self) -> bool:
        """Whether results are cached (poll_s 0 sends every lookup to the database)."""
        return self.poll_s > 0

    async def start(self, *, poll_in_background: bool = True) -> None:
        """Begin tailing scores from the newest one; call once the schema exists."""
        if not self.caching:
            return
        async with self.engine.connect() as connection:
            highest = (await connection.scalar(select(func.max(ScoreRow.id)))) or 0
            window = select(ScoreRow.id).where(ScoreRow.id > highest - self._tail.overlap)
            present = (await connection.scalars(window)).all()
        self._tail.begin_at(highest, present)
        if poll_in_background:
            self._poller = asyncio.create_task(self._poll_forever(), name="lookup-cache-poller")

    async def stop(self) -> None:
        """Stop tailing scores."""
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller

    async def latest(self, url: str) -> LookupRecord | None:
        """The newest completed result for a canonical URL, or None if never assessed."""
        if url in self._cache:
            self._cache.move_to_end(url)
            return self._cache[url]
        record = await self._query(url)
        self._remember(url, record)
        return record

    def cached(self, url: str) -> LookupRecord | None:
        """The held result for a canonical URL, without reading the database (None: not held).

        For the lookup fast path (trustsvc/api/lookup_fast.py): a URL not held, or held as
        never assessed, goes through the routed handler, which reads and remembers it.
        """
        record = self._cache.get(url)
        if record is not None:
            self._cache.move_to_end(url)
        return record

    def result_stored(self, report: ScanReport) -> None:
        """Forget what lookup held for a just-stored report's URL, without waiting for a poll.

        The next lookup reads the new scan from the database, with its display level folded
        from the endpoint's history (which the report alone does not carry).
        """
        self._cache.pop(report.url, None)

    async def poll_once(self) -> int:
        """Drop entries of URLs scored since the last poll; returns how many scores it read."""
        async with self.engine.connect() as connection:
            rows = (await connection.execute(_SCORED_SINCE.where(self._tail.wanted()))).all()
        for _, url in rows:
            self._cache.pop(url, None)
        self._tail.consumed(score_id for score_id, _ in rows)
        if self._stale_since is not None:
            log.warning("lookup cache poll works again; entries are fresh")
        self._stale_since = None
        self._last_good = time.monotonic()
        return len(rows)

    async def _poll_forever(self) -> None:
        while True:
            await asyncio.sleep(self.poll_s)
            try:
                await self.poll_once()
            except Exception as exc:  # noqa: BLE001 - logged; the cache serves on, marked stale
                if self._stale_since is None:
                    log.warning("lookup cache poll failed; serving entries as stale: %s", exc)
                    self._stale_since = self._last_good

    def _remember(self, url: str, record: LookupRecord | None) -> None:
        if not self.caching:
            return
        self._cache[url] = record
        self._cache.move_to_end(url)
        while len(self._cache) > self.max_entries:
            self._cache.popitem(last=False)

    async def _query(self, url: str) -> LookupRecord | None:
        async with self.engine.connect() as connection:
            row = (await connection.execute(_LATEST.where(EndpointRow.url == url))).first()
            if row is None or row[8] is None:
                return None
            history = await score_history(
                connection, row[1], policy_version=row[7], limit=self.hysteresis.history
            )
        newest = ScorePoint(scan_id=row[2], score=row[3], grade=row[4], verdict=row[5])
        shown = displayed(
            [*(p for p in history if p.scan_id != newest.scan_id), newest],
            self.hysteresis,
            self.floors,
        )
        return LookupRecord(
            url=row[0],
            endpoint_id=row[1],
            scan_id=row[2],
            score=row[3],
            grade=row[4],
            verdict=row[5],
            confidence=row[6],
            policy_version=row[7],
            assessed_at=row[8],
            display_score=shown.score,
            display_grade=shown.grade,
            could_not_assess=_headline(row[9]),
        )


def _headline(gates: object) -> str | None:
    """The evidence.none gate's reason among a stored score's gates."""
    if not isinstance(gates, list):
        return None
    for gate in gates:
        if isinstance(gate, dict) and gate.get("id") == NO_EVIDENCE_GATE:
            return str(gate.get("reason", ""))
    return None
