"""The 2026-07-28 schema probes against SDK servers on loopback: remote $ref and x-mcp-header.

The SDK derives each tool's schema from its signature, so the hostile parts ride in pydantic
`json_schema_extra`. The remote `$ref` points at a loopback server that records every request:
the scan must judge the reference without ever fetching it.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Annotated

import pytest
from aiohttp import web
from pydantic import Field

from probes.context import ProbeContext
from probes.model import Finding, Outcome
from probes.netpolicy import resolve_target
from probes.target import parse_endpoint_url
from probes.tools.collect import collect_tools
from probes.tools.family import judge_definitions
from tests.integration.mcp.support import SMALL_LIMITS, make_context
from tests.servers.mcp import DEFAULT_TOOLS, Mode, ToolSpec, mcp_server

SURFACE_PROBES = (
    "tool_schema_has_remote_ref",
    "tool_schema_composition_is_excessive",
    "tool_parameter_header_exposes_sensitive_value",
)


@pytest.fixture
def ctx() -> Iterator[ProbeContext]:
    context = make_context()
    yield context
    context.executor.shutdown(wait=False, cancel_futures=True)


@asynccontextmanager
async def recording_server() -> AsyncIterator[tuple[str, list[str]]]:
    """A loopback HTTP server that answers any schema and records each path asked for."""
    seen: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.json_response({"type": "string"})

    listener = socket.create_server(("127.0.0.1", 0))
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, listener).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", seen
    finally:
        await runner.cleanup()
        listener.close()


@asynccontextmanager
async def deep_schema_server(depth: int) -> AsyncIterator[str]:
    """A minimal session-era MCP responder listing an honest tool and one nested `depth` deep.

    The SDK cannot serve it (pydantic refuses such a model), so the body is written by hand:
    `{"allOf": [` `depth` times. CPython's decoder alone raises RecursionError near 1,000.
    """
    deep = '{"allOf":[' * depth + '{"type":"string"}' + "]}" * depth
    honest = json.dumps({"name": "echo", "description": "Echo.", "inputSchema": {"type": "object"}})

    async def handle(request: web.Request) -> web.Response:
        message = await request.json()
        method, message_id = message.get("method"), message.get("id")
        if message_id is None:
            return web.Response(status=202)
        if method == "initialize":
            result = {
                "protocolVersion": "2025-06-18",
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "deep", "version": "0.1"},
            }
            body = json.dumps({"jsonrpc": "2.0", "id": message_id, "result": result})
        elif method == "tools/list":
            tool = f'{{"name":"nest","description":"Nested.","inputSchema":{deep}}}'
            listing = f'{{"tools":[{honest},{tool}]}}'
            body = f'{{"jsonrpc":"2.0","id":{json.dumps(message_id)},"result":{listing}}}'
        else:
            error = {"code": -32601, "message": "Method not found"}
            body = json.dumps({"jsonrpc": "2.0", "id": message_id, "error": error})
        return web.Response(text=body, content_type="application/json")

    app = web.Application()
    app.router.add_post("/mcp", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    listener = socket.create_server(("127.0.0.1", 0))
    await web.SockSite(runner, listener).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/mcp"
    finally:
        await runner.cleanup()
        listener.close()


def login_tool(schema_url: str) -> ToolSpec:
    """A tool whose password goes to a header and whose address schema lives elsewhere."""
    password_field = Field(json_schema_extra={"x-mcp-header": "Password"})
    address_field = Field(json_schema_extra={"$ref": f"{schema_url}/address.json"})

    def login(user: str, password: str, address: str) -> str:
        """Log in and store the address."""
        return user

    # Real objects, not the strings `from __future__ import annotations` would leave.
    login.__annotations__ |= {
        "password": Annotated[str, password_field],
        "address": Annotated[str, address_field],
    }
    return ToolSpec(name="login", description="Log in with a password.", fn=login)


def region_tool() -> ToolSpec:
    """A tool that routes on a harmless header (the spec's own example)."""
    region_field = Field(json_schema_extra={"x-mcp-header": "Region"})

    def forecast(region: str, city: str) -> str:
        """Forecast for a city."""
        return city

    forecast.__annotations__ |= {"region": Annotated[str, region_field]}
    return ToolSpec(name="forecast", description="Forecast for a city.", fn=forecast)


async def _judged(url: str, ctx: ProbeContext) -> dict[tuple[str, str | None], Finding]:
    target = await resolve_target(parse_endpoint_url(url), ctx.policy)
    observation = await collect_tools(target, ctx)
    return {
        (f.probe_id, f.subject): f
        for f in judge_definitions(observation)
        if f.probe_id in SURFACE_PROBES
    }


@pytest.mark.parametrize("mode", ["stateless", "json"])
async def test_remote_ref_and_password_header_are_flagged_and_never_fetched(
    ctx: ProbeContext, mode: Mode
) -> None:
    async with recording_server() as (schema_url, seen):
        tools = (*DEFAULT_TOOLS, login_tool(schema_url), region_tool())
        with mcp_server(tools, mode=mode) as server:
            findings = await _judged(server.url, ctx)
    assert seen == []  # the scan judged the reference and fetched nothing

    def outcome(probe: str, subject: str) -> Outcome:
        return findings[(probe, subject)].outcome

    remote = findings[("tool_schema_has_remote_ref", "tool:login")]
    assert remote.outcome is Outcome.TRUE
    assert f"{schema_url}/address.json" in str(remote.evidence["refs"])
    header = findings[("tool_parameter_header_exposes_sensitive_value", "tool:login")]
    assert header.outcome is Outcome.TRUE
    assert header.evidence["params"] == "password"
    assert header.evidence["headers"] == "password=Mcp-Param-Password"
    # The honest tools, and a header on a region, pass.
    for subject in ("tool:echo", "tool:add", "tool:forecast"):
        assert outcome("tool_schema_has_remote_ref", subject) is Outcome.FALSE
        assert outcome("tool_parameter_header_exposes_sensitive_value", subject) is Outcome.FALSE
    for subject in ("tool:echo", "tool:login", "tool:forecast"):
        assert outcome("tool_schema_composition_is_excessive", subject) is Outcome.FALSE


async def test_a_ten_thousand_deep_schema_is_judged_and_hides_no_other_tool() -> None:
    roomy = make_context(limits=replace(SMALL_LIMITS, max_body_bytes=1024 * 1024))
    try:
        async with deep_schema_server(10_000) as url:
            findings = await _judged(url, roomy)
    finally:
        roomy.executor.shutdown(wait=False, cancel_futures=True)
    deep = findings[("tool_schema_composition_is_excessive", "tool:nest")]
    assert deep.outcome is Outcome.TRUE
    assert "at least" in deep.message
    assert findings[("tool_schema_composition_is_excessive", "tool:echo")].outcome is (
        Outcome.FALSE
    )
