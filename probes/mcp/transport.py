"""One JSON-RPC exchange over HTTP, in either reply framing, recorded as an McpStep.

Streamable HTTP (2025-03-26 onwards, basic/transports "Sending Messages to the Server") lets a
server answer a POST with `application/json` or with a `text/event-stream` that may carry
notifications and server requests before the reply; the client must accept both. The legacy
HTTP+SSE transport (2024-11-05) answers POSTs with 202 and sends every reply on the GET stream.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass, field, replace

from probes.errors import ProbeTimeout, ProtocolViolation
from probes.http import HttpResponse, SafeHttp, StreamingResponse, parse_json
from probes.http_response import EVENT_STREAM
from probes.mcp import jsonrpc
from probes.mcp.jsonrpc import RequestId, RpcResponse
from probes.mcp.observation import McpStep
from probes.sse import SseEvent

ACCEPT_BOTH = "application/json, text/event-stream"  # 2025-11-25 basic/transports: MUST
SESSION_HEADER = "mcp-session-id"
_RECORDED_HEADERS = (
    "mcp-session-id",
    "mcp-protocol-version",
    "www-authenticate",
    "location",
    "allow",
    "cache-control",
    "access-control-allow-origin",
)
_ACCEPTED = 202


@dataclass(frozen=True, slots=True, kw_only=True)
class Exchange:
    """A recorded step and the reply it produced (None when nothing usable arrived)."""

    step: McpStep
    response: RpcResponse | None


async def post_message(
    http: SafeHttp,
    url: str,
    message: Mapping[str, object],
    *,
    headers: Mapping[str, str],
) -> Exchange:
    """POST one message and read its reply from a JSON body or an SSE stream.

    Raises only transport failures (ProbeTimeout, ResponseTooLarge, Unreachable, ...): a
    malformed reply is recorded in the step's problems.
    """
    request_id = _id_of(message)
    started = time.perf_counter()
    tally = _Tally()
    async with http.stream(
        "POST", url, json=message, headers=headers, accept=ACCEPT_BOTH
    ) as stream:
        if stream.content_type == EVENT_STREAM and 200 <= stream.status < 300:  # noqa: PLR2004
            async with aclosing(stream.events()) as events:
                response = await _reply_from_events(events, request_id, tally)
        else:
            body = await stream.read()
            response = _reply_from_body(body, request_id, tally.problems)
        step = step_from(
            str(message.get("method")),
            "POST",
            stream,
            tally.problems,
            reply=response,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )
    return Exchange(
        step=replace(step, sse_events=tally.events, priming_events=tally.priming), response=response
    )


def step_from(
    label: str,
    http_method: str,
    response: HttpResponse | StreamingResponse,
    problems: list[str],
    *,
    reply: RpcResponse | None = None,
    elapsed_ms: float | None = None,
) -> McpStep:
    """Record an exchange made outside post_message (a DELETE, a GET stream, a legacy POST)."""
    return McpStep(
        method=label,
        http_method=http_method,
        url=response.url,
        status=response.status,
        content_type=response.content_type,
        elapsed_ms=response.elapsed_ms if elapsed_ms is None else elapsed_ms,
        session_id=response.headers.get(SESSION_HEADER),
        headers=_recorded(response.headers),
        rpc_error=None if reply is None or reply.error is None else reply.error.describe(),
        problems=tuple(problems),
    )


@dataclass(slots=True)
class _Tally:
    """What one SSE reply stream carried besides the reply."""

    events: int = 0
    priming: int = 0
    problems: list[str] = field(default_factory=list)


class LegacyStream:
    """The GET stream of the 2024-11-05 transport: an `endpoint` event, then every reply."""

    def __init__(self, stream: StreamingResponse, wait_s: float) -> None:
        self.stream = stream
        self._events = stream.events()
        self._wait_s = wait_s
        self._early: dict[RequestId, object] = {}

    async def aclose(self) -> None:
        """Stop reading events (the HTTP stream itself closes with its `async with`)."""
        await self._events.aclose()

    async def endpoint(self) -> str:
        """The data of the first `endpoint` event (2024-11-05 basic/transports "HTTP with SSE")."""
        async with _within(self._wait_s, "the endpoint event"):
            async for event in self._events:
                if event.event == "endpoint":
                    return event.data.strip()
        raise ProtocolViolation("the SSE stream ended without an endpoint event")

    async def reply(self, request_id: RequestId, problems: list[str]) -> RpcResponse | None:
        """Wait on the stream for the reply to `request_id`; other messages are set aside."""
        if request_id in self._early:
            return _checked(self._early.pop(request_id), request_id, problems)
        async with _within(self._wait_s, f"the reply to request {request_id}"):
            async for event in self._events:
                message = _event_message(event, problems)
                if jsonrpc.kind(message) != "response" or not isinstance(message, dict):
                    continue
                reply_id = message.get("id")
                if reply_id == request_id:
                    return _checked(message, request_id, problems)
                if isinstance(reply_id, int | str):
                    self._early[reply_id] = message
        problems.append("the SSE stream ended before the reply")
        return None


async def _reply_from_events(
    events: AsyncIterator[SseEvent], request_id: RequestId | None, tally: _Tally
) -> RpcResponse | None:
    async for event in events:
        tally.events += 1
        if not event.data.strip():
            tally.priming += 1  # 2025-11-25 resumability priming event: an id and empty data
            continue
        message = _event_message(event, tally.problems)
        message, batch_problems = jsonrpc.find_reply(message, request_id)
        tally.problems.extend(batch_problems)
        if jsonrpc.kind(message) != "response":
            continue  # a notification or server request sent before the reply
        if isinstance(message, dict) and message.get("id") != request_id:
            tally.problems.append(f"SSE reply for unknown id {message.get('id')!r}")
            continue
        return _checked(message, request_id, tally.problems)
    tally.problems.append("the SSE stream ended before the reply")
    return None


def _reply_from_body(
    body: HttpResponse, request_id: RequestId | None, problems: list[str]
) -> RpcResponse | None:
    ok = 200 <= body.status < 300  # noqa: PLR2004
    if request_id is None or body.status == _ACCEPTED:
        if ok and body.status != _ACCEPTED:
            problems.append(f"a notification was answered {body.status}, not 202")
        return None
    is_json = body.content_type == "application/json" or body.content_type.endswith("+json")
    if not is_json:
        if ok:
            problems.append(f"reply has content type {body.content_type or '(none)'}")
        return None
    try:
        message = parse_json(body.body, body.url, cut_deep=True)
    except ProtocolViolation as exc:
        problems.append(exc.detail)
        return None
    if not ok:
        # An HTTP error body ("Missing session ID") may carry a placeholder id, or be no
        # JSON-RPC at all (a 401's OAuth error object): use it, judge nothing.
        response = jsonrpc.check_response(message, None)
        return response if isinstance(message, dict) and "jsonrpc" in message else None
    message, batch_problems = jsonrpc.find_reply(message, request_id)
    problems.extend(batch_problems)
    return _checked(message, request_id, problems)


def _checked(
    message: object, request_id: RequestId | None, problems: list[str]
) -> RpcResponse | None:
    response = jsonrpc.check_response(message, request_id)
    if response is None:
        problems.append("reply is not a JSON-RPC response")
        return None
    problems.extend(response.problems)
    return response


def _event_message(event: SseEvent, problems: list[str]) -> object:
    if not event.data.strip():
        return None
    if event.event != "message":
        problems.append(f"unexpected SSE event type {event.event!r}")
        return None
    try:
        return parse_json(event.data, "an SSE event", cut_deep=True)
    except ProtocolViolation as exc:
        problems.append(exc.detail)
        return None


def _recorded(headers: Mapping[str, str]) -> Mapping[str, str]:
    return {name: headers[name] for name in _RECORDED_HEADERS if name in headers}


def _id_of(message: Mapping[str, object]) -> RequestId | None:
    value = message.get("id")
    return value if isinstance(value, int | str) else None


@asynccontextmanager
async def _within(seconds: float, what: str) -> AsyncIterator[None]:
    """asyncio.timeout that raises ProbeTimeout naming what was awaited."""
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError as exc:
        raise ProbeTimeout(f"waited {seconds:g} s for {what}") from exc
