"""Seeding the store for digest tests: endpoints with scans, scores and drift events."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.netpolicy import NetworkPolicy
from probes.target import parse_endpoint_url
from tests.servers.registry import Clock
from trustsvc.config.digests import DigestSettings, SmtpSettings
from trustsvc.config.drift import ScoreDropSettings
from trustsvc.digests.repository import create_subscription
from trustsvc.digests.service import DigestService
from trustsvc.digests.spec import check_subscription
from trustsvc.drift.models import DriftEventRow
from trustsvc.scoring.policy import POLICY
from trustsvc.scoring.types import TrustScore, Verdict
from trustsvc.store.repositories import EndpointRepository, ScanRepository
from trustsvc.webhooks.deliver import WebhookDeliverer

Sessions = async_sessionmaker[AsyncSession]
T0 = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
LOOPBACK_OK = NetworkPolicy(allow_private=True)
HOSTILE_TOOL = "<!channel> <script>x</script> =HYPERLINK(1)"


def service(
    sessions: Sessions, clock: Clock, *, smtp: SmtpSettings | None = None, **options: object
) -> DigestService:
    """A digest service over loopback receivers, jitter at its midpoint."""
    settings = replace(DigestSettings(base_url="https://trust.example"), **options)  # type: ignore[arg-type]
    if smtp is not None:
        settings = replace(settings, smtp=smtp)
    return DigestService(
        sessions=sessions,
        deliverer=WebhookDeliverer(sessions=sessions, policy=LOOPBACK_OK, clock=clock.now),
        settings=settings,
        score_drop=ScoreDropSettings(),
        clock=clock.now,
        jitter=lambda: 0.5,
    )


async def subscribe(sessions: Sessions, now: dt.datetime, **fields: object) -> str:
    """Store a checked subscription; returns its id."""
    spec = check_subscription(policy=LOOPBACK_OK, **fields)  # type: ignore[arg-type]
    async with sessions.begin() as session:
        row = await create_subscription(session, spec, now=now)
        assert row is not None
        return row.id


async def scanned(
    sessions: Sessions,
    url: str,
    at: dt.datetime,
    *,
    score: int = 80,
    grade: str = "B",
    verdict: Verdict = Verdict.ALLOW,
    drift: tuple[tuple[str, str, str], ...] = (),
) -> str:
    """A completed scan with a score and drift events ((severity, kind, subject), ...)."""
    trust = TrustScore(
        policy_version=POLICY.version,
        score=score,
        score_measured=score,
        grade=grade,
        verdict=verdict,
        confidence=0.9,
        gates=(),
        dimensions=(),
    )
    async with sessions.begin() as session:
        endpoint = await EndpointRepository(session).get_or_create(parse_endpoint_url(url), at)
        scan = await ScanRepository(session).start(endpoint, reason="test", now=at)
        await ScanRepository(session).complete(
            scan, assessed_at=at, attempts=[], findings=[], score=trust
        )
        session.add_all(
            DriftEventRow(
                endpoint_id=endpoint.id,
                scan_id=scan.id,
                basis="previous",
                surface="tools",
                kind=kind,
                subject=subject,
                severity=severity,
                summary=f"Tool `{subject.partition(':')[2]}` changed.",
                observed_at=at,
            )
            for severity, kind, subject in drift
        )
        return endpoint.id
