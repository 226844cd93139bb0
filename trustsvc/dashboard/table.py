"""The endpoints table: sorted, filtered and keyset-paginated over the whole fleet.

A page is found by comparing (sort key, URL) with the last row of the page before, never by
OFFSET, so page 2,000 costs what page 1 does when sorted by URL (the unique index), and pages
stay stable while scans add endpoints. Keys of endpoints never assessed sort as the worst
value (score -1, grade and verdict after every real one, assessed at the epoch).
"""

from __future__ import annotations

import base64
import binascii
import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.dashboard.latest import LatestScan, LatestScore, latest_columns
from trustsvc.drift.models import DriftEventRow
from trustsvc.scoring.types import GRADE_LADDER, UNKNOWN_GRADE, Verdict
from trustsvc.store.db import UtcDateTime
from trustsvc.store.models import EndpointRow

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
GRADES = (*GRADE_LADDER, UNKNOWN_GRADE)
VERDICTS = (Verdict.BLOCK.value, Verdict.WARN.value, Verdict.ALLOW.value)
NEVER = "none"
"""The filter value for endpoints never assessed."""
MAX_TEXT = 200


class Sort(enum.StrEnum):
    """Columns the table sorts by."""

    URL = "url"
    SCORE = "score"
    GRADE = "grade"
    VERDICT = "verdict"
    CONFIDENCE = "confidence"
    ASSESSED = "assessed"


def _sort_key(sort: Sort) -> ColumnElement[Any]:
    if sort is Sort.URL:
        return EndpointRow.url.expression
    if sort is Sort.SCORE:
        return func.coalesce(LatestScore.score, -1)
    if sort is Sort.CONFIDENCE:
        return func.coalesce(LatestScore.confidence, -1.0)
    if sort is Sort.GRADE:
        return case(
            {grade: rank for rank, grade in enumerate(GRADES)},
            value=LatestScore.grade,
            else_=len(GRADES),
        )
    if sort is Sort.VERDICT:
        return case(
            {verdict: rank for rank, verdict in enumerate(VERDICTS)},
            value=LatestScore.verdict,
            else_=len(VERDICTS),
        )
    return func.coalesce(LatestScan.assessed_at, literal(EPOCH, UtcDateTime()))


@dataclass(frozen=True, slots=True)
class TableQuery:
    """What the table shows: sort, direction, filters and where the page starts."""

    sort: Sort = Sort.URL
    descending: bool = False
    verdict: str | None = None
    grade: str | None = None
    text: str = ""
    cursor: str | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class TableRow:
    """One endpoint's line."""

    endpoint_id: str
    url: str
    score: int | None
    grade: str | None
    verdict: str | None
    confidence: float | None
    assessed_at: datetime | None
    open_drift: int


@dataclass(frozen=True, slots=True)
class TablePage:
    """A page of rows and the cursor of the next one (None on the last page)."""

    rows: Sequence[TableRow]
    next_cursor: str | None


class BadCursor(ValueError):
    """A cursor we did not issue, or one for another sort."""


def encode_cursor(query: TableQuery, key: object, url: str) -> str:
    """The opaque cursor after (key, url) under this sort."""
    value = key.isoformat() if isinstance(key, datetime) else key
    raw = json.dumps([query.sort.value, query.descending, value, url], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(query: TableQuery) -> tuple[object, str] | None:
    """The (key, url) a cursor names; BadCursor for anything else."""
    if query.cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(query.cursor + "=" * (-len(query.cursor) % 4))
        sort, descending, key, url = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise BadCursor("the cursor is not one we issued") from exc
    if sort != query.sort.value or descending is not query.descending or not isinstance(url, str):
        raise BadCursor("the cursor belongs to another sort")
    if query.sort is Sort.ASSESSED:
        try:
            key = datetime.fromisoformat(str(key))
        except ValueError as exc:
            raise BadCursor("the cursor is not one we issued") from exc
    elif query.sort is Sort.URL:
        key = url
    elif not isinstance(key, int | float) or isinstance(key, bool):
        raise BadCursor("the cursor is not one we issued")
    return key, url


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _filtered(query: TableQuery) -> Select[*tuple[Any, ...]]:
    statement = latest_columns()
    if query.verdict == NEVER:
        statement = statement.where(LatestScore.id.is_(None))
    elif query.verdict:
        statement = statement.where(LatestScore.verdict == query.verdict)
    if query.grade == NEVER:
        statement = statement.where(LatestScore.id.is_(None))
    elif query.grade:
        statement = statement.where(LatestScore.grade == query.grade)
    if query.text:
        pattern = _like(query.text[:MAX_TEXT])
        statement = statement.where(func.lower(EndpointRow.url).like(pattern, escape="\\"))
    return statement


async def table_page(session: AsyncSession, query: TableQuery) -> TablePage:
    """One page of the endpoints table."""
    key = _sort_key(query.sort)
    statement = _filtered(query).add_columns(key.label("sort_key"))
    after = decode_cursor(query)
    pair = tuple_(key, EndpointRow.url)
    if after is not None:
        statement = statement.where(pair < after if query.descending else pair > after)
    order = (key.desc(), EndpointRow.url.desc()) if query.descending else (key, EndpointRow.url)
    rows = (await session.execute(statement.order_by(*order).limit(query.limit + 1))).all()
    page = rows[: query.limit]
    drift = await open_drift_counts(session, [row[0] for row in page])
    items = [
        TableRow(
            endpoint_id=row[0],
            url=row[1],
            score=row[2],
            grade=row[3],
            verdict=row[4],
            confidence=row[5],
            assessed_at=row[6],
            open_drift=drift.get(row[0], 0),
        )
        for row in page
    ]
    more = len(rows) > query.limit
    last = page[-1] if page else None
    cursor = encode_cursor(query, last[7], last[1]) if more and last is not None else None
    return TablePage(rows=items, next_cursor=cursor)


async def open_drift_counts(session: AsyncSession, endpoint_ids: Sequence[str]) -> dict[str, int]:
    """Unacknowledged drift events per endpoint, for the endpoints of one page."""
    if not endpoint_ids:
        return {}
    result = await session.execute(
        select(DriftEventRow.endpoint_id, func.count())
        .where(
            DriftEventRow.endpoint_id.in_(endpoint_ids),
            DriftEventRow.acknowledged_at.is_(None),
        )
        .group_by(DriftEventRow.endpoint_id)
    )
    return {endpoint_id: int(count) for endpoint_id, count in result.all()}
