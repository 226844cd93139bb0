"""Server Cards through the real scan: the API, a synced lab registry and a live SDK server.

The SDK server (tests/servers/mcp.py, serverInfo `trustsvc-test` 1.0.0) serves a card at
`<endpoint>/server-card` in front of its MCP app; the fake upstream registry lists the
endpoint as `com.acme/tools` and the sync job imports it into the scan's database. The
card first lies (another host among its remotes, another name, repository and version),
then tells the truth; the findings of both scans are read from the API's report.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from probes.context import ProbeLimits
from probes.netpolicy import NetworkPolicy
from tests.integration.api.conftest import UNLIMITED_SCANS
from tests.servers.cards import Document, as_json, card, card_middleware
from tests.servers.mcp import mcp_server
from tests.servers.registry import FakeRegistry, make_entry
from trustsvc.api.app import create_app
from trustsvc.config.settings import ProbeSettings, Settings
from trustsvc.registry.sync import SyncJob
from trustsvc.registry.upstream import UpstreamClient, UpstreamConfig
from trustsvc.store.db import make_engine, make_sessionmaker

REPOSITORY = "https://github.com/acme/tools"
ELSEWHERE = "https://mcp.evil.example/mcp"


def settings_for(database_url: str) -> Settings:
    return Settings(
        access=UNLIMITED_SCANS,
        database_url=database_url,
        probes=ProbeSettings(
            policy=NetworkPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),)),
            limits=ProbeLimits(family_budget_s=30.0, network_timeout_s=5.0),
        ),
        auto_migrate=True,
    )


async def sync(database_url: str, url: str, upstream: FakeRegistry) -> None:
    upstream.add(
        make_entry(
            "com.acme/tools",
            "1.0.0",
            remotes=[{"type": "streamable-http", "url": url}],
            repository={"url": REPOSITORY, "source": "github", "id": "12345"},
        )
    )
    engine = make_engine(database_url)
    try:
        async with UpstreamClient(UpstreamConfig(base_url=upstream.url)) as source:
            await SyncJob(make_sessionmaker(engine)).run(source, upstream.url, full=True)
    finally:
        await engine.dispose()


async def card_findings(client: AsyncTestClient[Any], url: str) -> dict[str, dict[str, Any]]:
    response = await client.post("/v1/scans", json={"url": url})
    assert response.status_code == 201, response.text
    return {
        f["probe_id"]: f
        for f in response.json()["findings"]
        if f["probe_id"].startswith("server_card_")
    }


async def test_a_scan_compares_the_card_with_the_registry_and_the_live_server(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'cards.db'}"
    documents: dict[str, Document] = {}
    with mcp_server(wrap=card_middleware(documents)) as server:
        url = server.url
        documents["/mcp/server-card"] = as_json(
            card(
                "com.acme/other",
                [url, ELSEWHERE],
                version="0.9.0",
                repository="https://github.com/x/y",
            )
        )
        async with (
            AsyncTestClient(app=create_app(settings_for(database_url))) as client,
            FakeRegistry() as upstream,
        ):
            await sync(database_url, url, upstream)  # the app migrated the database first
            lying = await card_findings(client, url)
            documents["/mcp/server-card"] = as_json(
                card("com.acme/tools", [url], version="1.0.0", repository=REPOSITORY)
            )
            honest = await card_findings(client, url)

    assert {k: v["outcome"] for k, v in lying.items()} == {
        "server_card_names_other_remotes": "true",
        "server_card_name_differs_from_registry": "true",
        "server_card_served_outside_namespace_domain": "true",  # 127.0.0.1 is not acme.com
        "server_card_repository_differs_from_registry": "true",
        "server_card_contradicts_server_info": "true",
    }
    remotes = lying["server_card_names_other_remotes"]
    assert remotes["evidence"]["other_remotes"] == ELSEWHERE
    assert remotes["evidence"]["cards"] == f"{url}/server-card"
    assert remotes["severity"] == "medium"
    live = lying["server_card_contradicts_server_info"]["evidence"]
    assert (live["server_name"], live["server_version"]) == ("trustsvc-test", "1.0.0")
    assert lying["server_card_name_differs_from_registry"]["evidence"]["registry_names"] == (
        "com.acme/tools"
    )
    assert {k: v["outcome"] for k, v in honest.items()} == {
        "server_card_names_other_remotes": "false",
        "server_card_name_differs_from_registry": "false",
        "server_card_served_outside_namespace_domain": "true",
        "server_card_repository_differs_from_registry": "false",
        "server_card_contradicts_server_info": "false",
    }
