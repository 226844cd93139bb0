"""Fixtures for the SafeHttp and MCP client tests: loopback-only policy, small limits, servers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from probes.context import ProbeContext
from tests.integration.mcp.support import ROOMY_LIMITS, make_context
from tests.servers.hostile import HostileServer

NODE_DIR = Path(__file__).resolve().parents[2] / "node"
EVERYTHING_BIN = NODE_DIR / "node_modules" / ".bin" / "mcp-server-everything"


@pytest.fixture
def ctx() -> Iterator[ProbeContext]:
    """A loopback-only context with small limits."""
    context = make_context()
    yield context
    context.executor.shutdown(wait=True)


@pytest.fixture
def sdk_ctx() -> Iterator[ProbeContext]:
    """A loopback-only context for real servers, with timeouts no loaded machine reaches."""
    context = make_context(limits=ROOMY_LIMITS)
    yield context
    context.executor.shutdown(wait=True)


@pytest.fixture
async def hostile() -> AsyncIterator[HostileServer]:
    """The hostile HTTP server, on two loopback ports, in the test's event loop."""
    async with HostileServer() as server:
        yield server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def everything_url() -> Iterator[str]:
    """`@modelcontextprotocol/server-everything` (TypeScript SDK) over Streamable HTTP."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the TypeScript reference server cannot run")
    if not EVERYTHING_BIN.exists():
        pytest.fail(f"run `npm ci --prefix {NODE_DIR} --no-audit --no-fund` (scripts/test.sh does)")
    port = _free_port()
    # It listens on every interface and has no host option (environment.md section 5).
    env = {**os.environ, "PORT": str(port)}
    with subprocess.Popen(
        [node, str(EVERYTHING_BIN), "streamableHttp"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as process:
        try:
            _wait_for_port(port, process)
            yield f"http://127.0.0.1:{port}/mcp"
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server-everything exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail("server-everything did not listen within 20 s")
