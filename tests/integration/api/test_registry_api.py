"""The registry API over the real app: hand registration, synced servers, publishers, runs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.api.conftest import loopback_settings
from tests.servers.registry import FakeRegistry, make_entry
from trustsvc.api.app import create_app
from trustsvc.lab.pki import LabPki
from trustsvc.lab.tls_server import LabTlsServer
from trustsvc.registry.sync import SyncJob
from trustsvc.registry.upstream import UpstreamClient, UpstreamConfig
from trustsvc.store.db import make_engine, make_sessionmaker

Client = AsyncTestClient[Litestar]
PROBLEM = "application/problem+json"


def server_json(name: str, url: str, version: str = "1.0.0") -> dict[str, Any]:
    return {
        "name": name,
        "version": version,
        "description": "A hand-registered server",
        "remotes": [{"type": "streamable-http", "url": url}],
    }


async def test_a_hand_registered_server_is_validated_stored_and_judged(
    client: Client, expired_server: LabTlsServer
) -> None:
    url = expired_server.url(host="127.0.0.1")
    scanned = await client.post("/v1/scans", json={"url": url})
    assert scanned.status_code == 201, scanned.text
    assert scanned.json()["verdict"] == "block"

    created = await client.post("/v1/servers", json=server_json("com.acme/expired", url))
    assert created.status_code == 201, created.text
    doc = created.json()
    assert (doc["name"], doc["namespace"]) == ("com.acme/expired", "com.acme")
    (version,) = doc["versions"]
    assert (version["version"], version["source"], version["is_latest"]) == (
        "1.0.0",
        "manual",
        True,
    )
    (remote,) = version["remotes"]
    assert remote["canonical_url"] == url
    assert "IP-literal host" in remote["problems"]
    assert remote["claimed_by"] == ["com.acme"]
    assert remote["latest"]["verdict"] == "block"

    fetched = await client.get("/v1/servers/com.acme/expired")
    assert fetched.json() == doc
    blocked = await client.get("/v1/servers", params={"verdict": "block"})
    assert [s["name"] for s in blocked.json()["items"]] == ["com.acme/expired"]
    allowed = await client.get("/v1/servers", params={"verdict": "allow"})
    assert allowed.json() == {"items": [], "next_cursor": None}

    publisher = (await client.get("/v1/publishers/com.acme")).json()
    assert (publisher["kind"], publisher["servers"], publisher["versions"]) == ("domain", 1, 1)
    assert publisher["blocked_endpoints"] == [url]
    assert [e["kind"] for e in publisher["events"]] == ["added"]


async def test_invalid_servers_get_a_problem_with_every_reason(client: Client) -> None:
    response = await client.post(
        "/v1/servers", json={"name": "no slash", "version": "latest", "description": 7}
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    detail = response.json()["detail"]
    assert "name" in detail
    assert "latest" in detail
    assert "description" in detail
    for path in ("/v1/servers/com.nobody/none", "/v1/publishers/com.nobody", "/v1/sync/runs/x"):
        missing = await client.get(path)
        assert missing.status_code == 404, path
        assert missing.headers["content-type"].startswith(PROBLEM)


async def test_synced_servers_page_filter_and_show_their_runs(
    tmp_path: Path, lab_pki: LabPki
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}"
    settings = loopback_settings(database_url, lab_pki.ca_cert)
    async with FakeRegistry() as upstream, AsyncTestClient(app=create_app(settings)) as client:
        now = dt.datetime.now(dt.UTC)
        for i in range(7):
            upstream.add(make_entry(f"io.github.team/s{i}", "1.0.0", published_at=now))
        upstream.add(make_entry("com.other/weather", "2.0.0", description="Weather forecasts"))
        upstream.delete("io.github.team/s6", "1.0.0", "spam")
        engine = make_engine(database_url)
        try:
            config = UpstreamConfig(base_url=upstream.url, page_size=3)
            async with UpstreamClient(config) as source:
                run = await SyncJob(make_sessionmaker(engine)).run(source, upstream.url, full=True)
        finally:
            await engine.dispose()
        assert run.status == "completed"

        names: list[str] = []
        cursor = None
        for _ in range(10):
            params = {"limit": "3", "namespace": "io.github.team", "status": "active"}
            page = (
                await client.get(
                    "/v1/servers", params={**params, **({"cursor": cursor} if cursor else {})}
                )
            ).json()
            names += [item["name"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert names == [f"io.github.team/s{i}" for i in range(6)]
        found = (await client.get("/v1/servers", params={"search": "FORECAST"})).json()
        assert [item["name"] for item in found["items"]] == ["com.other/weather"]
        deleted = (await client.get("/v1/servers", params={"status": "deleted"})).json()
        assert [item["name"] for item in deleted["items"]] == ["io.github.team/s6"]

        runs = (await client.get("/v1/sync/runs")).json()["items"]
        assert [(r["id"], r["status"], r["added"]) for r in runs] == [(run.id, "completed", 8)]
        one = (await client.get(f"/v1/sync/runs/{run.id}")).json()
        assert (one["pages"], one["mode"], one["registry_url"]) == (3, "full", upstream.url)
        assert (await client.get("/v1/servers", params={"cursor": "%%%"})).status_code == 400


async def test_a_scan_reads_its_publishers_and_a_deleted_listing_blocks(
    tmp_path: Path, lab_pki: LabPki, good_server: LabTlsServer
) -> None:
    """The publisher family reads the registry the sync filled, through the same database."""
    url = good_server.url(host="127.0.0.1")
    remote = [{"type": "streamable-http", "url": url}]
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'publishers.db'}"
    settings = loopback_settings(database_url, lab_pki.ca_cert)
    async with FakeRegistry() as upstream, AsyncTestClient(app=create_app(settings)) as client:
        upstream.add(make_entry("com.acme/tools", "1.0.0", remotes=remote))
        upstream.add(make_entry("io.github.mallory/tools", "1.0.0", remotes=remote))
        upstream.delete("io.github.mallory/tools", "1.0.0", "malware")
        engine = make_engine(database_url)
        try:
            async with UpstreamClient(UpstreamConfig(base_url=upstream.url)) as source:
                await SyncJob(make_sessionmaker(engine)).run(source, upstream.url, full=True)
        finally:
            await engine.dispose()

        response = await client.post("/v1/scans", json={"url": url})
        assert response.status_code == 201, response.text
        report = response.json()
    found = {f["probe_id"]: f for f in report["findings"] if f["family"] == "publisher"}
    claimed = found["publisher_endpoint_claimed_by_several_namespaces"]
    assert (claimed["outcome"], claimed["evidence"]["claimants"]) == (
        "true",
        "com.acme, io.github.mallory",
    )
    assert found["publisher_server_deleted"]["outcome"] == "true"
    assert found["publisher_host_outside_namespace_domain"]["outcome"] == "true"
    assert found["publisher_domain_proof_missing"]["outcome"] == "not_available"
    assert "registry.deleted" in {gate["id"] for gate in report["gates"]}
    assert report["verdict"] == "block"
    provenance = next(d for d in report["dimensions"] if d["name"] == "provenance")
    assert provenance["coverage"] > 0
