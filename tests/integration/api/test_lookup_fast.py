"""The lookup fast path answers exactly what the routed handler answers, and only spends once.

Two apps over one database: the served one (fast path on) and the oracle (routed only). Each
request goes to both; status, headers and body must agree, except `age_s`, which counts
seconds and may tick between the two calls.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.api.conftest import loopback_settings
from trustsvc.api.app import create_app
from trustsvc.api.lookup_fast import LookupFastPath
from trustsvc.api.state import services
from trustsvc.auth.principal import Scope
from trustsvc.commands.keys import create_key
from trustsvc.config.access import AccessSettings, AuthMode, RateLimit
from trustsvc.config.settings import Settings
from trustsvc.lab.pki import LabPki
from trustsvc.lab.tls_server import LabTlsServer

Client = AsyncTestClient[Litestar]


@dataclasses.dataclass
class Pair:
    fast: Client
    routed: Client
    fast_path: LookupFastPath
    read_key: str
    url: str


async def mint(settings: Settings, name: str, scope: Scope) -> str:
    return (await create_key(settings, name, [scope], None)).splitlines()[1]


def fast_path_of(app: Litestar) -> LookupFastPath:
    observer: Any = app.asgi_handler
    assert isinstance(observer.app, LookupFastPath)
    return observer.app


def settings_for(tmp_path: Path, lab_pki: LabPki, read_rate: RateLimit) -> Settings:
    base = loopback_settings(f"sqlite+aiosqlite:///{tmp_path / 'api.db'}", lab_pki.ca_cert)
    access = AccessSettings(
        mode=AuthMode.REQUIRED, scan_rate=RateLimit.per_min(0), read_rate=read_rate
    )
    return dataclasses.replace(base, access=access)


@pytest.fixture
async def pair(tmp_path: Path, lab_pki: LabPki, good_server: LabTlsServer) -> AsyncIterator[Pair]:
    settings = settings_for(tmp_path, lab_pki, RateLimit.per_min(0))
    admin, read = await mint(settings, "admin", Scope.ADMIN), await mint(settings, "r", Scope.READ)
    url = good_server.url(host="127.0.0.1")
    fast_app = create_app(settings)
    async with (
        AsyncTestClient(app=fast_app) as fast,
        AsyncTestClient(app=create_app(settings, lookup_fast_path=False)) as routed,
    ):
        stored = await fast.post(
            "/v1/scans", json={"url": url}, headers={"Authorization": f"Bearer {admin}"}
        )
        assert stored.status_code == 201, stored.text
        yield Pair(fast, routed, fast_path_of(fast_app), read, url)


def comparable(response: httpx.Response) -> tuple[int, list[tuple[str, str]], Any]:
    headers = sorted((k, v) for k, v in response.headers.items() if k != "content-length")
    body: Any = response.json()
    if isinstance(body, dict):
        body.pop("age_s", None)
    return response.status_code, headers, body


async def both(pair: Pair, query: str, headers: dict[str, str]) -> tuple[httpx.Response, ...]:
    fast = await pair.fast.get(f"/v1/lookup{query}", headers=headers)
    routed = await pair.routed.get(f"/v1/lookup{query}", headers=headers)
    assert comparable(fast) == comparable(routed), query
    return fast, routed


async def test_held_lookups_are_answered_as_the_router_answers_them(pair: Pair) -> None:
    key = {"Authorization": f"Bearer {pair.read_key}"}
    encoded = httpx.QueryParams({"url": pair.url})
    first, _ = await both(pair, f"?{encoded}", key)  # not held yet: routed, then remembered
    assert first.status_code == 200
    assert pair.fast_path.served == 0
    held, _ = await both(pair, f"?{encoded}", key)
    assert held.status_code == 200
    assert pair.fast_path.served == 1
    assert held.json()["url"] == pair.url
    assert held.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert held.headers["cache-control"] == "no-store"
    shouted = httpx.QueryParams({"url": pair.url.replace("https://", "HTTPS://")})
    await both(pair, f"?{shouted}", key)
    assert pair.fast_path.served == 2


@pytest.mark.parametrize(
    ("query", "headers", "status"),
    [
        ("?url={url}", {}, 401),  # no key
        ("?url={url}", {"Authorization": "Bearer tsk_bogus_key"}, 401),
        ("?url={url}", {"Authorization": "Basic dXNlcjpwYXNz"}, 401),
        ("?url={url}", {"Authorization": "Bearer a, Bearer b"}, 400),  # folded duplicates
        ("?url=gopher://x", "read", 422),
        ("?url=", "read", 422),
        ("?url=https://127.0.0.1:9/never", "read", 404),
        ("?url=https://127.0.0.1:9/never&url={url}", "read", 200),  # the last one wins
        ("?url={url}&extra=1", "read", 200),
        ("", "read", 400),
        ("?url=%ff%fe", "read", 422),
        ("?url=https://127.0.0.1/%00%d8%00", "read", 422),  # NUL in the URL
    ],
)
async def test_everything_else_gets_the_routers_own_answer(
    pair: Pair, query: str, headers: dict[str, str] | str, status: int
) -> None:
    key = {"Authorization": f"Bearer {pair.read_key}"}
    await pair.fast.get("/v1/lookup", params={"url": pair.url}, headers=key)  # now held
    sent = key if headers == "read" else headers
    assert isinstance(sent, dict)
    fast, _ = await both(pair, query.replace("{url}", pair.url), sent)
    assert fast.status_code == status, fast.text


async def test_a_request_passed_on_spends_one_token_not_two(
    tmp_path: Path, lab_pki: LabPki
) -> None:
    # Burst 2: a URL nobody assessed is admitted by the fast path, then answered 404 by the
    # router; were it admitted twice, the second request would already be refused.
    settings = settings_for(tmp_path, lab_pki, RateLimit(per_minute=1e-6, burst=2))
    key = {"Authorization": f"Bearer {await mint(settings, 'r', Scope.READ)}"}
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        statuses = [
            (await client.get("/v1/lookup?url=https://127.0.0.1/x", headers=key)).status_code
            for _ in range(3)
        ]
        metrics = services(app.state).metrics.render().decode()
    assert statuses == [404, 404, 429]
    # Counted once each, under the route, whichever path answered.
    assert 'route="/v1/lookup",status="404"} 2.0' in metrics
    assert 'route="/v1/lookup",status="429"} 1.0' in metrics
