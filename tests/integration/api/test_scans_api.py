"""Scans, lookup and endpoints through the real app, probing real TLS servers on loopback."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import aiohttp
from litestar import Litestar
from litestar.testing import AsyncTestClient

from probes.registry import FAMILIES, catalogue
from tests.integration.api.conftest import loopback_settings
from trustsvc.commands.serve import server
from trustsvc.lab.pki import LabPki
from trustsvc.lab.tls_server import LabTlsServer
from trustsvc.scoring.policy import POLICY

Client = AsyncTestClient[Litestar]
PROBLEM = "application/problem+json"


def url_of(server: LabTlsServer) -> str:
    return server.url(host="127.0.0.1")


async def scan(client: Client, url: str) -> dict[str, Any]:
    response = await client.post("/v1/scans", json={"url": url})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["location"] == f"/v1/scans/{body['scan_id']}"
    return body


async def test_scan_of_a_good_endpoint_reports_every_field(
    client: Client, good_server: LabTlsServer
) -> None:
    report = await scan(client, url_of(good_server))
    assert report["url"] == url_of(good_server)
    assert report["policy_version"] == POLICY.version
    assert (report["grade"], report["verdict"], report["confidence"]) == ("?", "warn", 0.2)
    assert [g["id"] for g in report["gates"]] == ["evidence.insufficient"]
    attempts = {a["family"]: a for a in report["attempts"]}
    assert list(attempts) == [f.family.value for f in FAMILIES]
    assert attempts["tls"]["status"] == "completed"
    # The lab server answers any path with a JSON page: it is not an MCP endpoint, so the
    # MCP families record why they could not judge it instead of guessing.
    assert (attempts["auth"]["status"], attempts["auth"]["reason"]) == ("error", "protocol_error")
    assert len(report["findings"]) == len(catalogue())
    transport = next(d for d in report["dimensions"] if d["name"] == "transport")
    assert transport["evidence"]["rating_grade"] in ("A+", "A")
    assert transport["score"] >= 80
    assert {d["name"] for d in report["dimensions"] if d["score"] is None} == {
        "identity",
        "access",
        "capabilities",
        "provenance",
        "stability",
    }
    stored = await client.get(f"/v1/scans/{report['scan_id']}")
    assert stored.status_code == 200
    assert stored.json() == report


async def test_expired_certificate_blocks_and_exports_sarif(
    client: Client, expired_server: LabTlsServer
) -> None:
    report = await scan(client, url_of(expired_server))
    assert (report["grade"], report["verdict"]) == ("F", "block")
    assert "tls.untrusted" in [g["id"] for g in report["gates"]]
    sarif = await client.get(f"/v1/scans/{report['scan_id']}/sarif")
    assert sarif.status_code == 200
    assert sarif.headers["content-type"].startswith("application/sarif+json")
    log = sarif.json()
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = {r["ruleId"]: r for r in run["results"]}
    assert "tls_certificate_expired" in results
    assert results["tls_certificate_expired"]["level"] == "error"
    assert set(results) == set(rule_ids)
    bad_in_report = {f["probe_id"] for f in report["findings"] if f["remediation"] is not None}
    assert set(results) == bad_in_report


async def test_lookup_reads_the_latest_result_and_never_probes(
    client: Client, good_server: LabTlsServer
) -> None:
    url = url_of(good_server)
    missing = await client.get("/v1/lookup", params={"url": url})
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM)
    assert missing.json()["type"].endswith("/not-found")
    report = await scan(client, url)
    shouted = url.replace("https://", "HTTPS://")
    found = await client.get("/v1/lookup", params={"url": shouted})
    assert found.status_code == 200
    body = found.json()
    assert (body["scan_id"], body["grade"], body["score"]) == (
        report["scan_id"],
        "?",
        report["score"],
    )
    assert body["age_s"] >= 0
    endpoints = (await client.get("/v1/endpoints")).json()
    assert [e["url"] for e in endpoints["items"]] == [url]
    assert endpoints["items"][0]["latest"]["scan_id"] == report["scan_id"]


async def test_refused_and_invalid_targets_get_422_and_store_nothing(client: Client) -> None:
    for url, fragment in [
        ("https://10.0.0.1/mcp", "10.0.0.1 is a private address"),
        ("https://169.254.169.254/", "metadata"),
        ("https://[::1]:8443/", "::1 is a loopback address"),
        ("ftp://example.com/", "unsupported scheme"),
        ("https://user:pw@example.com/", "credentials"),
    ]:
        response = await client.post("/v1/scans", json={"url": url})
        assert response.status_code == 422, url
        problem = response.json()
        assert problem["type"].endswith("/target-rejected")
        assert fragment in problem["detail"]
    bad_body = await client.post("/v1/scans", json={"address": "https://example.com"})
    assert bad_body.status_code == 400
    assert bad_body.headers["content-type"].startswith(PROBLEM)
    assert (await client.get("/v1/endpoints")).json() == {"items": [], "next_cursor": None}


async def test_wait_false_answers_202_then_the_report(
    client: Client, good_server: LabTlsServer
) -> None:
    response = await client.post(
        "/v1/scans", params={"wait": "false"}, json={"url": url_of(good_server)}
    )
    assert response.status_code == 202
    location = response.headers["location"]
    assert response.json()["status"] in ("running", "completed")
    polled = await client.get(location)
    for _ in range(200):
        polled = await client.get(location)
        if polled.status_code == 200:
            break
        assert polled.status_code == 202
        assert polled.json()["status"] == "running"
        await asyncio.sleep(0.1)
    assert polled.status_code == 200
    assert polled.json()["url"] == url_of(good_server)


async def test_history_pages_and_catalogue(
    client: Client, good_server: LabTlsServer, expired_server: LabTlsServer
) -> None:
    await scan(client, url_of(good_server))
    await scan(client, url_of(good_server))
    await scan(client, url_of(expired_server))
    page1 = (await client.get("/v1/endpoints", params={"limit": 1})).json()
    assert len(page1["items"]) == 1
    page2 = (
        await client.get("/v1/endpoints", params={"limit": 1, "cursor": page1["next_cursor"]})
    ).json()
    assert page2["next_cursor"] is None
    assert {page1["items"][0]["url"], page2["items"][0]["url"]} == {
        url_of(good_server),
        url_of(expired_server),
    }
    good_id = next(
        e["id"] for e in (page1["items"] + page2["items"]) if e["url"] == url_of(good_server)
    )
    endpoint = (await client.get(f"/v1/endpoints/{good_id}")).json()
    assert endpoint["latest"]["grade"] == "?"
    history = (await client.get(f"/v1/endpoints/{good_id}/scans", params={"limit": 1})).json()
    assert len(history["items"]) == 1
    rest = (
        await client.get(
            f"/v1/endpoints/{good_id}/scans", params={"cursor": history["next_cursor"]}
        )
    ).json()
    assert len(rest["items"]) == 1
    assert rest["items"][0]["scan_id"] != history["items"][0]["scan_id"]
    probes = (await client.get("/v1/probes")).json()
    assert {p["id"] for p in probes} == set(catalogue())
    assert {p["bad_outcome"] for p in probes} == {"true", "false"}


async def test_errors_are_problem_details(client: Client) -> None:
    for path, status, slug in [
        ("/v1/scans/does-not-exist", 404, "not-found"),
        ("/v1/endpoints/nope", 404, "not-found"),
        ("/v1/endpoints?cursor=%%%", 400, "invalid-cursor"),
        ("/v1/endpoints?limit=0", 400, "invalid-request"),
        ("/v1/lookup?url=gopher://x", 422, "target-rejected"),
        ("/v1/lookup", 400, "invalid-request"),
        ("/no/such/route", 404, "not-found"),
    ]:
        response = await client.get(path)
        assert response.status_code == status, path
        assert response.headers["content-type"].startswith(PROBLEM), path
        body = response.json()
        assert body["type"].endswith("/" + slug), (path, body)
        assert "Traceback" not in response.text


async def test_health(client: Client) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_service_keeps_serving_while_a_hostile_scan_hangs(
    tmp_path: Path, lab_pki: LabPki
) -> None:
    """A TLS server that accepts and never answers costs its budget, not the service.

    Runs the app under real uvicorn: lookups and health answer while the scan is pending.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    hostile_port = listener.getsockname()[1]
    settings = loopback_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'h.db'}",
        lab_pki.ca_cert,
        budget_s=3.0,
        network_timeout_s=1.0,
    )
    api_port = free_port()
    api = server(settings, host="127.0.0.1", port=api_port)
    serving = asyncio.create_task(api.serve())
    base = f"http://127.0.0.1:{api_port}"
    try:
        while not api.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
            await asyncio.sleep(0.05)
        async with aiohttp.ClientSession() as http:
            scan_request = asyncio.create_task(
                http.post(f"{base}/v1/scans", json={"url": f"https://127.0.0.1:{hostile_port}/"})
            )
            await asyncio.sleep(0.5)
            for _ in range(5):
                async with http.get(f"{base}/health") as health:
                    assert health.status == 200
                async with http.get(
                    f"{base}/v1/lookup", params={"url": "https://127.0.0.1/"}
                ) as lookup:
                    assert lookup.status == 404
            assert not scan_request.done()
            async with await scan_request as response:
                assert response.status == 201
                report = await response.json()
    finally:
        api.should_exit = True
        await serving
        listener.close()
    # The host is an IP literal and unlisted: the domain and publisher families complete at
    # once with nothing to judge (not applicable, not available).
    network = [a for a in report["attempts"] if a["family"] not in {"domain", "publisher"}]
    assert {a["status"] for a in network} == {"error"}
    assert {a["reason"] for a in network} <= {"timeout", "tls_handshake_failed"}
    outcomes = {(f["family"] == "domain", f["outcome"]) for f in report["findings"]}
    assert outcomes == {(False, "not_available"), (True, "not_applicable")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_completed_scan_replaces_a_cached_lookup_at_once(
    client: Client, good_server: LabTlsServer, expired_server: LabTlsServer
) -> None:
    url = url_of(good_server)
    assert (await client.get("/v1/lookup", params={"url": url})).status_code == 404
    report = await scan(client, url)
    found = (await client.get("/v1/lookup", params={"url": url})).json()
    assert found["scan_id"] == report["scan_id"]
    again = await scan(client, url)
    assert (await client.get("/v1/lookup", params={"url": url})).json()["scan_id"] == again[
        "scan_id"
    ]


async def test_not_found_details_read_as_sentences(client: Client) -> None:
    lookup = (await client.get("/v1/lookup", params={"url": "https://nope.example/"})).json()
    assert lookup["detail"] == "there is no assessment of https://nope.example/"
    scan_missing = (await client.get("/v1/scans/abc")).json()
    assert scan_missing["detail"] == "there is no scan abc"


async def test_lookup_of_an_unreachable_endpoint_says_it_could_not_assess(client: Client) -> None:
    url = f"https://127.0.0.1:{free_port()}/"  # nothing listens there
    report = await scan(client, url)
    assert report["gates"][0]["id"] == "evidence.none"
    found = (await client.get("/v1/lookup", params={"url": url})).json()
    assert found["grade"] == "?"
    assert found["could_not_assess"].startswith(
        "could not assess: the endpoint could not be reached"
    )
