"""The MCP client against hostile peers: each ends in a classified error or a recorded problem."""

from __future__ import annotations

import dataclasses

import pytest

from probes.context import ProbeContext
from probes.errors import (
    ProbeError,
    ProbeTimeout,
    ProtocolViolation,
    ResponseTooLarge,
    TargetRejected,
    Unreachable,
)
from probes.mcp.observation import TOOLS_LIST
from tests.integration.mcp.support import SMALL_LIMITS, make_context, observe
from tests.servers.hostile import HostileServer
from tests.servers.tls import unused_port


@pytest.mark.parametrize(
    ("path", "error", "detail"),
    [
        ("/slow-drip", ProbeTimeout, "outlasted"),
        ("/endless-sse", ResponseTooLarge, "stream exceeds"),
        ("/mcp/huge", ResponseTooLarge, "byte limit"),
        ("/invalid-json", ProtocolViolation, "does not speak MCP"),
        ("/wrong-type", ProtocolViolation, "does not speak MCP"),
        ("/redirect-loop", ProtocolViolation, "redirect loop"),
        ("/redirect-private", TargetRejected, "10.0.0.1 is a private address"),
        ("/legacy/private", TargetRejected, "10.0.0.1 is a private address"),
        ("/legacy/scheme", TargetRejected, "unsupported scheme 'file'"),
    ],
)
async def test_hostile_endpoints_end_in_a_classified_error(
    path: str, error: type[ProbeError], detail: str, hostile: HostileServer, ctx: ProbeContext
) -> None:
    with pytest.raises(error, match=detail):
        await observe(ctx, hostile.url(path))


async def test_invalid_json_is_recorded_per_step(hostile: HostileServer, ctx: ProbeContext) -> None:
    with pytest.raises(ProtocolViolation) as caught:
        await observe(ctx, hostile.url("/invalid-json"))
    assert "POST server/discover -> 200; POST initialize -> 200" in caught.value.detail


async def test_private_redirect_never_connects(hostile: HostileServer, ctx: ProbeContext) -> None:
    with pytest.raises(TargetRejected):
        await observe(ctx, hostile.url("/redirect-private"))
    assert {seen.path for seen in hostile.seen} == {"/redirect-private"}


async def test_pagination_stops_at_max_pages(hostile: HostileServer, ctx: ProbeContext) -> None:
    observation = await observe(ctx, hostile.url("/mcp/many"))
    listing = observation.listing(TOOLS_LIST)
    assert listing is not None
    assert (listing.pages, listing.items, listing.truncated) == (SMALL_LIMITS.max_pages, 500, True)
    assert observation.tools_truncated
    assert len(observation.tools) == 500


async def test_pagination_stops_at_max_items(hostile: HostileServer) -> None:
    ctx = make_context(limits=dataclasses.replace(SMALL_LIMITS, max_items=150))
    try:
        observation = await observe(ctx, hostile.url("/mcp/many"))
    finally:
        ctx.executor.shutdown()
    listing = observation.listing(TOOLS_LIST)
    assert listing is not None
    assert (listing.pages, listing.items, listing.truncated) == (2, 150, True)


async def test_repeated_cursor_is_a_problem(hostile: HostileServer, ctx: ProbeContext) -> None:
    observation = await observe(ctx, hostile.url("/mcp/cursor-loop"))
    listing = observation.listing(TOOLS_LIST)
    assert listing is not None
    assert (listing.pages, listing.truncated) == (2, False)
    assert any("repeated cursor" in problem for problem in observation.problems)


async def test_honest_fake_is_stateless(hostile: HostileServer, ctx: ProbeContext) -> None:
    observation = await observe(ctx, hostile.url("/mcp/honest"))
    assert observation.generation == "stateless"
    assert (observation.server_name, observation.server_version) == ("hostile-test", "6.6.6")
    assert [tool["name"] for tool in observation.tools] == ["tool_00000", "tool_00001"]


async def test_legacy_endpoint_on_another_origin_is_recorded_without_credentials(
    hostile: HostileServer,
) -> None:
    ctx = make_context(headers={"Authorization": "Bearer operator-secret"})
    try:
        observation = await observe(ctx, hostile.url("/legacy/foreign"))
    finally:
        ctx.executor.shutdown()
    assert observation.generation == "legacy_sse"
    assert observation.message_endpoint_cross_origin is True
    assert any("another origin" in problem for problem in observation.problems)
    assert [tool["name"] for tool in observation.tools] == ["tool_00000", "tool_00001"]
    foreign = [seen for seen in hostile.seen if seen.port == hostile.ports[1]]
    assert foreign
    assert all("authorization" not in seen.headers for seen in foreign)
    assert all("authorization" in seen.headers for seen in hostile.seen if seen not in foreign)


async def test_nothing_listening(ctx: ProbeContext) -> None:
    with pytest.raises(Unreachable):
        await observe(ctx, f"http://127.0.0.1:{unused_port()}/mcp")
