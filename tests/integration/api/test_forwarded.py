"""X-Forwarded-For is believed only from trusted proxies, under the real uvicorn server.

The read limit is one request per caller here, so the second read from one address is
refused: a client that could pick its address with the header would never be refused.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
from pathlib import Path

import aiohttp
import pytest

from tests.servers.api_process import free_port
from trustsvc.commands.serve import server
from trustsvc.config.access import AccessSettings, RateLimit
from trustsvc.config.serving import ServingSettings
from trustsvc.config.settings import Settings


async def statuses_with_forged_addresses(settings: Settings) -> list[int]:
    port = free_port()
    api = server(settings, host="127.0.0.1", port=port)
    serving = asyncio.create_task(api.serve())
    try:
        while not api.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
            await asyncio.sleep(0.05)
        async with aiohttp.ClientSession() as http:
            statuses = []
            for n in range(3):
                headers = {"X-Forwarded-For": f"198.51.100.{n + 1}"}
                async with http.get(f"http://127.0.0.1:{port}/livez", headers=headers) as r:
                    statuses.append(r.status)
            return statuses
    finally:
        api.should_exit = True
        await serving


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [
        ((), [200, 429, 429]),  # the default: the header is ignored, the peer is the client
        ((ipaddress.ip_network("127.0.0.1/32"),), [200, 200, 200]),  # one client per header
    ],
)
async def test_forwarded_for_counts_only_behind_a_trusted_proxy(
    tmp_path: Path, proxies: tuple[ipaddress.IPv4Network, ...], expected: list[int]
) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'fwd.db'}",
        access=AccessSettings(read_rate=RateLimit(per_minute=1, burst=1)),
        serving=dataclasses.replace(ServingSettings(), trusted_proxies=proxies),
    )
    assert await statuses_with_forged_addresses(settings) == expected
