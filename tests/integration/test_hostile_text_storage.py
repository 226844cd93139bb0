"""Arbitrary Unicode stored on SQLite and PostgreSQL: nothing refused, read back as escaped.

A lone surrogate cannot be encoded for either driver and PostgreSQL refuses NUL in text and
jsonb; the columns escape them (trustsvc/store/db.py), so whatever text a finding, a snapshot
or a drift event carries, the scan's transaction commits.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.hostile_text import visible, visible_json
from trustsvc.drift.models import DriftEventRow, SnapshotRow
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import upgrade
from trustsvc.store.models import AttemptRow, EndpointRow, FindingRow, ScanRow

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
HOSTILE = st.lists(
    st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from(["\ud800", "\udfff", "\x00", "\u202e"]),
    ),
    max_size=30,
).map("".join)
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[Sessions]:
    engine = make_engine(database_url)
    await upgrade(engine)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


def _rows(text: str) -> tuple[EndpointRow, ScanRow, list[object]]:
    endpoint = EndpointRow(
        id=str(uuid.uuid4()),
        url=f"https://mcp.example.com/{uuid.uuid4().hex}",
        scheme="https",
        host="mcp.example.com",
        port=443,
        created_at=AT,
    )
    scan = ScanRow(
        id=str(uuid.uuid4()),
        endpoint_id=endpoint.id,
        reason="manual",
        status="failed",
        requested_at=AT,
        assessed_at=AT,
        error=text,
    )
    document = {"description": text, text: [text, {"k": text}]}
    rows: list[object] = [
        AttemptRow(
            scan_id=scan.id, family="tools", status="error", reason=None, detail=text, elapsed_ms=1
        ),
        FindingRow(
            scan_id=scan.id,
            probe_id="tool_definition_contains_invalid_characters",
            family="tools",
            outcome="true",
            severity="critical",
            message=text,
            subject=f"tool:{text * 40}",  # escaping may lengthen it past the column
            evidence=document,
            remediation=text,
            references=[text],
        ),
        SnapshotRow(
            scan_id=scan.id, endpoint_id=endpoint.id, taken_at=AT, surfaces={"tools": document}
        ),
        DriftEventRow(
            endpoint_id=endpoint.id,
            scan_id=scan.id,
            basis="previous",
            surface="tools",
            kind="tool_description_changed",
            subject=f"tool:{text}",
            severity="critical",
            summary=text,
            before=document,
            after=text,
            before_digest=None,
            after_digest=None,
            text_diff=text,
            observed_at=AT,
        ),
    ]
    return endpoint, scan, rows


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=HOSTILE)
async def test_any_text_commits_and_reads_back_escaped(sessions: Sessions, text: str) -> None:
    endpoint, scan, rows = _rows(text)
    async with sessions.begin() as session:
        session.add_all([endpoint, scan])
        await session.flush()
        session.add_all(rows)
    shown = visible(text)
    async with sessions() as session:
        stored_scan = await session.get(ScanRow, scan.id)
        finding = await session.scalar(select(FindingRow).where(FindingRow.scan_id == scan.id))
        attempt = await session.scalar(select(AttemptRow).where(AttemptRow.scan_id == scan.id))
        snapshot = await session.get(SnapshotRow, scan.id)
        event = await session.scalar(select(DriftEventRow).where(DriftEventRow.scan_id == scan.id))
    assert stored_scan is not None
    assert finding is not None
    assert attempt is not None
    assert snapshot is not None
    assert event is not None
    assert (stored_scan.error, attempt.detail, finding.message) == (shown, shown, shown)
    assert finding.subject == visible(f"tool:{text * 40}")[:512]
    document = visible_json({"description": text, text: [text, {"k": text}]})
    assert finding.evidence == document
    assert finding.references == [shown]
    assert snapshot.surfaces == {"tools": document}
    assert (event.summary, event.text_diff, event.after) == (shown, shown, shown)
    assert event.before == document
