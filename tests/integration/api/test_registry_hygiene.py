"""Registry hygiene end to end: lab registry entries forming a namespace farm of HTML remotes
and a duplicate catalogue, real MCP and web servers on loopback, scans, and the API's flags."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.api.conftest import loopback_settings
from tests.servers.html_site import HtmlSite
from tests.servers.registry import FakeRegistry, make_entry
from trustsvc.api.app import create_app
from trustsvc.lab.pki import LabPki
from trustsvc.lab.tls_server import LabTlsConfig, LabTlsServer
from trustsvc.registry.sync import SyncJob
from trustsvc.registry.upstream import UpstreamClient, UpstreamConfig
from trustsvc.store.db import make_engine, make_sessionmaker

Client = AsyncTestClient[Litestar]
FARM_THRESHOLD = 3
WEATHER = (
    {
        "name": "forecast",
        "description": "The forecast for a city.",
        "inputSchema": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
    {"name": "alerts", "description": "Weather alerts.", "inputSchema": {"type": "object"}},
)
NOTES = ({"name": "add_note", "description": "Add a note.", "inputSchema": {"type": "object"}},)


def remote(url: str) -> list[dict[str, Any]]:
    return [{"type": "streamable-http", "url": url}]


def github(owner: str) -> dict[str, str]:
    return {"url": f"https://github.com/{owner}/tools", "source": "github"}


async def scan(client: Client, url: str) -> dict[str, dict[str, Any]]:
    """Scan `url`; its publisher findings by probe id."""
    response = await client.post("/v1/scans", json={"url": url})
    assert response.status_code == 201, response.text
    return {f["probe_id"]: f for f in response.json()["findings"] if f["family"] == "publisher"}


async def scan_all(client: Client, *urls: str) -> list[dict[str, dict[str, Any]]]:
    """Scan `urls` at once; each one's publisher findings, in order."""
    return list(await asyncio.gather(*(scan(client, url) for url in urls)))


def outcome(found: dict[str, dict[str, Any]], probe_id: str) -> str:
    return str(found[probe_id]["outcome"])


async def flagged(client: Client, flag: str) -> list[str]:
    response = await client.get("/v1/servers", params={"flag": flag})
    assert response.status_code == 200, response.text
    return sorted(item["name"] for item in response.json()["items"])


async def sync(database_url: str, upstream: FakeRegistry) -> None:
    """Import the lab registry's entries, as the sync job does."""
    engine = make_engine(database_url)
    try:
        async with UpstreamClient(UpstreamConfig(base_url=upstream.url)) as source:
            run = await SyncJob(make_sessionmaker(engine)).run(source, upstream.url, full=True)
    finally:
        await engine.dispose()
    assert run.status == "completed"


async def check_flags(client: Client, farm: list[str]) -> None:
    """Each flag keeps exactly the servers whose remote's latest assessment raised it."""
    assert await flagged(client, "namespace_farm") == farm
    assert await flagged(client, "serves_html") == farm
    assert await flagged(client, "duplicate_catalogue") == [
        "com.acme/weather",
        "io.github.copycat/weather",
    ]
    assert await flagged(client, "repository_owner_changed") == ["io.github.copycat/weather"]
    assert await flagged(client, "shared_endpoint") == []
    doc = (await client.get("/v1/servers/com.acme/weather")).json()
    assert doc["versions"][0]["remotes"][0]["flags"] == ["duplicate_catalogue"]


def lab_mcp(lab_pki: LabPki, tools: tuple[dict[str, Any], ...]) -> LabTlsServer:
    leaf = lab_pki["valid"]
    return LabTlsServer(LabTlsConfig(chain=leaf.chain, key=leaf.key, mcp_tools=tools))


async def test_farms_duplicates_html_and_moved_repositories_are_found_and_filtered(
    database_url: str, lab_pki: LabPki
) -> None:
    settings = dataclasses.replace(
        loopback_settings(database_url, lab_pki.ca_cert), registry_farm_servers=FARM_THRESHOLD
    )
    leaf = lab_pki["valid"]
    with (
        lab_mcp(lab_pki, WEATHER) as original,
        lab_mcp(lab_pki, WEATHER) as copy,
        lab_mcp(lab_pki, NOTES) as notes,
        HtmlSite(leaf.chain, leaf.key) as site,
    ):
        async with (
            FakeRegistry() as upstream,
            AsyncTestClient(app=create_app(settings)) as client,
        ):
            # Four servers under one proof domain (farmer.com), sub-namespace included, each
            # listing a page of one web site: a farm above the threshold of 3.
            farm = {
                "com.farmer/s0": site.url("/s0"),
                "com.farmer/s1": site.url("/s1"),
                "com.farmer/s2": site.url("/s2"),
                "com.farmer.api/s3": site.url("/s3"),
            }
            for name, url in farm.items():
                upstream.add(make_entry(name, "1.0.0", remotes=remote(url)))
            a, b, c = (server.url(host="127.0.0.1") for server in (original, copy, notes))
            upstream.add(make_entry("com.acme/weather", "1.0.0", remotes=remote(a)))
            upstream.add(
                make_entry(
                    "io.github.copycat/weather",
                    "1.0.0",
                    remotes=remote(b),
                    repository=github("someone-else"),
                )
            )
            upstream.add(
                make_entry(
                    "io.github.alice/notes", "1.0.0", remotes=remote(c), repository=github("alice")
                )
            )
            await sync(database_url, upstream)
            assert (await flagged(client, "namespace_farm")) == []  # nothing assessed yet

            # Round 1: nothing is stored yet, so neither a farm nor a copy can be told; the
            # first scan of each stores its MCP answer and tool set.
            first, *firsts = await scan_all(client, farm["com.farmer/s0"], a, b, c)
            assert outcome(first, "publisher_remote_serves_html") == "true"
            assert first["publisher_remote_serves_html"]["evidence"]["content_type"] == "text/html"
            assert outcome(first, "publisher_namespace_farm") == "not_available"
            for found in firsts:
                assert outcome(found, "publisher_duplicate_catalogue") == "not_available"

            # Round 2: each farm page sees s0 stored at least (no MCP); a, b, c see their sets.
            rest = ("com.farmer/s1", "com.farmer/s2", "com.farmer.api/s3")
            *scanned, weather, copied, own = await scan_all(
                client, *(farm[n] for n in rest), a, b, c
            )
            for name, found in zip(rest, scanned, strict=True):
                assert outcome(found, "publisher_namespace_farm") == "true", name
            assert outcome(weather, "publisher_namespace_farm") == "false"  # acme.com: 1 server
            assert outcome(weather, "publisher_remote_serves_html") == "false"
            duplicate = weather["publisher_duplicate_catalogue"]
            assert duplicate["outcome"] == "true"
            assert duplicate["evidence"]["duplicated_by"] == f"{b} (io.github.copycat/weather)"
            assert outcome(copied, "publisher_duplicate_catalogue") == "true"
            assert outcome(copied, "publisher_github_repository_owner_changed") == "true"
            assert outcome(own, "publisher_duplicate_catalogue") == "false"
            assert outcome(own, "publisher_github_repository_owner_changed") == "false"

            # Round 3: s0 again, now with every farm page's answer stored.
            (again,) = await scan_all(client, farm["com.farmer/s0"])
            farm_finding = again["publisher_namespace_farm"]
            assert farm_finding["outcome"] == "true"
            assert farm_finding["evidence"]["domain"] == "farmer.com"
            assert farm_finding["evidence"]["domain_servers"] == 4
            assert farm_finding["evidence"]["remotes_not_speaking_mcp"] == 4

            await check_flags(client, sorted(farm))
            bad = await client.get("/v1/servers", params={"flag": "spam"})
            assert bad.status_code == 400
