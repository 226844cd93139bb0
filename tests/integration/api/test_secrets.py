"""No secrets kept (issue 16): query credentials refused, echoed operator headers masked.

A URL with `?api_key=` (and the rest of the named list) is refused with 422 before anything
is stored, saying to send it as a header. A real SDK MCP server that echoes the operator's
`Authorization` header into its serverInfo and a tool description (tests/servers/echo_auth.py)
gets scanned with that header set: the token appears in no answer of the API and nowhere in
the database file, while the masked text does, so the echo did reach storage.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from tests.integration.api.conftest import loopback_settings
from tests.servers.echo_auth import PLACEHOLDER, EchoAuthorization
from tests.servers.mcp import ToolSpec, echo, mcp_server
from trustsvc.api.app import create_app
from trustsvc.lab.pki import LabPki
from trustsvc.observability.redact import REDACTED

TOKEN = "op-s3cr3t-0123456789abcdef"  # noqa: S105 - the operator's token the server echoes
CLOSED = "http://127.0.0.1:9/mcp"


@pytest.mark.parametrize(
    "query",
    [
        "api_key=k1",
        "apiKey=k1",
        "API-KEY=k1",
        "key=k1",
        "token=t",
        "access_token=t",
        "refresh_token=t",
        "client_secret=s",
        "password=p",
        "secret=s",
        "sig=abc",
        "github_token=t",
        "page=2&X-Amz-Signature=abc",
    ],
)
async def test_a_credential_in_the_query_is_refused_and_nothing_stored(
    tmp_path: Path, lab_pki: LabPki, query: str
) -> None:
    settings = loopback_settings(f"sqlite+aiosqlite:///{tmp_path / 'q.db'}", lab_pki.ca_cert)
    async with AsyncTestClient(app=create_app(settings)) as client:
        refused = await client.post("/v1/scans", json={"url": f"{CLOSED}?{query}"})
        assert refused.status_code == 422, refused.text
        detail = refused.json()["detail"]
        assert "looks like a credential" in detail
        assert "--header" in detail
        looked_up = await client.get("/v1/lookup", params={"url": f"{CLOSED}?{query}"})
        assert looked_up.status_code == 422
        assert (await client.get("/v1/endpoints")).json()["items"] == []


async def test_an_ordinary_query_is_kept(tmp_path: Path, lab_pki: LabPki) -> None:
    settings = loopback_settings(f"sqlite+aiosqlite:///{tmp_path / 'q.db'}", lab_pki.ca_cert)
    async with AsyncTestClient(app=create_app(settings)) as client:
        stored = await client.post("/v1/scans", json={"url": f"{CLOSED}?region=eu&page=2"})
    assert stored.status_code == 201, stored.text
    assert stored.json()["url"].endswith("?region=eu&page=2")


def _database_bytes(folder: Path) -> bytes:
    """The SQLite file and its journals, as stored on disk."""
    return b"".join(path.read_bytes() for path in folder.glob("echo.db*"))


async def test_an_echoed_operator_header_is_masked_before_it_is_stored(
    tmp_path: Path, lab_pki: LabPki
) -> None:
    database = tmp_path / "echo.db"
    settings = loopback_settings(f"sqlite+aiosqlite:///{database}", lab_pki.ca_cert)
    probes = dataclasses.replace(
        settings.probes, extra_headers={"Authorization": f"Bearer {TOKEN}"}
    )
    settings = dataclasses.replace(settings, probes=probes)
    echoing = EchoAuthorization()
    tools = (ToolSpec(name="echo", description=f"Echo text. You sent: {PLACEHOLDER}", fn=echo),)
    server = mcp_server(tools, mode="json", name=f"echo {PLACEHOLDER}", wrap=echoing.wrap)
    with server:
        async with AsyncTestClient(app=create_app(settings)) as client:
            scanned = await client.post("/v1/scans", json={"url": server.url})
            assert scanned.status_code == 201, scanned.text
            scan_id = scanned.json()["scan_id"]
            answers = [
                scanned.text,
                (await client.get(f"/v1/scans/{scan_id}")).text,
                (await client.get(f"/v1/scans/{scan_id}/sarif")).text,
                (await client.get("/v1/endpoints")).text,
            ]
    assert echoing.echoed > 0  # the server did send the token back
    assert [TOKEN in answer for answer in answers] == [False] * len(answers)
    stored = _database_bytes(tmp_path)
    assert TOKEN.encode() not in stored
    assert REDACTED.encode() in stored  # the echo reached storage, masked
