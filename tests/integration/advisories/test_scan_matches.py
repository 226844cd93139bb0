"""A scan through the API: the endpoint's serverInfo and registry packages meet OSV data."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from litestar.testing import AsyncTestClient

from probes.netpolicy import NetworkPolicy
from tests.integration.advisories.test_import_and_match import write_folder
from tests.servers.mcp import mcp_server
from trustsvc.advisories.importer import import_source
from trustsvc.api.app import create_app
from trustsvc.clock import utc_now
from trustsvc.config.settings import ProbeSettings, Settings
from trustsvc.registry.records import RemoteRecord, ServerRecord
from trustsvc.registry.upsert import RegistryWriter
from trustsvc.store.db import make_engine, make_sessionmaker
from trustsvc.store.migrate import upgrade

LOOPBACK = NetworkPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),))


async def prepare(database_url: str, tmp_path: Path, url: str) -> None:
    """Import the OSV records and list the endpoint with a pinned PyPI package."""
    engine = make_engine(database_url)
    try:
        await upgrade(engine)
        sessions = make_sessionmaker(engine)
        await import_source(sessions, str(write_folder(tmp_path / "osv")), now=utc_now())
        record = ServerRecord(
            name="com.acme/tools",
            version="2.3.1",
            description="Acme tools",
            packages=(
                {"registryType": "pypi", "identifier": "acme-mcp-server", "version": "2.3.1"},
            ),
            remotes=(RemoteRecord(type="streamable-http", url=url, canonical_url=url),),
            is_latest=True,
            published_at=utc_now(),
            content_hash="x",
        )
        async with sessions.begin() as session:
            await RegistryWriter(session).store([record], now=utc_now(), source="manual")
    finally:
        await engine.dispose()


async def test_serverinfo_and_registry_packages_are_matched_and_a_critical_fix_caps(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'scan.db'}"
    settings = Settings(
        database_url=database_url, probes=ProbeSettings(policy=LOOPBACK), auto_migrate=True
    )
    with mcp_server(mode="json", name="@acme/mcp-server", version="1.4.1") as server:
        url = server.url
        await prepare(database_url, tmp_path, url)
        async with AsyncTestClient(app=create_app(settings)) as client:
            response = await client.post("/v1/scans", json={"url": url})
            assert response.status_code == 201, response.text
            report = response.json()
            sarif = (await client.get(f"/v1/scans/{report['scan_id']}/sarif")).json()
    known = [f for f in report["findings"] if f["probe_id"] == "package_has_known_vulnerability"]
    by_id = {f["evidence"]["advisory_id"]: f for f in known}
    assert set(by_id) == {"GHSA-aaaa-bbbb-cccc", "GHSA-dddd-eeee-ffff"}
    npm_hit = by_id["GHSA-aaaa-bbbb-cccc"]
    assert (npm_hit["outcome"], npm_hit["evidence"]["source"]) == ("true", "serverInfo")
    assert npm_hit["remediation"] == "Upgrade @acme/mcp-server to 1.4.2."
    pypi_hit = by_id["GHSA-dddd-eeee-ffff"]
    assert (pypi_hit["evidence"]["source"], pypi_hit["evidence"]["package"]) == (
        "registry",
        "acme-mcp-server",
    )
    assert "PYSEC-2026-1" in pypi_hit["evidence"]["aliases"]
    gates = {gate["id"]: gate for gate in report["gates"]}
    assert gates["advisory.critical_fixed"]["cap"] == "D"
    assert report["verdict"] in {"warn", "block"}
    (run,) = sarif["runs"]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["GHSA-aaaa-bbbb-cccc"]["properties"]["security-severity"] == "9.8"
    assert "GHSA-dddd-eeee-ffff" in rules
    assert "package_has_known_vulnerability" not in rules  # one rule per advisory instead
    advisory_results = [r for r in run["results"] if r["ruleId"] == "GHSA-aaaa-bbbb-cccc"]
    assert len(advisory_results) == 2  # known, and critical with a fix
