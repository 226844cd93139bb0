"""The single HTTP exchanges of the auth collector, each recorded as a Reply, never judged.

Built on SafeHttp (policy-pinned, capped, redirect-checked) and the MCP client's
`post_message` (JSON or SSE-framed replies). A failure of one side exchange (a metadata URL
that times out, a policy refusal) is recorded in its Reply's `error` so the other probes still
judge; only the main handshake's failures end the family (the runner's business).
"""

from __future__ import annotations

from collections.abc import Mapping

from probes.auth.judging import BOGUS_ORIGIN, UNSUPPORTED_PROTOCOL_VERSION
from probes.auth.observation import Handshake, Reply
from probes.errors import ProbeError
from probes.http import SafeHttp
from probes.http_response import EVENT_STREAM
from probes.mcp import jsonrpc
from probes.mcp.client import SESSION_VERSION
from probes.mcp.identity import PROBE_CLIENT
from probes.mcp.observation import McpObservation, McpStep
from probes.mcp.transport import Exchange, post_message

MAX_ERROR_CHARS = 300
SESSION_HEADER = "Mcp-Session-Id"
VERSION_HEADER = "MCP-Protocol-Version"
_REFUSALS = frozenset({401, 403})
_META_VERSION = "io.modelcontextprotocol/protocolVersion"


def error_text(exc: ProbeError) -> str:
    """A classified failure as "reason: detail", bounded."""
    return f"{exc.reason}: {exc.detail}"[:MAX_ERROR_CHARS]


def _is_success(status: int | None) -> bool:
    return status is not None and 200 <= status < 300  # noqa: PLR2004 - RFC 9110 15.3


def reply_of(step: McpStep, *, result: bool) -> Reply:
    """A recorded MCP step as a Reply."""
    return Reply(
        url=step.url,
        status=step.status,
        content_type=step.content_type or None,
        served=result,
    )


def _exchange_reply(exchange: Exchange) -> Reply:
    response = exchange.response
    return reply_of(exchange.step, result=response is not None and response.result is not None)


def _challenges(steps: tuple[McpStep, ...]) -> tuple[str, ...]:
    values = (s.headers.get("www-authenticate") for s in steps if s.status in _REFUSALS)
    return tuple(dict.fromkeys(v for v in values if v))


def handshake_from(observation: McpObservation) -> Handshake:
    """Reduce the MCP client's observation to what the auth probes need."""
    steps = observation.steps
    if observation.generation is None:
        refusal = next((s for s in steps if s.status in _REFUSALS), steps[-1])
        return Handshake(
            initialize=reply_of(refusal, result=False), www_authenticate=_challenges(steps)
        )
    main = "server/discover" if observation.generation == "stateless" else "initialize"
    opened = [s for s in steps if s.method == main and _is_success(s.status)]
    tools = next((s for s in steps if s.method == "tools/list"), None)
    return Handshake(
        initialize=reply_of(opened[-1] if opened else steps[0], result=True),
        generation=observation.generation,
        tools_list=None
        if tools is None
        else reply_of(tools, result=_is_success(tools.status) and tools.rpc_error is None),
        session_id=observation.session_id,
        protocol_version=observation.protocol_version,
        www_authenticate=_challenges(steps),
    )


def initialize_message(request_id: int = 1) -> dict[str, object]:
    """A session-era initialize request (MCP 2025-11-25 basic/lifecycle)."""
    params = {
        "protocolVersion": SESSION_VERSION,
        "capabilities": {},
        "clientInfo": PROBE_CLIENT.as_json(),
    }
    return jsonrpc.request(request_id, "initialize", params)


async def bare_initialize(http: SafeHttp, url: str) -> Handshake:
    """One initialize POST, for an endpoint the MCP client found speaking no MCP generation."""
    exchange = await post_message(http, url, initialize_message(), headers={})
    return Handshake(
        initialize=_exchange_reply(exchange), www_authenticate=_challenges((exchange.step,))
    )


async def fetch_document(http: SafeHttp, url: str) -> tuple[Reply, bytes]:
    """GET a metadata document without credentials; failures become the Reply's error."""
    try:
        response = await http.request("GET", url, accept="application/json", send_credentials=False)
    except ProbeError as exc:
        return Reply(url=url, error=error_text(exc)), b""
    reply = Reply(url=url, status=response.status, content_type=response.content_type or None)
    return reply, response.body


async def _post(
    http: SafeHttp, url: str, message: Mapping[str, object], headers: Mapping[str, str]
) -> Exchange | Reply:
    try:
        return await post_message(http, url, message, headers=headers)
    except ProbeError as exc:
        return Reply(url=url, error=error_text(exc))


async def end_session(http: SafeHttp, url: str, session_id: str | None) -> None:
    """DELETE a session we opened (best effort: 2025-11-25 basic/transports allows 405)."""
    if session_id is None:
        return
    try:
        await http.request("DELETE", url, headers={SESSION_HEADER: session_id})
    except ProbeError:
        return


async def bogus_origin(http: SafeHttp, url: str) -> Reply:
    """Initialize with a foreign Origin (2025-11-25 basic/transports: MUST answer 403)."""
    sent = await _post(http, url, initialize_message(), {"Origin": BOGUS_ORIGIN})
    if isinstance(sent, Reply):
        return sent
    await end_session(http, url, sent.step.session_id)
    return _exchange_reply(sent)


async def bogus_origin_stream(http: SafeHttp, url: str) -> Reply:
    """Open the legacy HTTP+SSE stream with a foreign Origin; served means it opened."""
    try:
        async with http.stream(
            "GET", url, accept=EVENT_STREAM, headers={"Origin": BOGUS_ORIGIN}
        ) as stream:
            opened = _is_success(stream.status) and stream.content_type == EVENT_STREAM
            content_type = stream.content_type or None
            return Reply(url=url, status=stream.status, content_type=content_type, served=opened)
    except ProbeError as exc:
        return Reply(url=url, error=error_text(exc))


async def session_sample(http: SafeHttp, url: str) -> tuple[str | None, Exchange | None]:
    """Open one session-era session: its id and the initialize exchange (None on failure)."""
    sent = await _post(http, url, initialize_message(), {})
    if isinstance(sent, Reply) or sent.response is None or sent.response.result is None:
        return None, None
    return sent.step.session_id, sent


async def unsupported_version(
    http: SafeHttp, url: str, opened: Exchange | None, session_id: str | None
) -> Reply:
    """A request carrying MCP-Protocol-Version 1999-01-01 (2025-06-18 transports: MUST be 400).

    On an initialized session it is tools/list; on a stateless-only endpoint it is
    server/discover with the same version in `_meta`, so only the version is wrong.
    """
    if opened is None:
        params = {"_meta": {_META_VERSION: UNSUPPORTED_PROTOCOL_VERSION}}
        headers = {VERSION_HEADER: UNSUPPORTED_PROTOCOL_VERSION, "Mcp-Method": "server/discover"}
        sent = await _post(http, url, jsonrpc.request(9, "server/discover", params), headers)
        return sent if isinstance(sent, Reply) else _exchange_reply(sent)
    result = opened.response.result if opened.response else None
    version = result.get("protocolVersion") if result else None
    session = {SESSION_HEADER: session_id} if session_id else {}
    agreed = {**session, VERSION_HEADER: version if isinstance(version, str) else SESSION_VERSION}
    notified = await _post(http, url, jsonrpc.notification("notifications/initialized"), agreed)
    if isinstance(notified, Reply):
        return notified
    wrong = {**session, VERSION_HEADER: UNSUPPORTED_PROTOCOL_VERSION}
    sent = await _post(http, url, jsonrpc.request(2, "tools/list", {}), wrong)
    return sent if isinstance(sent, Reply) else _exchange_reply(sent)
