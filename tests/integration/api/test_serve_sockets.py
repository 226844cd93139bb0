"""The sockets `trustsvc serve` answers on send each write at once (issue 22).

uvicorn writes a response's head and body separately. Without TCP_NODELAY, Nagle's
algorithm holds the body until the client's delayed ACK, 40 ms on Linux: `serve` on
asyncio's loop answered every request about 45 ms late. asyncio sets the option itself only
on sockets created as IPPROTO_TCP, and `serve` hands uvicorn a socket it bound itself, so
both the listener and the guard in api/connections.py see to it. Checked here on the real
server, on the socket of a connection it accepted, for the listener `serve` binds and for
one made with protocol 0 (which asyncio leaves alone).
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from tests.servers.api_process import free_port
from trustsvc.api.connections import GuardedProtocol
from trustsvc.commands.listen import listening_socket
from trustsvc.commands.serve import server
from trustsvc.config.settings import Settings


def bare_listener(port: int) -> socket.socket:
    """A listener made the plain way (protocol 0): asyncio would not set TCP_NODELAY."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


async def nodelay_of_accepted(settings: Settings, sock: socket.socket, port: int) -> list[int]:
    """TCP_NODELAY of each connection the server holds while a keep-alive client is open."""
    api = server(settings, host="127.0.0.1", port=port)
    serving = asyncio.create_task(api.serve(sockets=[sock]))
    try:
        while not api.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
            await asyncio.sleep(0.05)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/livez") as reply:
                assert reply.status == 200
            held = [c for c in api.server_state.connections if isinstance(c, GuardedProtocol)]
            return [
                c.transport.get_extra_info("socket").getsockopt(
                    socket.IPPROTO_TCP, socket.TCP_NODELAY
                )
                for c in held
            ]
    finally:
        api.should_exit = True
        await serving


@pytest.mark.parametrize("listener", ["serve's own", "protocol 0"])
async def test_every_accepted_connection_has_nagle_off(tmp_path: Path, listener: str) -> None:
    port = free_port()
    sock = listening_socket("127.0.0.1", port) if listener == "serve's own" else bare_listener(port)
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'sockets.db'}")
    flags = await nodelay_of_accepted(settings, sock, port)
    assert flags
    assert all(flags), flags


def test_the_listener_is_made_as_tcp() -> None:
    sock = listening_socket("127.0.0.1", free_port())
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_serve_runs_on_asyncio_loop_not_uvloop(tmp_path: Path) -> None:
    """uvloop starves some connections under load (commands/serve.py has the figures)."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'loop.db'}")
    assert server(settings, host="127.0.0.1", port=free_port()).config.loop == "asyncio"
