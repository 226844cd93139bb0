"""The MCP handshake: find which wire generation an endpoint speaks, then list its surfaces.

Three generations are tried newest first, as the SDKs do (landscape.md 4.1-4.3):
1. stateless 2026-07-28: `server/discover`; an older server answers 400 "Missing session ID"
   or -32601, the signal to fall back;
2. Streamable HTTP sessions (2025-03-26 to 2025-11-25): `initialize`, `Mcp-Session-Id`,
   `notifications/initialized`, then requests carrying `MCP-Protocol-Version`;
3. legacy HTTP+SSE (2024-11-05): GET the stream, POST to its `endpoint` event's URL.
Passive only: no `tools/call`. Only ProbeError subclasses escape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from contextlib import aclosing
from urllib.parse import urljoin

from probes.context import ProbeLimits
from probes.errors import ProbeError, ProtocolViolation
from probes.http import SafeHttp
from probes.http_response import EVENT_STREAM
from probes.mcp import jsonrpc
from probes.mcp.identity import PROBE_CLIENT, ClientInfo
from probes.mcp.jsonrpc import RpcResponse
from probes.mcp.listing import Call, list_all
from probes.mcp.observation import (
    PROMPTS_LIST,
    RESOURCE_TEMPLATES_LIST,
    RESOURCES_LIST,
    TOOLS_LIST,
    McpObservation,
)
from probes.mcp.record import Record
from probes.mcp.transport import LegacyStream, post_message, step_from
from probes.target import parse_endpoint_url

MODERN_VERSION = "2026-07-28"
SESSION_VERSION = "2025-11-25"
LEGACY_VERSION = "2024-11-05"
_META_PREFIX = "io.modelcontextprotocol/"
_LEGACY_FALLBACK_STATUSES = frozenset({400, 404, 405})


async def handshake(
    http: SafeHttp,
    url: str,
    limits: ProbeLimits,
    *,
    list_surfaces: bool = True,
    client: ClientInfo = PROBE_CLIENT,
    on_identified: Callable[[McpObservation], None] | None = None,
) -> McpObservation:
    """Handshake with the MCP endpoint at `url` and, unless told not to, list its surfaces.

    `on_identified` receives the observation as it stands when the server has said who it is
    (serverInfo, capabilities; nothing listed yet), so a caller that needs only that does not
    wait for a long listing.

    Raises:
        ProtocolViolation: no generation answered and no exchange asked for credentials.
        TargetRejected, Unreachable, ProbeTimeout, TlsHandshakeFailed, ResponseTooLarge.
    """
    record = Record(
        url=url, observed_at=dt.datetime.now(dt.UTC), client=client, on_identified=on_identified
    )
    if await _stateless(http, url, limits, record, list_surfaces=list_surfaces):
        return record.freeze()
    if await _streamable(http, url, limits, record, list_surfaces=list_surfaces):
        return record.freeze()
    if record.legacy_worth_trying and await _legacy(
        http, url, limits, record, list_surfaces=list_surfaces
    ):
        return record.freeze()
    if record.auth_required:
        return record.freeze()
    raise ProtocolViolation(f"the endpoint does not speak MCP: {record.summary()}")


async def _stateless(
    http: SafeHttp, url: str, limits: ProbeLimits, record: Record, *, list_surfaces: bool
) -> bool:
    """2026-07-28 basic/transports: every request self-contained, routed by header too."""
    meta = {
        f"{_META_PREFIX}protocolVersion": MODERN_VERSION,
        f"{_META_PREFIX}clientInfo": record.client.as_json(),
        f"{_META_PREFIX}clientCapabilities": {},
    }

    async def call(method: str, params: Mapping[str, object]) -> RpcResponse | None:
        headers = {"MCP-Protocol-Version": MODERN_VERSION, "Mcp-Method": method}
        message = jsonrpc.request(record.next_id(), method, {**params, "_meta": meta})
        exchange = await post_message(http, url, message, headers=headers)
        return record.add(exchange)

    try:
        discovered = await call("server/discover", {})
    except ProtocolViolation as exc:
        record.problems.append(f"server/discover: {exc.detail}")
        return False
    if discovered is None or discovered.result is None:
        return False  # 400 "Missing session ID", -32601 or 404: an older generation
    result = discovered.result
    versions = result.get("supportedVersions")
    record.supported_versions = (
        tuple(v for v in versions if isinstance(v, str)) if isinstance(versions, list) else ()
    )
    if MODERN_VERSION not in record.supported_versions:
        record.problems.append(
            f"server/discover does not list {MODERN_VERSION} in supportedVersions"
        )
    result_meta = result.get("_meta")
    server_info = (
        result_meta.get(f"{_META_PREFIX}serverInfo") if isinstance(result_meta, dict) else None
    )
    record.identify("stateless", MODERN_VERSION, result, server_info or result.get("serverInfo"))
    await _surfaces(call, limits, record, list_surfaces=list_surfaces)
    return True


async def _streamable(
    http: SafeHttp, url: str, limits: ProbeLimits, record: Record, *, list_surfaces: bool
) -> bool:
    """2025-11-25 basic/lifecycle and basic/transports: initialize, then a session."""
    headers: dict[str, str] = {}

    async def call(method: str, params: Mapping[str, object]) -> RpcResponse | None:
        message = jsonrpc.request(record.next_id(), method, params)
        return record.add(await post_message(http, url, message, headers=headers))

    try:
        initialized = await call("initialize", _initialize_params(SESSION_VERSION, record))
    except ProtocolViolation as exc:
        record.problems.append(f"initialize: {exc.detail}")
        record.legacy_worth_trying = True
        return False
    last = record.steps[-1]
    if initialized is None or initialized.result is None:
        record.legacy_worth_trying = last.status in _LEGACY_FALLBACK_STATUSES
        return False
    result = initialized.result
    version = _string(result.get("protocolVersion")) or SESSION_VERSION
    record.session_id = last.session_id
    record.check_session_id()
    record.identify("streamable", version, result, result.get("serverInfo"))
    headers["MCP-Protocol-Version"] = version
    if record.session_id is not None:
        headers["Mcp-Session-Id"] = record.session_id
    await _notify_initialized(http, url, headers, record)
    try:
        await _surfaces(call, limits, record, list_surfaces=list_surfaces)
    except ProbeError:
        await _end_session(http, url, headers, record)  # not on cancellation: the budget ran out
        raise
    await _end_session(http, url, headers, record)
    return True


async def _legacy(
    http: SafeHttp, url: str, limits: ProbeLimits, record: Record, *, list_surfaces: bool
) -> bool:
    """2024-11-05 basic/transports "HTTP with SSE": replies arrive on the GET stream."""
    async with http.stream(
        "GET", url, accept=EVENT_STREAM, max_duration_s=limits.family_budget_s
    ) as stream:
        record.steps.append(step_from("open SSE stream", "GET", stream, []))
        if stream.status != 200 or stream.content_type != EVENT_STREAM:  # noqa: PLR2004
            return False
        async with aclosing(LegacyStream(stream, limits.request_timeout_s)) as channel:
            return await _legacy_session(http, channel, limits, record, list_surfaces=list_surfaces)


async def _legacy_session(
    http: SafeHttp,
    channel: LegacyStream,
    limits: ProbeLimits,
    record: Record,
    *,
    list_surfaces: bool,
) -> bool:
    """POST to the `endpoint` event's URL, which must pass the network policy like any hop."""
    endpoint = urljoin(channel.stream.url, await channel.endpoint())
    parse_endpoint_url(endpoint)  # a javascript: or file: endpoint is refused here
    record.message_endpoint = endpoint
    record.message_endpoint_cross_origin = not _same_origin(endpoint, channel.stream.url)
    if record.message_endpoint_cross_origin:
        record.problems.append(f"the endpoint event points to another origin: {endpoint}")

    async def call(method: str, params: Mapping[str, object]) -> RpcResponse | None:
        request_id = record.next_id()
        message = jsonrpc.request(request_id, method, params)
        response = await http.request("POST", endpoint, json=message)
        problems: list[str] = []
        reply = None
        if 200 <= response.status < 300:  # noqa: PLR2004
            reply = await channel.reply(request_id, problems)
        record.steps.append(step_from(method, "POST", response, problems, reply=reply))
        return reply

    initialized = await call("initialize", _initialize_params(LEGACY_VERSION, record))
    if initialized is None or initialized.result is None:
        return False
    result = initialized.result
    version = _string(result.get("protocolVersion")) or LEGACY_VERSION
    record.identify("legacy_sse", version, result, result.get("serverInfo"))
    notification = jsonrpc.notification("notifications/initialized")
    notified = await http.request("POST", endpoint, json=notification)
    record.steps.append(step_from("notifications/initialized", "POST", notified, []))
    await _surfaces(call, limits, record, list_surfaces=list_surfaces)
    return True


async def _surfaces(
    call: Call, limits: ProbeLimits, record: Record, *, list_surfaces: bool
) -> None:
    """tools/list always; prompts and resources only when advertised (basic/lifecycle)."""
    if not list_surfaces:
        return
    record.tools = await record.listed(list_all(call, TOOLS_LIST, "tools", limits, record.problems))
    if "prompts" in record.capabilities:
        record.prompts = await record.listed(
            list_all(call, PROMPTS_LIST, "prompts", limits, record.problems)
        )
    if "resources" in record.capabilities:
        record.resources = await record.listed(
            list_all(call, RESOURCES_LIST, "resources", limits, record.problems)
        )
        record.resource_templates = await record.listed(
            list_all(call, RESOURCE_TEMPLATES_LIST, "resourceTemplates", limits, record.problems)
        )


async def _notify_initialized(
    http: SafeHttp, url: str, headers: Mapping[str, str], record: Record
) -> None:
    message = jsonrpc.notification("notifications/initialized")
    exchange = await post_message(http, url, message, headers=headers)
    record.add(exchange)


async def _end_session(
    http: SafeHttp, url: str, headers: Mapping[str, str], record: Record
) -> None:
    """DELETE the session (best effort; 405 is allowed: 2025-11-25 basic/transports)."""
    if record.session_id is None:
        return
    try:
        response = await http.request("DELETE", url, headers=headers)
    except ProbeError as exc:
        record.problems.append(f"ending the session failed: {exc.detail}")
        return
    record.steps.append(step_from("end session", "DELETE", response, []))


def _initialize_params(version: str, record: Record) -> dict[str, object]:
    return {"protocolVersion": version, "capabilities": {}, "clientInfo": record.client.as_json()}


def _same_origin(first: str, second: str) -> bool:
    a, b = parse_endpoint_url(first), parse_endpoint_url(second)
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None
