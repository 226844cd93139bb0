"""The overview's figures: standing, the last day's bad news, drift, the week's falls.

`dashboard.index` computes them; these are the shapes the overview page renders.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from trustsvc.scoring.types import Verdict

RECENT = timedelta(days=1)
WEEK = timedelta(days=7)
LIST_LIMIT = 10
BAD = (Verdict.BLOCK.value, Verdict.WARN.value)


@dataclass(frozen=True, slots=True)
class Recent:
    """An endpoint blocked, or newly warned, in the last day."""

    endpoint_id: str
    url: str
    verdict: str
    previous: str | None
    grade: str
    assessed_at: datetime


@dataclass(frozen=True, slots=True)
class Fall:
    """An endpoint whose score fell this week: its first score of the week and its latest."""

    endpoint_id: str
    url: str
    before: int
    after: int

    @property
    def drop(self) -> int:
        """How many points it lost."""
        return self.before - self.after


@dataclass(frozen=True, slots=True)
class Overview:
    """Everything the overview shows above the table."""

    endpoints: int
    by_verdict: Counter[str]
    by_grade: Counter[str]
    recent: Sequence[Recent]
    open_drift: Counter[str]
    falls: Sequence[Fall]
