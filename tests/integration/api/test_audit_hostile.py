"""Audit gaps (issue 16): hostile text in a refused write, and duplicate Authorization headers.

A write whose body holds a lone surrogate or a NUL is refused, and its audit record is still
written, on both databases, with the text escaped visibly (`\\ud800`, `\\x00`). Two
`Authorization` headers are a 400 before anything acts on either (as duplicate JSON keys
are), and a write refused so is audited too.
"""

from __future__ import annotations

import socket
from typing import Any

import aiohttp
import pytest
import uvicorn
from litestar.testing import AsyncTestClient
from multidict import CIMultiDict

from tests.servers.sealed_app import sealed_app
from tests.servers.threaded import ThreadedUvicorn

JSON = {"content-type": "application/json"}


async def _audit(client: AsyncTestClient, action: str) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    page = await client.get("/v1/audit", params={"action": action})
    assert page.status_code == 200, page.text
    items: list[dict[str, Any]] = page.json()["items"]
    return items


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        (rb'{"url": "http://127.0.0.1:9/\ud800"}', "http://127.0.0.1:9/\\ud800"),
        (rb'{"url": "http://127.0.0.1:9/a\u0000b"}', "http://127.0.0.1:9/a\\x00b"),
        (rb'{"url": "http://127.0.0.1:9/\udfff\u0000"}', "http://127.0.0.1:9/\\udfff\\x00"),
    ],
)
async def test_a_refused_write_with_hostile_text_is_audited_escaped(
    database_url: str, raw: bytes, escaped: str
) -> None:
    async with AsyncTestClient(app=sealed_app(database_url)) as client:
        refused = await client.post("/v1/scans", content=raw, headers=JSON)
        assert 400 <= refused.status_code < 500, refused.text
        records = await _audit(client, "CreateScan")
    assert [(r["target"], r["outcome"]) for r in records] == [(escaped, "rejected")]


async def test_duplicate_authorization_headers_are_refused_and_audited(database_url: str) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    config = uvicorn.Config(sealed_app(database_url), log_level="warning", lifespan="on")
    twice = CIMultiDict([("Authorization", "Bearer tsk_a"), ("Authorization", "Bearer tsk_b")])
    folded = {"Authorization": "Bearer tsk_a, Bearer tsk_b"}  # as a proxy may combine them
    with ThreadedUvicorn(config, listener):
        async with aiohttp.ClientSession() as http:
            answers = []
            for method, path, headers in [
                ("GET", "/v1/endpoints", twice),
                ("POST", "/v1/scans", twice),
                ("GET", "/v1/endpoints", folded),
            ]:
                body = {"url": "http://127.0.0.1:9/mcp"} if method == "POST" else None
                async with http.request(method, base + path, headers=headers, json=body) as answer:
                    answers.append(
                        (answer.status, answer.content_type, (await answer.json())["detail"])
                    )
            async with http.get(f"{base}/v1/audit", params={"action": "CreateScan"}) as page:
                records = (await page.json())["items"]
            async with http.get(f"{base}/v1/endpoints") as one:
                alone = one.status
    refused = "more than one Authorization header: send exactly one"
    assert answers == [(400, "application/problem+json", refused)] * 3
    assert [(r["status"], r["outcome"]) for r in records] == [(400, "rejected")]
    assert alone == 200
