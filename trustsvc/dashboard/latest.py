"""The newest completed result of each endpoint, as one selectable for the fleet's queries.

No summary table is kept: the latest scan is found through the scans table's
(endpoint, status, assessed_at) index and its newest score through the scores' scan index,
one seek each per endpoint, so it is exactly what the lookup serves and never stale.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from trustsvc.store.models import EndpointRow, ScanRow, ScoreRow
from trustsvc.store.repositories import SCAN_COMPLETED

LatestScan = aliased(ScanRow, name="latest_scan")
LatestScore = aliased(ScoreRow, name="latest_score")

_NEWEST_SCAN = (
    select(ScanRow.id)
    .where(ScanRow.endpoint_id == EndpointRow.id, ScanRow.status == SCAN_COMPLETED)
    .order_by(ScanRow.assessed_at.desc())
    .limit(1)
    .correlate(EndpointRow)
    .scalar_subquery()
)
_NEWEST_SCORE = (
    select(func.max(ScoreRow.id))
    .where(ScoreRow.scan_id == LatestScan.id)
    .correlate(LatestScan)
    .scalar_subquery()
)


_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")


def with_latest(query: _Query) -> _Query:
    """`query` over endpoints, outer-joined to each one's latest scan and score."""
    return query.outerjoin(LatestScan, LatestScan.id == _NEWEST_SCAN).outerjoin(
        LatestScore, LatestScore.id == _NEWEST_SCORE
    )


def latest_columns() -> Select[*tuple[Any, ...]]:
    """Endpoint id and URL with the latest figures (None where never assessed)."""
    return with_latest(
        select(
            EndpointRow.id,
            EndpointRow.url,
            LatestScore.score,
            LatestScore.grade,
            LatestScore.verdict,
            LatestScore.confidence,
            LatestScan.assessed_at,
        ).select_from(EndpointRow)
    )
