"""Slow clients cannot hold `trustsvc serve` (issue 16): head and body deadlines, a cap.

The real command serves on loopback. 500 connections from 127.0.0.3 send the start of a
request head and then trickle one header line after another, never finishing it, as a
slow-loris attack does; meanwhile a client on 127.0.0.2 keeps looking up. Every trickling
connection must be closed by the server (those over the per-client cap as they open, the
rest at the head deadline) without an answer, and every lookup must be answered. A write
that declares a 100-byte body and sends 7 is closed at the body deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from tests.servers.api_process import HOST, ApiProcess

TRICKLERS = 500
CAP = 200
HEAD_TIMEOUT_S = 3
TRICKLE_EVERY_S = 0.5
"""The attack's pace: a header line every half second, so no idle timer would ever fire."""
GUARD_S = 120.0
"""Only so a regression fails instead of hanging: the server must close them long before."""
ATTACKER = "127.0.0.3"
LOOKER = "127.0.0.2"

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ApiProcess]:
    work = tmp_path_factory.mktemp("slow-clients")
    env = {
        "TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{work / 'api.db'}",
        "TRUSTSVC_SCHEDULER": "off",
        "TRUSTSVC_DOMAIN_LOOKUPS": "off",
        "TRUSTSVC_HEADER_TIMEOUT_S": str(HEAD_TIMEOUT_S),
        "TRUSTSVC_BODY_TIMEOUT_S": str(HEAD_TIMEOUT_S),
        "TRUSTSVC_MAX_CONNECTIONS_PER_CLIENT": str(CAP),
    }
    async with ApiProcess(env, work / "serve.log") as process:
        yield process


async def closed_by_server(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sent before closing (b"" for a silent close)."""
    with contextlib.suppress(ConnectionError):
        return await reader.read()
    return b""


async def trickle(port: int, held: list[int]) -> bytes:
    """A slow-loris connection: a head that never ends; returns what the server answered."""
    reader, writer = await asyncio.open_connection(HOST, port, local_addr=(ATTACKER, 0))
    answer = asyncio.ensure_future(closed_by_server(reader))
    held.append(1)
    try:
        writer.write(b"GET /v1/lookup?url=https%3A%2F%2Fa.example%2F HTTP/1.1\r\nHost: a\r\n")
        line = 0
        while not answer.done():
            with contextlib.suppress(ConnectionError):
                writer.write(f"X-Trickle-{line}: 1\r\n".encode())
                await writer.drain()
            line += 1
            await asyncio.wait([answer], timeout=TRICKLE_EVERY_S)  # the attack's pace
        return await answer
    finally:
        held.pop()
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def test_trickling_connections_are_closed_while_lookups_keep_answering(
    api: ApiProcess,
) -> None:
    held: list[int] = []
    attack = [asyncio.ensure_future(trickle(api.port, held)) for _ in range(TRICKLERS)]
    answered: list[tuple[int, int]] = []  # (status, trickling connections open meanwhile)
    connector = aiohttp.TCPConnector(local_addr=(LOOKER, 0))
    async with aiohttp.ClientSession(connector=connector) as http:
        while not all(task.done() for task in attack) or not answered:
            async with http.get(
                f"{api.url}/v1/lookup", params={"url": "https://never-scanned.example/mcp"}
            ) as response:
                answered.append((response.status, len(held)))
            await asyncio.wait(attack, timeout=0.05, return_when=asyncio.ALL_COMPLETED)
    answers = await asyncio.wait_for(asyncio.gather(*attack), GUARD_S)
    assert answers == [b""] * TRICKLERS  # every one closed by the server, none answered
    assert {status for status, _ in answered} == {404}  # never assessed: an answer
    assert max(open_ for _, open_ in answered) >= CAP  # answered while the cap was full


async def test_a_body_shorter_than_declared_is_dropped_at_the_body_deadline(
    api: ApiProcess,
) -> None:
    reader, writer = await asyncio.open_connection(HOST, api.port, local_addr=(ATTACKER, 0))
    writer.write(
        b"POST /v1/scans HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n"
        b'{"url":'
    )
    await writer.drain()
    try:
        assert await asyncio.wait_for(closed_by_server(reader), GUARD_S) == b""
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def test_a_client_under_its_cap_is_served_normally(api: ApiProcess) -> None:
    connector = aiohttp.TCPConnector(local_addr=(ATTACKER, 0), limit=CAP)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def live() -> int:
            async with http.get(f"{api.url}/livez") as response:
                return response.status

        assert await asyncio.gather(*(live() for _ in range(CAP))) == [200] * CAP
