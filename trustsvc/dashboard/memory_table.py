"""The endpoints table sorted by a result column, served from the fleet index in memory.

Sorting 100,000 endpoints by their latest score in SQL means computing every endpoint's
latest result and sorting it for every page: seconds on SQLite (bench/dashboard.py). The
index already holds every latest result, so each sort order is built once per change of the
index (a Python sort) and a page is a bisect to the cursor plus a walk to the next matches.
Keys, ties and cursors are the SQL table's (`table.py`), so either path reads the same
pages; endpoints never assessed take the same worst keys.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.dashboard.index import Entry, FleetIndex
from trustsvc.dashboard.table import (
    EPOCH,
    GRADES,
    MAX_TEXT,
    NEVER,
    VERDICTS,
    Sort,
    TablePage,
    TableQuery,
    TableRow,
    decode_cursor,
    encode_cursor,
    open_drift_counts,
)

Key = int | float | datetime


@dataclass(frozen=True, slots=True)
class _Line:
    key: Key
    url: str
    endpoint_id: str
    entry: Entry | None


_Order = tuple[list[_Line], list[tuple[Key, str]]]
"""Lines in (key, URL) order, and their (key, URL) pairs for bisecting to a cursor."""


def _key_of(sort: Sort) -> Callable[[Entry | None], Key]:
    if sort is Sort.SCORE:
        return lambda e: -1 if e is None else e.score
    if sort is Sort.CONFIDENCE:
        return lambda e: -1.0 if e is None else e.confidence
    if sort is Sort.GRADE:
        ranks = {grade: rank for rank, grade in enumerate(GRADES)}
        return lambda e: len(GRADES) if e is None else ranks.get(e.grade, len(GRADES))
    if sort is Sort.VERDICT:
        ranks = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
        return lambda e: len(VERDICTS) if e is None else ranks.get(e.verdict, len(VERDICTS))
    return lambda e: EPOCH if e is None else e.assessed_at


class MemoryTable:
    """Sorted orders of the fleet index, rebuilt when the index changes."""

    def __init__(self, index: FleetIndex) -> None:
        self._index = index
        self._orders: dict[Sort, tuple[int, int, _Order]] = {}

    async def _order(
        self, session: AsyncSession, sort: Sort
    ) -> tuple[list[_Line], list[tuple[Key, str]]]:
        entries, changes, figures = await self._index.entries(session)
        cached = self._orders.get(sort)
        if cached is not None and cached[0] == changes and cached[1] == id(figures):
            return cached[2]
        key = _key_of(sort)
        lines = [_Line(key(e), e.url, eid, e) for eid, e in entries.items()]
        lines.extend(_Line(key(None), url, eid, None) for eid, url in figures.never)
        lines.sort(key=lambda line: (line.key, line.url))
        keys = [(line.key, line.url) for line in lines]
        self._orders[sort] = (changes, id(figures), (lines, keys))
        return lines, keys

    async def page(self, session: AsyncSession, query: TableQuery) -> TablePage:
        """One page, exactly as `table.table_page` would answer it."""
        lines, keys = await self._order(session, query.sort)
        after = decode_cursor(query)
        matches = _matcher(query)
        picked: list[_Line] = []
        if query.descending:
            start = len(lines) if after is None else bisect.bisect_left(keys, after)
            positions: Sequence[int] = range(start - 1, -1, -1)
        else:
            start = 0 if after is None else bisect.bisect_right(keys, after)
            positions = range(start, len(lines))
        more = False
        for position in positions:
            line = lines[position]
            if not matches(line):
                continue
            if len(picked) == query.limit:
                more = True
                break
            picked.append(line)
        drift = await open_drift_counts(session, [line.endpoint_id for line in picked])
        rows = [_row(line, drift.get(line.endpoint_id, 0)) for line in picked]
        last = picked[-1] if picked else None
        cursor = encode_cursor(query, last.key, last.url) if more and last else None
        return TablePage(rows=rows, next_cursor=cursor)


def _matcher(query: TableQuery) -> Callable[[_Line], bool]:
    text = query.text[:MAX_TEXT].lower()

    def matches(line: _Line) -> bool:
        entry = line.entry
        for wanted, have in ((query.verdict, "verdict"), (query.grade, "grade")):
            if not wanted:
                continue
            if wanted == NEVER:
                if entry is not None:
                    return False
            elif entry is None or getattr(entry, have) != wanted:
                return False
        return not text or text in line.url.lower()

    return matches


def _row(line: _Line, open_drift: int) -> TableRow:
    entry = line.entry
    return TableRow(
        endpoint_id=line.endpoint_id,
        url=line.url,
        score=None if entry is None else entry.score,
        grade=None if entry is None else entry.grade,
        verdict=None if entry is None else entry.verdict,
        confidence=None if entry is None else entry.confidence,
        assessed_at=None if entry is None else entry.assessed_at,
        open_drift=open_drift,
    )
