"""`score_dropped` against the real score tables, on SQLite and PostgreSQL.

The history query must read each scan's latest revision under the current policy only, in
scan order; the event must reach the events table in the scan's transaction; and the
stability standing must leave it out, so a drop never lowers the next score by itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.target import parse_endpoint_url
from trustsvc.config.drift import ScoreDropSettings
from trustsvc.drift.recorder import drift_standing, record_score_drop, score_history
from trustsvc.lookup.cache import LookupService
from trustsvc.scoring.policy import POLICY
from trustsvc.scoring.types import TrustScore, Verdict
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import upgrade
from trustsvc.store.repositories import EndpointRepository, ScanRepository, score_row

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
RULE = ScoreDropSettings(points=10, sustain=2, margin=3)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url)
    await upgrade(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


def trust(score: int, grade: str, verdict: Verdict = Verdict.ALLOW) -> TrustScore:
    return TrustScore(
        policy_version=POLICY.version,
        score=score,
        score_measured=score,
        grade=grade,
        verdict=verdict,
        confidence=0.9,
        gates=(),
        dimensions=(),
    )


async def scan(
    sessions: async_sessionmaker[AsyncSession], at: datetime, score: TrustScore
) -> tuple[str, list[str]]:
    """Store one scan the way ScanService does; returns its id and the kinds it recorded."""
    async with sessions.begin() as session:
        endpoint = await EndpointRepository(session).get_or_create(
            parse_endpoint_url("https://mcp.example.com/mcp"), T0
        )
        row = await ScanRepository(session).start(endpoint, reason="test", now=at)
        events = await record_score_drop(
            session,
            endpoint_id=endpoint.id,
            scan_id=row.id,
            score=score,
            rule=RULE,
            floors=POLICY.grade_floors,
            now=at,
        )
        await ScanRepository(session).complete(
            row, assessed_at=at, attempts=[], findings=[], score=score
        )
        return row.id, [e.kind for e in events]


async def test_a_sustained_fall_is_one_event_and_not_counted_by_stability(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    grades = [(82, "B"), (60, "C"), (61, "C"), (60, "C")]
    recorded = []
    for index, (value, grade) in enumerate(grades):
        _, kinds = await scan(sessions, T0 + timedelta(hours=index), trust(value, grade))
        recorded.append(kinds)
    assert recorded == [[], [], ["score_dropped"], []]
    async with sessions() as session:
        endpoint = await EndpointRepository(session).by_url("https://mcp.example.com/mcp")
        assert endpoint is not None
        standing = await drift_standing(
            session, endpoint.id, now=T0 + timedelta(hours=4), compared=True
        )
    assert standing.open_events == ()


async def test_history_reads_the_latest_revision_and_one_policy(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    first, _ = await scan(sessions, T0, trust(90, "A"))
    second, _ = await scan(sessions, T0 + timedelta(hours=1), trust(50, "D", Verdict.WARN))
    async with sessions.begin() as session:
        # an acknowledgement re-scored the second scan (revision 1) ...
        rescored = score_row(second, trust(88, "A"), scored_at=T0 + timedelta(hours=2))
        rescored.revision = 1
        # ... and an older policy's score of the first scan must not be read
        other = score_row(first, trust(10, "F", Verdict.BLOCK), scored_at=T0)
        other.policy_version = "0-old"
        session.add_all([rescored, other])
    async with sessions() as session:
        endpoint = await EndpointRepository(session).by_url("https://mcp.example.com/mcp")
        assert endpoint is not None
        history = await score_history(session, endpoint.id, policy_version=POLICY.version, limit=10)
    assert [(p.scan_id, p.score, p.grade) for p in history] == [
        (first, 90, "A"),
        (second, 88, "A"),
    ]
    # the re-scored scan stands at A, so one more D scan is not yet a sustained fall
    _, kinds = await scan(sessions, T0 + timedelta(hours=3), trust(50, "D", Verdict.WARN))
    assert kinds == []


async def test_lookups_show_a_hovering_score_at_one_grade_and_never_damp_a_block(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The lookup's display level, folded from the stored scores, with a live cache."""
    engine = sessions.kw["bind"]
    lookup = LookupService(engine, poll_s=1.0, hysteresis=RULE)
    await lookup.start(poll_in_background=False)
    url = "https://mcp.example.com/mcp"
    seen = []
    steps = [(72, "B", Verdict.ALLOW), (69, "C", Verdict.WARN), (71, "B", Verdict.ALLOW)]
    steps += [(66, "C", Verdict.WARN), (66, "F", Verdict.BLOCK), (80, "B", Verdict.ALLOW)]
    for index, (value, grade, verdict) in enumerate(steps):
        await scan(sessions, T0 + timedelta(hours=index), trust(value, grade, verdict))
        await lookup.poll_once()
        record = await lookup.latest(url)
        assert record is not None
        assert (record.score, record.grade, record.verdict) == (value, grade, verdict.value)
        seen.append((record.display_score, record.display_grade))
    assert seen == [(72, "B"), (72, "B"), (72, "B"), (66, "C"), (66, "F"), (80, "B")]
