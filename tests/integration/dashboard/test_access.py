"""Signing in to the dashboard: the API's keys and scopes, a cookie, and no cross-site writes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.dashboard.seed import Stored, store
from trustsvc.api.app import create_app
from trustsvc.auth.principal import Scope
from trustsvc.commands.keys import create_key, revoke_key
from trustsvc.config.access import AccessSettings
from trustsvc.config.settings import Settings
from trustsvc.dashboard.session import COOKIE

Client = AsyncTestClient[Litestar]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    url = f"sqlite+aiosqlite:///{tmp_path / 'access.db'}"
    return Settings(database_url=url, auto_migrate=True, access=AccessSettings(key_cache_s=0.0))


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        await store(
            settings.database_url,
            [Stored(url="https://a.fleet.test/mcp", open_drift=1, scores=[(80, "B", "allow")])],
        )
        yield test_client


async def mint(settings: Settings, name: str, scope: Scope) -> str:
    return (await create_key(settings, name, [scope], None)).splitlines()[1]


async def sign_in(client: Client, token: str) -> None:
    response = await client.post("/ui/login", json={"key": token})
    assert response.status_code == 204, response.text
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Max-Age=28800" in cookie


async def test_the_dashboard_is_open_while_the_api_is(client: Client) -> None:
    response = await client.get("/ui/")
    assert response.status_code == 200
    assert "open mode" in response.text
    # Served disabled: before the script wires the form, a click would submit it natively
    # (a GET of /ui/?url=...) and assess nothing; the script enables it (test_browser).
    assert '<button type="submit" id="assess-go" disabled' in response.text


async def test_with_keys_a_page_sends_the_browser_to_sign_in(
    client: Client, settings: Settings
) -> None:
    await mint(settings, "viewer", Scope.READ)
    response = await client.get("/ui/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/login"
    assert (await client.get("/ui/login")).status_code == 200
    assert (await client.get("/ui/static/dashboard.css")).status_code == 200
    # The API itself still answers 401 with a problem, not a redirect.
    assert (await client.get("/v1/endpoints", follow_redirects=False)).status_code == 401


async def test_a_read_key_signs_in_views_and_may_not_act(
    client: Client, settings: Settings
) -> None:
    token = await mint(settings, "viewer", Scope.READ)
    assert (await client.post("/ui/login", json={"key": "tsk_nope"})).status_code == 401
    assert (await client.post("/ui/login", json={"key": token + "x"})).status_code == 401
    await sign_in(client, token)
    page = await client.get("/ui/")
    assert page.status_code == 200
    assert "signed in as <b>viewer</b>" in page.text
    ack = await client.post("/v1/drift/1/ack", json={}, headers={"X-Trustsvc-UI": "1"})
    assert ack.status_code == 403


async def test_the_cookie_alone_never_authorises_a_write(
    client: Client, settings: Settings
) -> None:
    await sign_in(client, await mint(settings, "boss", Scope.ADMIN))
    bare = await client.post("/v1/drift/1/ack", json={})
    assert bare.status_code == 401  # what a cross-site form or fetch without the header gets
    marked = await client.post("/v1/drift/1/ack", json={}, headers={"X-Trustsvc-UI": "1"})
    assert marked.status_code == 200, marked.text


async def test_revoking_the_key_ends_its_session(client: Client, settings: Settings) -> None:
    token = await mint(settings, "viewer", Scope.READ)
    await sign_in(client, token)
    assert (await client.get("/ui/")).status_code == 200
    await revoke_key(settings, token.split("_")[1])
    response = await client.get("/ui/", follow_redirects=False)
    assert response.status_code == 303
    assert f"{COOKIE}=;" in response.headers["set-cookie"]


async def test_signing_out_clears_the_cookie(client: Client, settings: Settings) -> None:
    await sign_in(client, await mint(settings, "viewer", Scope.READ))
    response = await client.post("/ui/logout", headers={"X-Trustsvc-UI": "1"})
    assert response.status_code == 204
    assert "Max-Age=0" in response.headers["set-cookie"]
    client.cookies.clear()
    assert (await client.get("/ui/", follow_redirects=False)).status_code == 303
