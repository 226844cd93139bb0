"""Repositories on SQLite and PostgreSQL: append-only results, lookups, history, pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from probes.model import Attempt, AttemptStatus, ErrorReason, Family, Outcome, ProbeSpec, Severity
from probes.target import parse_endpoint_url
from trustsvc.lookup.cache import LookupService
from trustsvc.reports.schema import ReferenceDoc
from trustsvc.reports.stored import report_from_stored
from trustsvc.scoring.aggregate import score_findings
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import upgrade
from trustsvc.store.models import EndpointRow, FindingRow, ScanRow, ScoreRow
from trustsvc.store.repositories import (
    SCAN_COMPLETED,
    SCAN_FAILED,
    EndpointRepository,
    ScanRepository,
    score_row,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
SPEC = ProbeSpec(
    id="tls_certificate_expired",
    family=Family.TLS,
    question="Has the certificate expired?",
    rationale="Clients reject it.",
    bad_outcome=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation="Renew it.",
    citations=("RFC 5280",),
)
CATALOGUE = {SPEC.id: SPEC}


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url)
    await upgrade(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def store_scan(
    sessions: async_sessionmaker[AsyncSession], url: str, at: datetime, *, expired: bool
) -> str:
    finding = SPEC.judged(
        expired,
        "expired" if expired else "valid",
        evidence={
            "days_left": -3 if expired else 80,
            "ok": not expired,
            "ratio": 0.5,
            "none": None,
        },
    )
    attempt = Attempt(
        family=Family.TLS,
        status=AttemptStatus.COMPLETED,
        reason=None,
        detail="completed",
        elapsed_ms=640,
    )
    async with sessions.begin() as session:
        endpoint = await EndpointRepository(session).get_or_create(parse_endpoint_url(url), at)
        scans = ScanRepository(session)
        scan = await scans.start(endpoint, reason="test", now=at)
        await scans.complete(
            scan,
            assessed_at=at + timedelta(seconds=1),
            attempts=[attempt],
            findings=[finding],
            score=score_findings([finding], CATALOGUE),
        )
        return scan.id


async def test_a_completed_scan_round_trips_with_typed_evidence(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    scan_id = await store_scan(sessions, "https://MCP.example.com/mcp", T0, expired=True)
    async with sessions() as session:
        stored = await ScanRepository(session).get(scan_id)
    assert stored is not None
    assert stored.scan.status == SCAN_COMPLETED
    assert stored.scan.assessed_at == T0 + timedelta(seconds=1)
    report = report_from_stored(stored, stored.scan.endpoint.url)
    assert report.url == "https://mcp.example.com/mcp"
    assert (report.grade, report.verdict) == ("F", "block")
    [finding] = report.findings
    assert finding.evidence == {"days_left": -3, "ok": False, "ratio": 0.5, "none": None}
    assert finding.remediation == "Renew it."
    assert ReferenceDoc(framework="CWE", edition="4.16", id="CWE-298") in finding.references
    assert finding.references[-1] == ReferenceDoc(framework="RFC", edition=None, id="RFC 5280")
    assert finding.provenance == "observed"
    assert [a.elapsed_ms for a in report.attempts] == [640]
    assert [g.id for g in report.gates] == ["tls.untrusted"]


async def test_findings_stored_before_editions_and_provenance_read_back(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Old rows hold plain reference strings and no provenance: served, never guessed."""
    scan_id = await store_scan(sessions, "https://old.example.com/mcp", T0, expired=True)
    async with sessions.begin() as session:
        await session.execute(
            update(FindingRow)
            .where(FindingRow.scan_id == scan_id)
            .values(references=["OWASP-MCP03", "ATLAS AML.T0110", "CWE-298"], provenance=None)
        )
    async with sessions() as session:
        stored = await ScanRepository(session).get(scan_id)
    assert stored is not None
    [finding] = report_from_stored(stored, stored.scan.endpoint.url).findings
    assert finding.provenance is None
    assert finding.references == [
        ReferenceDoc(framework="OWASP-MCP", edition=None, id="MCP03"),
        ReferenceDoc(framework="MITRE-ATLAS", edition=None, id="AML.T0110"),
        ReferenceDoc(framework="CWE", edition=None, id="CWE-298"),
    ]


async def test_lookup_serves_the_newest_completed_scan(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await store_scan(sessions, "https://mcp.example.com/mcp", T0, expired=True)
    newest = await store_scan(
        sessions, "https://mcp.example.com/mcp", T0 + timedelta(days=1), expired=False
    )
    async with sessions.begin() as session:
        endpoint = await EndpointRepository(session).by_url("https://mcp.example.com/mcp")
        assert endpoint is not None
        running = await ScanRepository(session).start(
            endpoint, reason="test", now=T0 + timedelta(days=2)
        )
    async with sessions() as session:
        history = await ScanRepository(session).history(endpoint.id, before=None, limit=10)
    latest = await LookupService(engine_of(sessions), poll_s=0).latest(
        "https://mcp.example.com/mcp"
    )
    assert latest is not None
    assert latest.scan_id == newest
    assert latest.verdict != "block"
    assert latest.assessed_at == T0 + timedelta(days=1, seconds=1)
    assert next(scan.id for scan, _ in history) == running.id
    assert [score is None for _, score in history] == [True, False, False]


async def test_one_endpoint_per_canonical_url_and_keyset_pages(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        repo = EndpointRepository(session)
        first = await repo.get_or_create(parse_endpoint_url("https://b.example/"), T0)
        again = await repo.get_or_create(parse_endpoint_url("HTTPS://B.example:443/"), T0)
        for host in ("c", "a", "d"):
            await repo.get_or_create(parse_endpoint_url(f"https://{host}.example/"), T0)
    assert first.id == again.id
    async with sessions() as session:
        repo = EndpointRepository(session)
        page1 = await repo.page(after_url=None, limit=2)
        page2 = await repo.page(after_url=page1[-1].url, limit=2)
    assert [e.host for e in page1] == ["a.example", "b.example"]
    assert [e.host for e in page2] == ["c.example", "d.example"]


async def test_a_failed_scan_keeps_no_results(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        endpoint = await EndpointRepository(session).get_or_create(
            parse_endpoint_url("https://x.example/"), T0
        )
        scans = ScanRepository(session)
        scan = await scans.start(endpoint, reason="test", now=T0)
        await scans.fail(scan, error="interrupted")
    async with sessions() as session:
        stored = await ScanRepository(session).get(scan.id)
    assert stored is not None
    assert (stored.scan.status, stored.scan.error) == (SCAN_FAILED, "interrupted")
    assert (stored.attempts, stored.findings, stored.score) == ([], [], None)
    assert await LookupService(engine_of(sessions), poll_s=0).latest("https://x.example/") is None


async def test_an_aborted_transaction_writes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    attempt = Attempt(
        family=Family.TLS,
        status=AttemptStatus.ERROR,
        reason=ErrorReason.TIMEOUT,
        detail="slow",
        elapsed_ms=1,
    )
    with pytest.raises(RuntimeError):
        async with sessions.begin() as session:
            endpoint = await EndpointRepository(session).get_or_create(
                parse_endpoint_url("https://y.example/"), T0
            )
            scan = await ScanRepository(session).start(endpoint, reason="test", now=T0)
            finding = SPEC.finding(Outcome.NOT_AVAILABLE, "not measured")
            await ScanRepository(session).complete(
                scan,
                assessed_at=T0,
                attempts=[attempt],
                findings=[finding],
                score=score_findings([finding], CATALOGUE),
            )
            raise RuntimeError("interrupted mid-write")
    async with sessions() as session:
        assert await EndpointRepository(session).by_url("https://y.example/") is None


def engine_of(sessions: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    engine = sessions.kw["bind"]
    assert isinstance(engine, AsyncEngine)
    return engine


async def test_lookup_cache_follows_scores_stored_by_other_processes(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    lookup = LookupService(engine_of(sessions), poll_s=1.0)
    await lookup.start(poll_in_background=False)
    url = "https://cache.example/mcp"
    assert await lookup.latest(url) is None
    first = await store_scan(sessions, url, T0, expired=True)
    assert await lookup.latest(url) is None, "a miss stays cached until a poll"
    assert await lookup.poll_once() == 1
    cached = await lookup.latest(url)
    assert cached is not None
    assert cached.scan_id == first
    second = await store_scan(sessions, url, T0 + timedelta(hours=1), expired=False)
    stale = await lookup.latest(url)
    assert stale is not None
    assert stale.scan_id == first
    await lookup.poll_once()
    fresh = await lookup.latest(url)
    assert fresh is not None
    assert fresh.scan_id == second


async def test_lookup_cache_sees_a_score_that_commits_out_of_id_order(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """On PostgreSQL a lower id can commit after a higher one; the poll watches the gap.

    The late score's row is removed before the cache starts, so at start its id is a gap
    below the highest id, as an id taken by a transaction that has not committed yet is.
    """
    await store_scan(sessions, "https://late.example/", T0, expired=True)
    await store_scan(sessions, "https://early.example/", T0, expired=True)
    async with sessions.begin() as session:
        late = await ScanRepository(session).get(
            (
                await session.execute(
                    select(ScanRow.id)
                    .join(EndpointRow)
                    .where(EndpointRow.url == "https://late.example/")
                )
            ).scalar_one()
        )
        assert late is not None
        assert late.score is not None
        late_score_id = late.score.id
        await session.delete(late.score)
    lookup = LookupService(engine_of(sessions), poll_s=1.0)
    await lookup.start(poll_in_background=False)
    assert await lookup.poll_once() == 0, "a quiet poll reads nothing"
    cached = await lookup.latest("https://late.example/")
    assert cached is None, "no score left for it"
    async with sessions.begin() as session:
        session.add(score_row_with_id(late.scan.id, late_score_id))
    await lookup.poll_once()
    revived = await lookup.latest("https://late.example/")
    assert revived is not None
    assert revived.scan_id == late.scan.id


def score_row_with_id(scan_id: str, score_id: int) -> ScoreRow:
    finding = SPEC.judged(is_bad=True, message="expired")
    row = score_row(scan_id, score_findings([finding], CATALOGUE), scored_at=T0)
    row.id = score_id
    return row


async def test_lookup_cache_is_bounded() -> None:
    engine = make_engine("sqlite+aiosqlite:///:memory:")
    await upgrade(engine)
    lookup = LookupService(engine, poll_s=1.0, max_entries=3)
    for i in range(5):
        await lookup.latest(f"https://n{i}.example/")
    assert list(lookup._cache) == [
        "https://n2.example/",
        "https://n3.example/",
        "https://n4.example/",
    ]
    await engine.dispose()
