"""The registry and drift report pages over a real rug pull and a hand-registered server."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.api.conftest import loopback_settings
from tests.integration.dashboard.lab import HOSTILE_TOOLS, SCRIPT, ToolServers, rug_pulled
from trustsvc.api.app import create_app
from trustsvc.lab.pki import LabPki

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def pulled(tmp_path: Path, lab_pki: LabPki) -> AsyncIterator[tuple[Client, dict[str, str]]]:
    """An app holding two scans of a rug-pulled endpoint and a server that lists it."""
    settings = loopback_settings(f"sqlite+aiosqlite:///{tmp_path / 'rd.db'}", lab_pki.ca_cert)
    async with AsyncTestClient(app=create_app(settings)) as client:
        with ToolServers() as servers:
            url = servers.url("/mcp")
            servers.listings["/mcp"] = HOSTILE_TOOLS
            assert (await client.post("/v1/scans", json={"url": url})).status_code == 201
            servers.listings["/mcp"] = rug_pulled(HOSTILE_TOOLS)
            second = await client.post("/v1/scans", json={"url": url})
            assert second.status_code == 201
        server = {
            "name": "com.acme/notes",
            "version": "1.2.0",
            "description": f"Notes {SCRIPT} \u202eevil",
            "remotes": [{"type": "streamable-http", "url": url}],
        }
        created = await client.post("/v1/servers", json=server)
        assert created.status_code == 201, created.text
        yield client, {"url": url, "endpoint_id": second.json()["endpoint_id"]}


async def test_the_registry_page_shows_servers_proof_and_verdicts(
    pulled: tuple[Client, dict[str, str]],
) -> None:
    client, seen = pulled
    response = await client.get("/ui/registry")
    assert response.status_code == 200
    html = response.text
    assert "<b>com.acme/notes</b>" in html
    assert "proved by domain control" in html
    assert f'href="/ui/endpoints/{seen["endpoint_id"]}"' in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "\\u202e" in html
    assert "No sync has run." in html
    assert "com.acme/notes" not in (await client.get("/ui/registry?q=nothing-like-it")).text
    assert "com.acme/notes" not in (await client.get("/ui/registry?status=deleted")).text
    endpoint = (await client.get(f"/ui/endpoints/{seen['endpoint_id']}")).text
    listings = re.search(r'<ul class="list" id="listings">(.*?)</ul>', endpoint, re.DOTALL)
    assert listings is not None
    assert "com.acme/notes" in listings.group(1)


async def test_the_drift_page_filters_and_links_to_the_exports(
    pulled: tuple[Client, dict[str, str]],
) -> None:
    client, seen = pulled
    html = (await client.get("/ui/drift")).text
    rows = re.findall(r'<td class="url"><a href="/ui/endpoints/([^"#]+)#drift-\d+">', html)
    assert rows
    assert set(rows) == {seen["endpoint_id"]}
    severities = re.findall(r'<td><span class="sev s-(\w+)">', html)
    assert severities
    top = max(severities, key=("info", "low", "medium", "high", "critical").index)
    above = {"info": "low", "low": "medium", "medium": "high", "high": "critical"}.get(top)
    if above is not None:
        filtered = (await client.get(f"/ui/drift?severity={above}")).text
        assert "No drift in this window." in filtered
    csv_link = re.search(r'id="export-csv" href="([^"]+)"', html)
    assert csv_link is not None
    export = await client.get(csv_link.group(1).replace("&amp;", "&"))
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert seen["url"] in export.text
