"""What a listed remote answered this scan's MCP handshake: MCP, a web page, or nothing.

Read from the scan's shared handshake (`probes.mcp.shared`), so a remote that speaks MCP sees
no extra request. One that speaks no generation gets one bare `initialize` POST, to record
the status and content type it answers with (the handshake's error keeps neither).
"""

from __future__ import annotations

from probes.context import ProbeContext
from probes.errors import ProbeError, ProtocolViolation
from probes.http import SafeHttp
from probes.mcp import jsonrpc
from probes.mcp.client import SESSION_VERSION
from probes.mcp.identity import PROBE_CLIENT
from probes.mcp.observation import McpObservation
from probes.mcp.shared import shared_mcp
from probes.mcp.transport import post_message
from probes.publisher.hygiene import RemoteAnswer
from probes.target import Target

MAX_PROBLEM_CHARS = 300
MAX_CONTENT_TYPE_CHARS = 120
_OPENING = ("server/discover", "initialize")
_UNAUTHORIZED = 401
_OK = 200


async def remote_answer(target: Target, ctx: ProbeContext) -> RemoteAnswer:
    """Whether the endpoint speaks MCP, with the status and content type of its reply."""
    try:
        async with shared_mcp(target, ctx) as shared:
            try:
                return _answer_of(await shared.identified())
            except ProtocolViolation as exc:
                http = await shared.http(credentials=False)
                return await _bare_initialize(target, http, exc)
    except ProbeError as exc:
        return RemoteAnswer(speaks_mcp=None, problem=_problem(exc))


def _answer_of(observation: McpObservation) -> RemoteAnswer:
    steps = observation.steps
    if observation.generation is None:
        refusal = next((s for s in steps if s.status == _UNAUTHORIZED), None)
        return RemoteAnswer(
            speaks_mcp=None,
            status=refusal.status if refusal else None,
            content_type=_clipped(refusal.content_type) if refusal else None,
            problem="the endpoint asks for credentials",
        )
    opening = next((s for s in steps if s.method in _OPENING and s.status == _OK), None)
    return RemoteAnswer(
        speaks_mcp=True,
        status=opening.status if opening else None,
        content_type=_clipped(opening.content_type) if opening else None,
    )


async def _bare_initialize(
    target: Target, http: SafeHttp, failure: ProtocolViolation
) -> RemoteAnswer:
    params = {
        "protocolVersion": SESSION_VERSION,
        "capabilities": {},
        "clientInfo": PROBE_CLIENT.as_json(),
    }
    try:
        exchange = await post_message(
            http, target.url, jsonrpc.request(1, "initialize", params), headers={}
        )
    except ProbeError as exc:
        return RemoteAnswer(speaks_mcp=False, problem=_problem(exc))
    step = exchange.step
    return RemoteAnswer(
        speaks_mcp=False,
        status=step.status,
        content_type=_clipped(step.content_type),
        problem=_problem(failure),
    )


def _problem(exc: ProbeError) -> str:
    return f"{exc.reason}: {exc.detail}"[:MAX_PROBLEM_CHARS]


def _clipped(content_type: str) -> str | None:
    """The media type as recorded, bounded (a header can be kilobytes long)."""
    return content_type[:MAX_CONTENT_TYPE_CHARS] or None
