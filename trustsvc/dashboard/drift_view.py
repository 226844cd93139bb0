"""The drift report page: every endpoint's events since a time, at or above a severity.

It reads what `GET /v1/reports/drift` reads (the drift service's report), and links to that
route's JSON and CSV exports with the same filters.
"""

from __future__ import annotations

from datetime import datetime, timedelta

SEVERITIES = ("info", "low", "medium", "high", "critical")
DAYS = (1, 7, 30, 90)
LIMIT = 500


def since_of(now: datetime, days: int) -> datetime:
    """The start of the report's window."""
    return now - timedelta(days=days if days in DAYS else 1)
