"""Which rows of the append-only `scores` table a reader has not seen yet, by id.

The lookup cache and the dashboard's fleet index both stay fresh by tailing `scores`
instead of expiring entries. Reading "ids above the highest seen" alone would miss rows on
PostgreSQL, where autoincrement ids can commit out of order (two scans finishing at once:
id 11 visible before id 10). Re-reading a window of recent ids on every poll catches them
but costs a read of the window each time, about 6 ms of the API loop's CPU a second at
1,000 ids, which landed straight in the lookups' p99. So the tail remembers the *gaps*: ids
below the highest seen that have not appeared. A poll asks for ids above the highest and
for the gaps, so a quiet poll reads no rows at all. A gap older than `overlap` ids is
given up: a rolled-back transaction's id never appears, and no commit lags that far.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, or_

from trustsvc.store.models import ScoreRow

OVERLAP = 1000
"""How many ids below the highest seen are still watched for late commits."""


class ScoreTail:
    """The set of score ids a reader has consumed, as the highest seen and the gaps below it."""

    def __init__(self, *, overlap: int = OVERLAP) -> None:
        self.overlap = overlap
        self.highest = 0
        self.gaps: set[int] = set()

    def begin_at(self, highest: int, present: Iterable[int]) -> None:
        """Start after `highest`, read elsewhere.

        `present` are the ids at or below it within the overlap; the missing ones are gaps.
        """
        self.highest = highest
        first = max(1, highest - self.overlap + 1)
        self.gaps = set(range(first, highest + 1)) - set(present)

    def wanted(self) -> ColumnElement[bool]:
        """The condition on `scores.id` for rows not consumed yet.

        Gaps that fell out of the overlap are given up first.
        """
        floor = self.highest - self.overlap
        self.gaps = {i for i in self.gaps if i > floor}
        above: ColumnElement[bool] = ScoreRow.id > self.highest
        return or_(above, ScoreRow.id.in_(sorted(self.gaps))) if self.gaps else above

    def consumed(self, ids: Iterable[int]) -> None:
        """Record ids the reader has read.

        They leave the gaps, and ids skipped below a new highest become gaps.
        """
        read = set(ids)
        self.gaps -= read
        top = max(read, default=0)
        if top > self.highest:
            start = max(self.highest + 1, top - self.overlap + 1)
            self.gaps |= set(range(start, top)) - read
            self.highest = top
