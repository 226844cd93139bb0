"""Two workers on one PostgreSQL database send each scheduled digest once per period.

Each worker is a full `open_services` with its own engine, sharing an injected clock; both
fire the `send_digests` job at the same moments through the real job runner (job leases),
and also call the service directly, past the lease, to show the delivery key holds alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from tests.integration.digests.support import LOOPBACK_OK
from tests.servers.registry import Clock
from tests.servers.webhook_receiver import WebhookReceiver
from trustsvc.config.settings import ProbeSettings, Settings
from trustsvc.digests.models import SubscriptionRunRow
from trustsvc.digests.repository import create_subscription
from trustsvc.digests.spec import check_subscription
from trustsvc.jobs.runner import JobRunner
from trustsvc.jobs.table import JobSpec, send_digests
from trustsvc.services import AppServices, open_services

pytestmark = pytest.mark.postgres
T0 = dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC)


@contextlib.asynccontextmanager
async def workers(url: str, clock: Clock) -> AsyncIterator[tuple[AppServices, AppServices]]:
    settings = Settings(
        database_url=url, auto_migrate=True, probes=ProbeSettings(policy=LOOPBACK_OK)
    )
    async with (
        open_services(settings, clock=clock.now) as first,
        open_services(settings, clock=clock.now) as second,
    ):
        yield first, second


def job(app: AppServices) -> JobSpec:
    return JobSpec(name="send_digests", every_s=60.0, exclusive=True, run=lambda: send_digests(app))


async def test_a_daily_digest_fires_once_per_period_across_two_workers(
    postgres_url: str, receiver: WebhookReceiver
) -> None:
    clock = Clock(fixed=T0)
    async with workers(postgres_url, clock) as (first, second):
        spec = check_subscription(
            name="fleet", schedule="daily", webhook_url=receiver.url, policy=LOOPBACK_OK
        )
        async with first.sessions.begin() as session:
            assert await create_subscription(session, spec, now=T0) is not None
        runners = JobRunner(first, "worker-a"), JobRunner(second, "worker-b")

        for day in range(3):
            clock.set(T0 + dt.timedelta(days=day, hours=3, seconds=5))  # just past 08:00
            await asyncio.gather(*(r.run(job(r.app)) for r in runners))
            # Past the lease: both build the period at once; the delivery key keeps one.
            await asyncio.gather(first.digests.run_due(), second.digests.run_due())
            outcomes = sorted(r.outcomes["send_digests"] for r in runners)
            assert outcomes[1] == "skipped: another process holds it", outcomes

        async with first.sessions() as session:
            count = await session.scalar(select(func.count()).select_from(SubscriptionRunRow))
            ends = list(await session.scalars(select(SubscriptionRunRow.period_end)))
    assert count == 3
    assert sorted(ends) == [T0 + dt.timedelta(days=d, hours=3) for d in range(3)]
    keys = [r.headers["x-trustsvc-delivery"] for r in receiver.requests]
    assert len(keys) == 3
    assert len(set(keys)) == 3
    periods = [json.loads(r.body)["period"] for r in receiver.requests]
    assert [p["end"] for p in periods] == [
        (T0 + dt.timedelta(days=d, hours=3)).isoformat().replace("+00:00", "Z") for d in range(3)
    ]
    assert all(a["end"] == b["start"] for a, b in itertools.pairwise(periods))
