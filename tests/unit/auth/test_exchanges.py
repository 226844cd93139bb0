"""Reducing the MCP client's observation to the auth family's Handshake, from literal steps."""

from __future__ import annotations

from probes.auth.exchanges import handshake_from
from probes.mcp.observation import Generation, McpObservation, McpStep
from tests.unit.auth.observations import CHALLENGE, ENDPOINT, NOW


def step(
    method: str,
    status: int | None,
    *,
    www: str | None = None,
    session_id: str | None = None,
    rpc_error: str | None = None,
) -> McpStep:
    headers = {"www-authenticate": www} if www else {}
    return McpStep(
        method=method,
        http_method="POST",
        url=ENDPOINT,
        status=status,
        content_type="application/json",
        session_id=session_id,
        headers=headers,
        rpc_error=rpc_error,
    )


def observation(
    generation: Generation | None, *steps: McpStep, session_id: str | None = None
) -> McpObservation:
    return McpObservation(
        observed_at=NOW,
        url=ENDPOINT,
        generation=generation,
        protocol_version=None if generation is None else "2025-11-25",
        session_id=session_id,
        steps=steps,
        auth_required=generation is None,
    )


def test_a_refused_handshake_keeps_the_status_and_each_challenge_once() -> None:
    refused = observation(
        None, step("server/discover", 401, www=CHALLENGE), step("initialize", 401, www=CHALLENGE)
    )
    handshake = handshake_from(refused)
    assert (handshake.initialize.status, handshake.initialize.served) == (401, False)
    assert handshake.www_authenticate == (CHALLENGE,)
    assert handshake.tools_list is None
    assert not handshake.open


def test_a_session_handshake_after_the_stateless_attempt() -> None:
    opened = observation(
        "streamable",
        step("server/discover", 400),
        step("initialize", 200, session_id="s" * 32),
        step("notifications/initialized", 202),
        step("tools/list", 200),
        session_id="s" * 32,
    )
    handshake = handshake_from(opened)
    assert handshake.open
    assert (handshake.initialize.status, handshake.generation) == (200, "streamable")
    assert handshake.session_id == "s" * 32
    assert handshake.www_authenticate == ()


def test_a_stateless_handshake_whose_tools_list_is_refused() -> None:
    guarded = observation(
        "stateless",
        step("server/discover", 200),
        step("tools/list", 403, www='Bearer error="insufficient_scope"'),
    )
    handshake = handshake_from(guarded)
    assert handshake.initialize.served
    assert handshake.refusing_status == 403
    assert handshake.www_authenticate == ('Bearer error="insufficient_scope"',)


def test_a_json_rpc_error_from_tools_list_is_not_served() -> None:
    erred = observation(
        "streamable", step("initialize", 200), step("tools/list", 200, rpc_error="-32601: nope")
    )
    handshake = handshake_from(erred)
    assert handshake.tools_list is not None
    assert not handshake.tools_list.served
    assert handshake.refusing_status == 200
