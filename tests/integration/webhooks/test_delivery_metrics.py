"""Each delivery round's outcomes reach `trustsvc_webhook_deliveries_total`."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.integration.webhooks.conftest import (
    Sessions,
    add_webhook,
    deliverer,
    record_events,
)
from tests.servers.registry import Clock
from tests.servers.webhook_receiver import WebhookReceiver, failing
from trustsvc.observability.metrics import Metrics


def deliveries_by_outcome(metrics: Metrics) -> dict[str, float]:
    return {
        sample.labels["outcome"]: sample.value
        for family in text_string_to_metric_families(metrics.render().decode())
        for sample in family.samples
        if sample.name == "trustsvc_webhook_deliveries_total"
    }


async def test_retries_and_the_final_delivery_are_counted(
    sessions: Sessions, receiver: WebhookReceiver, clock: Clock
) -> None:
    await add_webhook(sessions, receiver.url)
    await record_events(sessions, {})
    receiver.answer(*failing(1))
    metrics = Metrics()
    sender = deliverer(sessions, clock, observe=metrics.deliveries)

    await sender.deliver_due()
    assert deliveries_by_outcome(metrics) == {
        "delivered": 0,
        "retrying": 1,
        "deferred": 0,
        "failed": 0,
    }
    clock.advance(3600)
    await sender.deliver_due()
    assert deliveries_by_outcome(metrics)["delivered"] == 1
    assert deliveries_by_outcome(metrics)["retrying"] == 1
