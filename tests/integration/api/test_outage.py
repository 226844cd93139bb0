"""A database outage mid-run (issue 16): 503 with `Retry-After` everywhere, stale lookups, recovery.

The test starts a PostgreSQL cluster of its own (tests/servers/pg_cluster.py), stores a scan
through the real app, then stops the cluster under it. Every route that needs the database
answers 503 problem details with `Retry-After`, never a 500; a lookup the cache holds is
still served, marked `stale` with an `Age` header; one it does not hold is a 503 too. Once
the cluster is back the same app answers again and the lookup is fresh: no restart.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterator

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.api.conftest import loopback_settings
from tests.servers.pg_cluster import PostgresCluster, postgres_binaries
from trustsvc.api.app import create_app
from trustsvc.lab.pki import LabPki

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(postgres_binaries() is None, reason="no PostgreSQL binaries installed"),
]

PROBLEM = "application/problem+json"
UNAVAILABLE = "https://trustsvc.dev/problems/database-unavailable"
STORED = "http://127.0.0.1:9/mcp"  # a closed port: stored with every family unreachable
NEVER_SEEN = "http://127.0.0.1:10/mcp"
WAIT_S = 30.0


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    with PostgresCluster() as pg:
        yield pg


def _app(url: str, lab_pki: LabPki) -> Litestar:
    settings = loopback_settings(url, lab_pki.ca_cert)
    return create_app(dataclasses.replace(settings, lookup_poll_s=0.2))


async def _until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll `check` (a request, as a client would retry) until it holds, within WAIT_S."""
    for _ in range(int(WAIT_S / 0.1)):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never {what}")


def _requests(scan_id: str, endpoint_id: str) -> list[tuple[str, str, dict[str, object] | None]]:
    return [
        ("GET", f"/v1/lookup?url={NEVER_SEEN}", None),
        ("GET", "/v1/endpoints", None),
        ("GET", f"/v1/endpoints/{endpoint_id}", None),
        ("GET", f"/v1/endpoints/{endpoint_id}/scans", None),
        ("GET", f"/v1/endpoints/{endpoint_id}/drift", None),
        ("GET", f"/v1/scans/{scan_id}", None),
        ("GET", f"/v1/scans/{scan_id}/sarif", None),
        ("POST", "/v1/scans", {"url": STORED}),
        ("POST", f"/v1/endpoints/{endpoint_id}/rescan", None),
        ("GET", "/v1/reports/drift", None),
        ("GET", "/v1/audit", None),
        ("GET", "/v1/servers", None),
        ("GET", "/v1/webhooks", None),
        ("POST", "/v1/webhooks", {"url": "http://127.0.0.1:9/hook", "min_severity": "info"}),
    ]


async def test_an_outage_is_503_with_stale_lookups_and_the_service_recovers(
    cluster: PostgresCluster, lab_pki: LabPki
) -> None:
    async with AsyncTestClient(app=_app(cluster.url, lab_pki)) as client:
        stored = await client.post("/v1/scans", json={"url": STORED})
        assert stored.status_code == 201, stored.text
        scan_id, endpoint_id = stored.json()["scan_id"], stored.json()["endpoint_id"]
        fresh = await client.get("/v1/lookup", params={"url": STORED})
        assert (fresh.status_code, fresh.json()["stale"]) == (200, False)
        assert "age" not in fresh.headers

        await asyncio.to_thread(cluster.stop)

        async def stale() -> bool:
            answer = await client.get("/v1/lookup", params={"url": STORED})
            return answer.status_code == 200 and answer.json()["stale"] is True

        await _until(stale, "served the cached lookup as stale")
        held = await client.get("/v1/lookup", params={"url": STORED})
        assert held.json()["scan_id"] == scan_id
        assert int(held.headers["age"]) >= 0

        answers: dict[str, httpx.Response] = {}
        for method, path, body in _requests(scan_id, endpoint_id):
            answers[f"{method} {path}"] = await client.request(method, path, json=body)
        wrong = {
            key: (r.status_code, r.headers.get("content-type"), r.text[:200])
            for key, r in answers.items()
            if r.status_code != 503
            or r.headers.get("content-type") != PROBLEM
            or r.json()["type"] != UNAVAILABLE
            or not r.headers.get("retry-after", "").isdigit()
        }
        assert wrong == {}
        assert (await client.get("/health")).status_code == 503

        await asyncio.to_thread(cluster.start)

        async def recovered() -> bool:
            return (await client.get("/v1/endpoints")).status_code == 200

        async def fresh_again() -> bool:
            answer = await client.get("/v1/lookup", params={"url": STORED})
            return answer.status_code == 200 and answer.json()["stale"] is False

        await _until(recovered, "answered again after the database came back")
        await _until(fresh_again, "served the lookup fresh again")
        assert (await client.get(f"/v1/scans/{scan_id}")).status_code == 200
