"""API keys, scopes, rate limits, the audit log and request hygiene, through the real app."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from tests.integration.api.conftest import loopback_settings
from trustsvc.api.app import create_app
from trustsvc.audit.models import AuditRow
from trustsvc.auth.principal import Scope
from trustsvc.auth.repository import KeyRepository
from trustsvc.commands.keys import create_key, revoke_key
from trustsvc.config.access import AccessSettings, AuthMode, RateLimit
from trustsvc.config.settings import Settings
from trustsvc.lab.pki import LabPki
from trustsvc.lab.tls_server import LabTlsServer
from trustsvc.store.db import make_engine, make_sessionmaker

Client = AsyncTestClient[Litestar]
PROBLEM = "application/problem+json"


# No key cache, so a revocation shows at once; scans unlimited unless a test limits them.
FRESH = AccessSettings(key_cache_s=0.0, scan_rate=RateLimit.per_min(0))


def settings_for(tmp_path: Path, lab_pki: LabPki, access: AccessSettings = FRESH) -> Settings:
    base = loopback_settings(f"sqlite+aiosqlite:///{tmp_path / 'access.db'}", lab_pki.ca_cert)
    return dataclasses.replace(base, access=access)


@pytest.fixture
def settings(tmp_path: Path, lab_pki: LabPki) -> Settings:
    return settings_for(tmp_path, lab_pki)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


async def mint(settings: Settings, name: str, scope: Scope) -> str:
    printed = await create_key(settings, name, [scope], None)
    token = printed.splitlines()[1]
    assert token.startswith("tsk_")
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem: dict[str, Any] = response.json()
    assert problem["type"] == f"https://trustsvc.dev/problems/{slug}"
    assert problem["status"] == status
    return problem


async def test_without_keys_the_embedded_default_runs_open(client: Client) -> None:
    response = await client.get("/v1/endpoints")
    assert response.status_code == 200
    assert (
        await client.post("/v1/webhooks", json={"url": "https://127.0.0.1:9/h"})
    ).status_code in {
        201,
        422,
    }


async def test_once_a_key_exists_every_non_public_route_needs_one(
    client: Client, settings: Settings
) -> None:
    await mint(settings, "reader", Scope.READ)
    missing = assert_problem(await client.get("/v1/endpoints"), 401, "unauthorized")
    assert "Bearer" in missing["detail"]
    response = await client.get("/v1/endpoints")
    assert response.headers["www-authenticate"] == 'Bearer realm="trustsvc"'
    for header in ("Bearer tsk_0123456789ab_" + "A" * 43, "Bearer nonsense", "Basic dXNlcjpwdw=="):
        bad = await client.get("/v1/endpoints", headers={"Authorization": header})
        assert_problem(bad, 401, "unauthorized")
        if header.startswith("Bearer"):
            assert (
                bad.headers["www-authenticate"] == 'Bearer realm="trustsvc", error="invalid_token"'
            )
    # Public by default: health, the probe catalogue, the OpenAPI document.
    assert (await client.get("/health")).status_code == 200
    assert (await client.get("/v1/probes")).status_code == 200
    assert (await client.get("/schema/openapi.json")).status_code == 200


async def test_scopes_nest_read_scan_admin(
    client: Client, settings: Settings, good_server: LabTlsServer
) -> None:
    reader = await mint(settings, "reader", Scope.READ)
    scanner = await mint(settings, "ci-scanner", Scope.SCAN)
    admin = await mint(settings, "ops", Scope.ADMIN)
    url = good_server.url(host="127.0.0.1")

    assert (await client.get("/v1/endpoints", headers=bearer(reader))).status_code == 200
    denied = await client.post("/v1/scans", json={"url": url}, headers=bearer(reader))
    problem = assert_problem(denied, 403, "forbidden")
    assert "'reader' lacks the 'scan' scope" in problem["detail"]
    assert denied.headers["www-authenticate"] == (
        'Bearer realm="trustsvc", error="insufficient_scope", scope="scan"'
    )

    scanned = await client.post("/v1/scans", json={"url": url}, headers=bearer(scanner))
    assert scanned.status_code == 201, scanned.text
    assert (await client.get("/v1/endpoints", headers=bearer(scanner))).status_code == 200
    assert_problem(await client.get("/v1/webhooks", headers=bearer(scanner)), 403, "forbidden")
    assert_problem(await client.get("/v1/audit", headers=bearer(scanner)), 403, "forbidden")

    endpoint_id = scanned.json()["endpoint_id"]
    pinned = await client.post(
        f"/v1/endpoints/{endpoint_id}/baseline", json={}, headers=bearer(admin)
    )
    assert pinned.status_code == 201, pinned.text
    assert pinned.json()["pinned_by"] == "ops"
    assert (
        await client.post("/v1/scans", json={"url": url}, headers=bearer(admin))
    ).status_code == 201


async def test_revoked_and_expired_keys_are_refused(client: Client, settings: Settings) -> None:
    token = await mint(settings, "temp", Scope.READ)
    assert (await client.get("/v1/endpoints", headers=bearer(token))).status_code == 200
    assert "revoked" in await revoke_key(settings, "temp")
    assert_problem(await client.get("/v1/endpoints", headers=bearer(token)), 401, "unauthorized")

    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine).begin() as session:
            now = datetime.now(UTC)
            created = await KeyRepository(session).create(
                "short-lived", [Scope.ADMIN], now=now - timedelta(days=2), expires_at=now
            )
    finally:
        await engine.dispose()
    expired = await client.get("/v1/endpoints", headers=bearer(created.token))
    assert_problem(expired, 401, "unauthorized")


async def test_rate_limits_answer_429_with_retry_after(tmp_path: Path, lab_pki: LabPki) -> None:
    # Refills of one token per 100 s: a loaded machine taking seconds between the requests
    # must not hand a bucket back its token mid-test (CI saw it at 60 per minute).
    limits = dataclasses.replace(
        FRESH,
        read_rate=RateLimit(per_minute=0.6, burst=5),
        address_rate=RateLimit(per_minute=0.6, burst=8),
        key_rate=RateLimit(per_minute=0.6, burst=4),
        scan_rate=RateLimit(per_minute=0.6, burst=2),
    )
    settings = settings_for(tmp_path, lab_pki, limits)
    async with AsyncTestClient(app=create_app(settings)) as client:
        # Open mode: scans are limited per address, far more strictly than other writes.
        refused = "https://10.0.0.1/"
        assert [
            (await client.post("/v1/scans", json={"url": refused})).status_code for _ in range(3)
        ] == [422, 422, 429]
        limited = await client.post("/v1/scans", json={"url": refused})
        problem = assert_problem(limited, 429, "rate-limited")
        assert "scan rate limit" in problem["detail"]
        assert 90 <= int(limited.headers["retry-after"]) <= 100
        # Four writes of the address's eight are spent; per-key limits apply to keys.
        token = await mint(settings, "busy", Scope.SCAN)
        writes = [
            (await client.post("/v1/servers", json={}, headers=bearer(token))).status_code
            for _ in range(5)
        ]
        assert writes == [422, 422, 422, 422, 429]  # an empty server.json is refused
        # The address's write budget is now spent ...
        spent = await client.post("/v1/servers", json={}, headers=bearer(token))
        assert "per-address write" in assert_problem(spent, 429, "rate-limited")["detail"]
        # ... but reads draw on a bucket of their own.
        reads = [
            (await client.get("/v1/endpoints", headers=bearer(token))).status_code for _ in range(6)
        ]
        assert reads == [200, 200, 200, 200, 200, 429]
        last = await client.get("/health")
        assert "per-address read" in assert_problem(last, 429, "rate-limited")["detail"]


async def test_bodies_are_bounded_strict_json(tmp_path: Path, lab_pki: LabPki) -> None:
    settings = settings_for(tmp_path, lab_pki, dataclasses.replace(FRESH, max_body_bytes=2048))
    async with AsyncTestClient(app=create_app(settings)) as client:
        json_type = {"content-type": "application/json"}
        huge = b'{"url": "' + b"a" * 4096 + b'"}'
        assert_problem(
            await client.post("/v1/scans", content=huge, headers=json_type),
            413,
            "payload-too-large",
        )
        text = await client.post(
            "/v1/scans",
            content=b'{"url": "https://10.0.0.1/"}',
            headers={"content-type": "text/plain"},
        )
        assert_problem(text, 415, "unsupported-media-type")
        duplicate = b'{"url": "https://10.0.0.1/", "url": "http://127.0.0.1:1/"}'
        dup = assert_problem(
            await client.post("/v1/scans", content=duplicate, headers=json_type),
            400,
            "invalid-request",
        )
        assert "duplicate key 'url'" in dup["detail"]
        unknown = await client.post("/v1/scans", json={"url": "https://10.0.0.1/", "wait": 1})
        assert "unknown field" in assert_problem(unknown, 400, "invalid-request")["detail"]
        wrong_type = await client.post("/v1/scans", json={"url": 42})
        assert_problem(wrong_type, 400, "invalid-request")
        broken = await client.post("/v1/scans", content=b'{"url": ', headers=json_type)
        assert_problem(broken, 400, "invalid-request")
        missing = assert_problem(await client.post("/v1/scans"), 400, "invalid-request")
        assert missing["detail"] == "data: required (a JSON body)"


async def test_security_headers_and_no_cors(client: Client) -> None:
    for response in (
        await client.get("/v1/endpoints"),
        await client.get("/v1/nowhere"),
        await client.post("/v1/scans", json={"url": "ftp://x"}),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        assert "access-control-allow-origin" not in response.headers
    preflight = await client.options(
        "/v1/scans",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    cross = await client.get("/v1/endpoints", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in cross.headers


async def test_every_write_is_audited_with_who_what_and_outcome(
    client: Client, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    admin = await mint(settings, "ops", Scope.ADMIN)
    reader = await mint(settings, "dashboard", Scope.READ)
    await client.post("/v1/scans", json={"url": "https://10.0.0.1/"}, headers=bearer(admin))
    await client.post("/v1/scans", json={"url": "https://10.0.0.2/"}, headers=bearer(reader))
    await client.post("/v1/scans", json={"url": "https://10.0.0.3/"})
    await client.delete("/v1/webhooks/nope", headers=bearer(admin))
    await client.get("/v1/endpoints", headers=bearer(reader))  # reads are not audited

    page = await client.get("/v1/audit", headers=bearer(admin))
    assert page.status_code == 200, page.text
    records = [
        (r["actor"], r["action"], r["target"], r["outcome"], r["status"])
        for r in page.json()["items"]
    ]
    assert records == [
        ("ops", "DeleteWebhook", "/v1/webhooks/nope", "rejected", 404),
        # A refused caller's body is never read, so the target is the path.
        ("unauthenticated", "CreateScan", "/v1/scans", "denied", 401),
        ("dashboard", "CreateScan", "/v1/scans", "denied", 403),
        ("ops", "CreateScan", "https://10.0.0.1/", "rejected", 422),
        ("cli:" + records[4][0].split(":", 1)[1], "keys.create", records[4][2], "ok", None),
        ("cli:" + records[5][0].split(":", 1)[1], "keys.create", records[5][2], "ok", None),
    ]
    filtered = await client.get(
        "/v1/audit",
        params={"actor": "ops", "outcome": "rejected", "limit": 1},
        headers=bearer(admin),
    )
    body = filtered.json()
    assert [r["action"] for r in body["items"]] == ["DeleteWebhook"]
    older = await client.get(
        "/v1/audit",
        params={"actor": "ops", "outcome": "rejected", "limit": 1, "cursor": body["next_cursor"]},
        headers=bearer(admin),
    )
    assert [r["action"] for r in older.json()["items"]] == ["CreateScan"]

    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            stored = " ".join(
                f"{row.actor} {row.target} {row.key_id}"
                for row in await session.scalars(select(AuditRow))
            )
    finally:
        await engine.dispose()
    for token in (admin, reader):
        secret = token.split("_", 2)[2]
        assert secret not in stored
        assert secret not in caplog.text


async def test_open_mode_never_asks_for_keys(tmp_path: Path, lab_pki: LabPki) -> None:
    settings = settings_for(tmp_path, lab_pki, dataclasses.replace(FRESH, mode=AuthMode.OPEN))
    async with AsyncTestClient(app=create_app(settings)) as client:
        await mint(settings, "unused", Scope.READ)
        assert (await client.get("/v1/audit")).status_code == 200


async def test_required_mode_refuses_before_the_first_key(tmp_path: Path, lab_pki: LabPki) -> None:
    settings = settings_for(tmp_path, lab_pki, dataclasses.replace(FRESH, mode=AuthMode.REQUIRED))
    async with AsyncTestClient(app=create_app(settings)) as client:
        assert_problem(await client.get("/v1/endpoints"), 401, "unauthorized")
        assert (await client.get("/health")).status_code == 200
        live = await client.get("/livez")
        assert (live.status_code, live.json()) == (200, {"status": "ok"})


async def test_public_routes_are_configuration(tmp_path: Path, lab_pki: LabPki) -> None:
    settings = settings_for(
        tmp_path,
        lab_pki,
        dataclasses.replace(
            FRESH, mode=AuthMode.REQUIRED, public_routes=frozenset({"ListEndpoints"})
        ),
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        assert (await client.get("/v1/endpoints")).status_code == 200
        assert_problem(await client.get("/health"), 401, "unauthorized")
        schema = (await client.get("/v1/endpoints")).status_code
        assert schema == 200


async def test_a_nul_in_the_path_is_still_audited(database_url: str, lab_pki: LabPki) -> None:
    settings = dataclasses.replace(loopback_settings(database_url, lab_pki.ca_cert), access=FRESH)
    async with AsyncTestClient(app=create_app(settings)) as client:
        admin = await mint(settings, "ops", Scope.ADMIN)
        refused = await client.post("/v1/endpoints/a%00b/rescan", headers=bearer(admin))
        assert_problem(refused, 400, "invalid-request")
        page = await client.get("/v1/audit", params={"actor": "ops"}, headers=bearer(admin))
        [record] = page.json()["items"]
        assert (record["action"], record["target"], record["status"]) == (
            "RescanEndpoint",
            "/v1/endpoints/a\\x00b/rescan",
            400,
        )
