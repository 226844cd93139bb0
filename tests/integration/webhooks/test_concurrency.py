"""Two deliverers draining one outbox at once: every delivery is posted exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter

from tests.integration.webhooks.conftest import (
    Sessions,
    add_webhook,
    deliverer,
    deliveries,
    record_events,
)
from tests.servers.registry import Clock
from tests.servers.webhook_receiver import WebhookReceiver
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.webhooks.deliver import WebhookDeliverer

EVENTS = 100


async def drain(sender: WebhookDeliverer) -> int:
    """Rounds of a few rows each, so the two deliverers' claims interleave."""
    posted = 0
    while (tally := await sender.deliver_due(limit=4)).claimed:
        posted += tally.delivered
    return posted


async def test_two_deliverers_post_each_delivery_exactly_once(
    database_url: str, sessions: Sessions, clock: Clock
) -> None:
    async with WebhookReceiver() as first, WebhookReceiver() as second:
        await add_webhook(sessions, first.url)
        await add_webhook(sessions, second.url)
        await record_events(sessions, *({} for _ in range(EVENTS)))
        other_engine = make_engine(database_url)
        try:
            other = make_sessionmaker(other_engine)
            posted = await asyncio.gather(
                drain(deliverer(sessions, clock)), drain(deliverer(other, clock))
            )
        finally:
            await other_engine.dispose()
        requests = first.requests + second.requests

    ids = Counter(r.headers["x-trustsvc-delivery"] for r in requests)
    rows = await deliveries(sessions)
    assert len(rows) == 2 * EVENTS
    assert sum(posted) == 2 * EVENTS
    assert ids == Counter({str(row.id): 1 for row in rows})
    assert {(row.status, row.attempts) for row in rows} == {("delivered", 1)}
