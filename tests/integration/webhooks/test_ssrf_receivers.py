"""Every non-public special-purpose block as a webhook receiver name, refused at delivery.

The receiver API's literal URLs are covered in tests/integration/test_ssrf_boundaries.py; a
name is resolved and judged at every delivery, so this is the other half of the boundary.
"""

from __future__ import annotations

import ipaddress

from probes.netpolicy import NetworkPolicy
from tests.integration.webhooks.conftest import (
    Sessions,
    add_webhook,
    deliverer,
    deliveries,
    record_events,
)
from tests.servers.registry import Clock
from tests.unit.netpolicy_cases import REFUSED


def _compressed(address: str) -> str:
    return ipaddress.ip_address(address).compressed


async def test_delivery_refuses_a_receiver_name_resolving_to_any_non_public_block(
    sessions: Sessions, clock: Clock
) -> None:
    names = {f"r{index}.hooks.test": address for index, address in enumerate(REFUSED)}
    for name in names:
        await add_webhook(sessions, f"https://{name}/hook")
    await record_events(sessions, {})

    async def resolver(host: str, _port: int) -> list[str]:
        return [names[host]]

    sender = deliverer(sessions, clock, policy=NetworkPolicy(), resolver=resolver)
    tally = await sender.deliver_due(limit=len(names))

    assert (tally.claimed, tally.failed) == (len(names), len(names))
    rows = await deliveries(sessions)
    assert len(rows) == len(names)
    for row in rows:
        assert row.status == "failed"
        assert row.last_status_code is None
        assert (row.last_error or "").startswith("refused: target refused by network policy: ")
    errors = " ".join(row.last_error or "" for row in rows)
    assert all(_compressed(address) in errors for address in REFUSED)
