"""`/metrics` and the request and scan log events, through the real app and a real scan."""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from probes.target import parse_endpoint_url
from tests.integration.api.conftest import loopback_settings
from trustsvc.api.app import create_app
from trustsvc.api.state import services
from trustsvc.clock import utc_now
from trustsvc.config.observability import AccessLog, ObservabilitySettings
from trustsvc.lab.pki import LabPki
from trustsvc.lab.tls_server import LabTlsServer
from trustsvc.observability.logs import JsonFormatter
from trustsvc.observability.middleware import SLOW_READ_S, notable
from trustsvc.schedule.repository import ScheduleRepository
from trustsvc.store.repositories import EndpointRepository

Client = AsyncTestClient[Litestar]
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
SENT_KEY = "tsk_secretvalue"


async def scrape(client: Client) -> tuple[str, Samples]:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    found = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }
    return response.text, found


def key(name: str, **labels: str) -> tuple[str, frozenset[tuple[str, str]]]:
    return name, frozenset(labels.items())


async def test_requests_are_counted_by_route_template_never_by_raw_path(client: Client) -> None:
    assert (await client.get("/v1/endpoints/first-unknown-id")).status_code == 404
    assert (await client.get("/v1/endpoints/second-unknown-id")).status_code == 404
    assert (await client.get("/health")).status_code == 200
    assert (await client.get("/no/such/route")).status_code == 404
    assert (await client.delete("/health")).status_code == 405
    text, found = await scrape(client)
    assert (
        'trustsvc_http_requests_total{method="GET",route="/v1/endpoints/{endpoint_id}",'
        'status="404"} 2.0'
    ) in text
    requests = "trustsvc_http_requests_total"
    assert found[key(requests, method="GET", route="/health", status="200")] == 1
    assert found[key(requests, method="GET", route="unmatched", status="404")] == 1
    assert found[key(requests, method="DELETE", route="unmatched", status="405")] == 1
    for raw in ("first-unknown-id", "/no/such/route"):
        assert raw not in text
    latency = key(
        "trustsvc_http_request_duration_seconds_count",
        method="GET",
        route="/v1/endpoints/{endpoint_id}",
    )
    assert found[latency] == 2


async def test_queue_depth_is_read_from_the_schedule_at_scrape_time(client: Client) -> None:
    _, found = await scrape(client)
    assert found[key("trustsvc_scan_queue_depth")] == 0
    app = services(client.app.state)
    async with app.sessions.begin() as session:
        endpoints = EndpointRepository(session)
        ids = [
            (await endpoints.get_or_create(parse_endpoint_url(url), utc_now())).id
            for url in ("https://a.example/mcp", "https://b.example/mcp")
        ]
        await ScheduleRepository(session).make_due(ids, now=utc_now(), reason="test")
    _, found = await scrape(client)
    depth = found[key("trustsvc_scan_queue_depth")]
    assert not math.isnan(depth)
    assert depth == 2


async def test_a_real_scan_counts_the_scan_and_each_family_and_logs_one_event(
    client: Client, good_server: LabTlsServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="trustsvc.events")
    url = good_server.url(host="127.0.0.1")
    response = await client.post("/v1/scans", json={"url": url})
    assert response.status_code == 201, response.text
    report = response.json()
    _, found = await scrape(client)
    # The lab server is TLS but not MCP: TLS completes, the MCP families fail as not MCP.
    assert found[key("trustsvc_scans_total", reason="api", outcome="partial")] == 1
    families = "trustsvc_probe_family_total"
    assert found[key(families, family="tls", outcome="completed")] == 1
    assert found[key(families, family="auth", outcome="protocol_error")] == 1
    attempts = {a["family"]: a for a in report["attempts"]}
    counted = {
        labels["family"]: labels["outcome"]
        for (name, pairs), value in found.items()
        if name == families and value == 1
        for labels in [dict(pairs)]
    }
    assert counted == {
        family: attempt["status"] if attempt["status"] == "completed" else attempt["reason"]
        for family, attempt in attempts.items()
    }
    tls_duration = found[key("trustsvc_probe_family_duration_seconds_sum", family="tls")]
    assert tls_duration == attempts["tls"]["elapsed_ms"] / 1000

    [event] = [r for r in caplog.records if getattr(r, "event", None) == "scan"]
    fields = vars(event)
    assert (fields["url"], fields["reason"], fields["outcome"]) == (url, "api", "partial")
    assert (fields["grade"], fields["verdict"], fields["score"]) == (
        report["grade"],
        report["verdict"],
        report["score"],
    )
    assert fields["scan_id"] == report["scan_id"]
    assert fields["failed_families"]["auth"] == "protocol_error"
    assert "tls" not in fields["failed_families"]
    assert fields["duration_ms"] > 0


async def test_one_request_event_with_who_route_status_and_never_the_bearer_token(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # every logger: nothing anywhere may carry the token
    response = await client.post(  # a write: logged whatever TRUSTSVC_ACCESS_LOG says
        "/v1/endpoints/some-id/rescan", headers={"Authorization": f"Bearer {SENT_KEY}"}
    )
    assert response.status_code == 404
    events = [r for r in caplog.records if getattr(r, "event", None) == "request"]
    [event] = events
    line = json.loads(JsonFormatter().format(event))
    assert line["logger"] == "trustsvc.events.request"
    assert line["level"] == "INFO"
    assert (line["method"], line["route"], line["status"]) == (
        "POST",
        "/v1/endpoints/{endpoint_id}/rescan",
        404,
    )
    assert line["path"] == "/v1/endpoints/some-id/rescan"
    assert line["who"] == "open"
    assert line["client"]
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] > 0
    # No redaction filter is installed here: the middleware itself must not log headers.
    for record in caplog.records:
        assert SENT_KEY not in record.getMessage()
        assert SENT_KEY not in json.dumps(vars(record), default=str)


async def test_who_is_null_when_no_route_matched(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="trustsvc.events.request")
    assert (await client.get("/wp-admin/setup.php")).status_code == 404
    [event] = [r for r in caplog.records if getattr(r, "event", None) == "request"]
    line = json.loads(JsonFormatter().format(event))
    assert (line["route"], line["status"], line["who"]) == ("unmatched", 404, None)


async def request_events(app: Litestar, caplog: pytest.LogCaptureFixture) -> list[str]:
    """The request lines one routine read, one write, one refusal and one probe for a path give."""
    caplog.set_level(logging.INFO, logger="trustsvc.events.request")
    async with AsyncTestClient(app=app) as test_client:
        assert (await test_client.get("/livez")).status_code == 200
        assert (await test_client.get("/v1/endpoints/unknown")).status_code == 404
        assert (await test_client.post("/v1/endpoints/unknown/rescan")).status_code == 404
        assert (await test_client.get("/wp-login.php")).status_code == 404
    return [r.getMessage() for r in caplog.records if getattr(r, "event", None) == "request"]


@pytest.mark.parametrize(
    ("access_log", "logged"),
    [
        (
            "notable",
            ["POST /v1/endpoints/{endpoint_id}/rescan 404", "GET unmatched 404"],
        ),
        (
            "all",
            [
                "GET /livez 200",
                "GET /v1/endpoints/{endpoint_id} 404",
                "POST /v1/endpoints/{endpoint_id}/rescan 404",
                "GET unmatched 404",
            ],
        ),
        ("off", []),
    ],
)
async def test_access_log_setting_chooses_which_requests_get_a_line(
    tmp_path: Path,
    lab_pki: LabPki,
    caplog: pytest.LogCaptureFixture,
    access_log: AccessLog,
    logged: list[str],
) -> None:
    settings = loopback_settings(f"sqlite+aiosqlite:///{tmp_path / 'api.db'}", lab_pki.ca_cert)
    settings = dataclasses.replace(
        settings, observability=ObservabilitySettings(access_log=access_log)
    )
    lines = await request_events(create_app(settings), caplog)
    assert [line.rsplit(" ", 2)[0] for line in lines] == logged


def test_notable_requests_are_writes_refusals_errors_unmatched_and_slow_reads() -> None:
    assert not notable("GET", "/v1/lookup", 200, 0.001)
    assert not notable("GET", "/v1/lookup", 404, 0.001)
    assert not notable("HEAD", "/livez", 200, 0.001)
    assert notable("POST", "/v1/scans", 201, 0.001)
    assert notable("DELETE", "/v1/webhooks/{webhook_id}", 204, 0.001)
    for refused in (401, 403, 429):
        assert notable("GET", "/v1/lookup", refused, 0.001)
    assert notable("GET", "/v1/lookup", 500, 0.001)
    assert notable("GET", "unmatched", 404, 0.001)
    assert notable("GET", "/v1/lookup", 200, SLOW_READ_S)
