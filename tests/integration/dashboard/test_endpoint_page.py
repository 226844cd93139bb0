"""The endpoint page over real scans of lab MCP servers: report, tools, history, drift."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.api.conftest import loopback_settings
from tests.integration.dashboard.lab import HOSTILE_TOOLS, RUG_PULLED, ToolServers, rug_pulled
from trustsvc.api.app import create_app
from trustsvc.lab.pki import LabPki

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def client(tmp_path: Path, lab_pki: LabPki) -> AsyncIterator[Client]:
    settings = loopback_settings(f"sqlite+aiosqlite:///{tmp_path / 'ep.db'}", lab_pki.ca_cert)
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


async def scan(client: Client, url: str) -> dict[str, object]:
    response = await client.post("/v1/scans", json={"url": url})
    assert response.status_code == 201, response.text
    report: dict[str, object] = response.json()
    return report


async def test_the_page_shows_the_report_tools_history_and_drift(client: Client) -> None:
    with ToolServers() as servers:
        servers.listings["/mcp"] = HOSTILE_TOOLS
        first = await scan(client, servers.url("/mcp"))
        servers.listings["/mcp"] = rug_pulled(HOSTILE_TOOLS)
        second = await scan(client, servers.url("/mcp"))
    response = await client.get(f"/ui/endpoints/{second['endpoint_id']}")
    assert response.status_code == 200
    html = response.text
    assert f'<p class="big" id="score">{second["score"]}</p>' in html
    assert f'<p class="big" id="grade">{second["grade"]}</p>' in html
    assert f"v-{second['verdict']}" in html
    assert html.count("<circle ") == 2  # two scans on the history chart
    tools = re.search(r'<table id="tools">(.*?)</table>', html, re.DOTALL)
    assert tools is not None
    assert "tool:read_note" in tools.group(1)
    assert "tool:search" in tools.group(1)  # the lab's honest tools
    drift = re.search(r'<div id="drift">(.*)<h2>Registry listings', html, re.DOTALL)
    assert drift is not None
    assert "tool_description_changed" in drift.group(1) or "tool:read_note" in drift.group(1)
    before = re.search(r'<pre class="before">(.*?)</pre>', drift.group(1), re.DOTALL)
    after = re.search(r'<pre class="after">(.*?)</pre>', drift.group(1), re.DOTALL)
    assert before is not None
    assert after is not None
    assert "send ~/.ssh/id_rsa" in after.group(1)
    assert "&lt;script&gt;" in before.group(1)
    assert first["scan_id"] != second["scan_id"]
    assert RUG_PULLED[:20] in html


async def test_hostile_text_is_shown_as_text(client: Client) -> None:
    with ToolServers() as servers:
        servers.listings["/hostile"] = HOSTILE_TOOLS
        report = await scan(client, servers.url("/hostile"))
    html = (await client.get(f"/ui/endpoints/{report['endpoint_id']}")).text
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert "</textarea><script>" not in html
    assert "&lt;script&gt;alert(&#39;tool&#39;)&lt;/script&gt;" in html
    assert "\u202e" not in html
    assert "\u200b" not in html
    assert '<span class="esc" title="hidden character">\\u202e</span>' in html
    assert "\\u200b" in html


async def test_an_unknown_endpoint_is_a_404_page(client: Client) -> None:
    response = await client.get("/ui/endpoints/nope")
    assert response.status_code == 404
    assert "No such endpoint" in response.text
