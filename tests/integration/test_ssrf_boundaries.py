"""Every special-purpose block at the scan boundary and at the webhook-receiver boundary.

The default policy (public targets only) is judged where a stranger's URL enters: the scan API
and ScanService.prepare (an IP literal, and a name that resolves to the address), the webhook
API (a literal receiver URL) and the deliverer (a receiver name resolved at delivery). Nothing
here connects anywhere: a refused address is refused before any connection, and an allowed one
is only resolved and pinned.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from probes.context import ProbeContext
from probes.errors import TargetRejected
from probes.netpolicy import NetworkPolicy
from tests.integration.api.conftest import UNLIMITED_SCANS
from tests.unit.netpolicy_cases import CASES, PROBED, REFUSED, url_host
from trustsvc.api.app import create_app
from trustsvc.config.settings import ProbeSettings, Settings
from trustsvc.scans.service import ScanService

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[Client]:
    settings = Settings(
        access=UNLIMITED_SCANS,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'api.db'}",
        probes=ProbeSettings(policy=NetworkPolicy()),
        auto_migrate=True,
    )
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


def _compressed(address: str) -> str:
    return ipaddress.ip_address(address).compressed


async def test_the_scan_api_refuses_every_non_public_block(client: Client) -> None:
    for address in REFUSED:
        response = await client.post("/v1/scans", json={"url": f"https://{url_host(address)}/"})
        assert response.status_code == 422, (address, response.text)
        problem = response.json()
        assert problem["type"].endswith("/target-rejected")
        assert _compressed(address) in problem["detail"]
    assert (await client.get("/v1/endpoints")).json()["items"] == []


@pytest.mark.parametrize(("address", "refused", "why"), CASES)
async def test_scan_preparation_judges_literals_and_resolved_names_alike(
    address: str, *, refused: bool, why: str
) -> None:
    async def resolver(host: str, _port: int) -> list[str]:
        assert host == "mcp.ssrf.test"
        return [address]

    service = ScanService(ctx=ProbeContext(policy=NetworkPolicy()), resolver=resolver)
    for url in (f"https://{url_host(address)}/mcp", "https://mcp.ssrf.test/mcp"):
        if refused:
            with pytest.raises(TargetRejected, match="refused by network policy"):
                await service.prepare(url)
        else:
            prepared = await service.prepare(url)
            assert prepared.target is not None, why
            assert prepared.target.addresses == (_compressed(address),)


async def test_the_webhook_api_refuses_every_non_public_receiver(client: Client) -> None:
    for address in REFUSED:
        url = f"https://{url_host(address)}/hook"
        response = await client.post("/v1/webhooks", json={"url": url})
        assert response.status_code == 422, (address, response.text)
        assert _compressed(address) in response.json()["detail"]
    for address in PROBED:
        url = f"https://{url_host(address)}/hook"
        response = await client.post("/v1/webhooks", json={"url": url})
        assert response.status_code == 201, (address, response.text)
    listed = (await client.get("/v1/webhooks")).json()["items"]
    assert len(listed) == len(PROBED)
