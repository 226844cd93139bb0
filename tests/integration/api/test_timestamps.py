"""`since`/`until` without an offset are refused with 400, by name, on both databases (issue 16).

Litestar parses `2026-01-01T00:00:00` into a naive datetime, which the UTC columns refused deep
in the query: a 500. Reading it as UTC would shift a caller's local time silently, so the
service refuses it and says how to write it; the same instant with an offset is answered.
"""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from tests.servers.sealed_app import sealed_app

PROBLEM = "application/problem+json"
NAIVE = ("2026-01-01T00:00:00", "2026-01-01T00:00:00.123456", "2026-01-01 00:00:00")
AWARE = ("2026-01-01T00:00:00Z", "2026-01-01T02:00:00+02:00", "2025-12-31T19:00:00-05:00")
ROUTES = (
    ("/v1/audit", "since"),
    ("/v1/audit", "until"),
    ("/v1/reports/drift", "since"),
    ("/v1/endpoints/{endpoint}/drift", "since"),
)


async def _endpoint_id(client: AsyncTestClient) -> str:  # type: ignore[type-arg]
    stored = await client.post("/v1/scans", json={"url": "http://127.0.0.1:9/mcp"})
    assert stored.status_code == 201, stored.text
    return str(stored.json()["endpoint_id"])


@pytest.mark.parametrize("value", NAIVE)
async def test_a_naive_timestamp_is_a_400_naming_the_parameter(
    database_url: str, value: str
) -> None:
    async with AsyncTestClient(app=sealed_app(database_url)) as client:
        endpoint = await _endpoint_id(client)
        for route, name in ROUTES:
            response = await client.get(route.format(endpoint=endpoint), params={name: value})
            assert response.status_code == 400, (route, name, response.text)
            assert response.headers["content-type"] == PROBLEM
            problem = response.json()
            assert problem["type"] == "https://trustsvc.dev/problems/invalid-request"
            assert problem["detail"].startswith(f"{name}: a timestamp needs an offset")


async def test_the_same_instant_with_an_offset_is_answered(database_url: str) -> None:
    async with AsyncTestClient(app=sealed_app(database_url)) as client:
        endpoint = await _endpoint_id(client)
        for value in AWARE:
            for route, name in ROUTES:
                response = await client.get(route.format(endpoint=endpoint), params={name: value})
                assert response.status_code == 200, (route, name, value, response.text)
        report = await client.get("/v1/reports/drift", params={"since": AWARE[1]})
        assert report.json()["since"] in {"2026-01-01T00:00:00Z", "2026-01-01T00:00:00+00:00"}
