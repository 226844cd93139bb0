"""What SafeHttp hands back: frozen responses, open streams, and its error classification.

Kept apart from `probes.http` so the client module holds only the policy and redirect logic.
Collectors import these names from `probes.http`.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import AsyncGenerator, Awaitable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

import aiohttp

from probes.errors import (
    ProbeError,
    ProbeTimeout,
    ProtocolViolation,
    ResponseTooLarge,
    TargetRejected,
    TlsHandshakeFailed,
    Unreachable,
)
from probes.hostile_text import decode_json, visible
from probes.sse import SseEvent, SseParser

T = TypeVar("T")
EVENT_STREAM = "text/event-stream"
_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class RedirectHop:
    """One redirect followed: who answered it, with which status, and where it pointed."""

    url: str
    status: int
    location: str

    @property
    def downgrade(self) -> bool:
        """Whether this hop left TLS (https to http), which probes may judge."""
        return self.url.startswith("https:") and self.location.startswith("http:")


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpResponse:
    """A completed exchange.

    Attributes:
        url: the final URL, after redirects.
        headers: lowercased names; repeated fields joined with ", " (RFC 9110 section 5.3).
        content_type: the media type, lowercased, without parameters ("" when absent).
        body: the body, at most the byte cap long.
        redirects: the hops followed to reach `url`, in order.
        elapsed_ms: from sending the first request to the end of the body.
    """

    url: str
    status: int
    headers: Mapping[str, str]
    content_type: str
    body: bytes
    redirects: tuple[RedirectHop, ...] = ()
    elapsed_ms: float = 0.0

    @property
    def downgraded(self) -> bool:
        """Whether any redirect hop went from https to http."""
        return any(hop.downgrade for hop in self.redirects)


class StreamingResponse:
    """An exchange whose headers arrived and whose body is read later, under caps."""

    def __init__(
        self,
        response: aiohttp.ClientResponse,
        *,
        redirects: tuple[RedirectHop, ...],
        started: float,
        max_stream_bytes: int,
        max_body_bytes: int,
    ) -> None:
        self._response = response
        self._started = started
        self._max_stream_bytes = max_stream_bytes
        self._max_body_bytes = max_body_bytes
        self.url = str(response.url)
        self.status = response.status
        self.headers = headers_of(response)
        self.content_type = media_type(response.headers.get("Content-Type"))
        self.redirects = redirects
        self.bytes_read = 0
        self.comments = 0
        self.elapsed_ms = (time.perf_counter() - started) * 1000  # until the headers arrived

    async def read(self) -> HttpResponse:
        """Read the whole body (capped at `max_body_bytes`) into a frozen HttpResponse."""
        body = await guarded(read_capped(self._response, self._max_body_bytes))
        self.bytes_read += len(body)
        return freeze(self._response, self.redirects, body, self._started)

    async def read_prefix(self, limit: int) -> bytes:
        """The first `limit` bytes of the body, or all of a shorter one; the rest is not read.

        For documents whose readers must parse a prefix of any size (robots.txt, RFC 9309).
        """
        chunks: list[bytes] = []
        total = 0
        content = self._response.content.iter_chunked(_CHUNK_BYTES)
        while total < limit:
            try:
                chunk = await guarded(anext(content))
            except StopAsyncIteration:
                break
            chunks.append(chunk)
            total += len(chunk)
        body = b"".join(chunks)[:limit]
        self.bytes_read += len(body)
        return body

    async def events(self) -> AsyncGenerator[SseEvent, None]:
        """Yield SSE events until the stream ends or a cap, the idle timeout or deadline hits.

        Raises:
            ProtocolViolation: the response is not text/event-stream.
            ResponseTooLarge: more than `max_stream_bytes` arrived.
        """
        if self.content_type != EVENT_STREAM:
            raise ProtocolViolation(
                f"expected {EVENT_STREAM} from {self.url}, got {self.content_type or '(none)'}"
                f" (HTTP {self.status})"
            )
        parser = SseParser()
        chunks = self._response.content.iter_any()
        while True:
            try:
                chunk = await guarded(anext(chunks))
            except StopAsyncIteration:
                return
            self.bytes_read += len(chunk)
            if self.bytes_read > self._max_stream_bytes:
                raise ResponseTooLarge(f"stream exceeds the {self._max_stream_bytes}-byte limit")
            for event in parser.feed(chunk):
                yield event
            self.comments = parser.comments


def json_body(response: HttpResponse) -> object:
    """Parse a JSON body after checking its content type (application/json or +json).

    Raises:
        ProtocolViolation: the content type is not JSON or the body is not valid JSON.
    """
    kind = response.content_type
    if kind != "application/json" and not kind.endswith("+json"):
        raise ProtocolViolation(
            f"expected a JSON body from {response.url}, got content type {kind or '(none)'}"
            f" (HTTP {response.status})"
        )
    return parse_json(response.body, response.url)


def parse_json(payload: bytes | str, where: str, *, cut_deep: bool = False) -> object:
    """Decode JSON text (RFC 8259: UTF-8) or raise ProtocolViolation naming where it came from.

    Lone surrogates and NUL come back as visible escapes (probes/hostile_text.py);
    `cut_deep` is decode_json's (for MCP messages).
    """
    try:
        return decode_json(payload, cut_deep=cut_deep)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProtocolViolation(f"invalid JSON from {where}: {str(exc)[:120]}") from exc


def media_type(value: str | None) -> str:
    """The media type of a Content-Type value, lowercased, without parameters."""
    if not value:
        return ""
    return value.split(";", 1)[0].strip().lower()


def headers_of(response: aiohttp.ClientResponse) -> Mapping[str, str]:
    """Response headers with lowercased names, repeated fields joined (RFC 9110 section 5.3)."""
    joined: dict[str, str] = {}
    for name, raw in response.headers.items():
        key = name.lower()
        value = visible(raw)  # aiohttp decodes bad bytes as surrogates (surrogateescape)
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return MappingProxyType(joined)


def freeze(
    response: aiohttp.ClientResponse, hops: tuple[RedirectHop, ...], body: bytes, started: float
) -> HttpResponse:
    """Turn an aiohttp response and its read body into a frozen HttpResponse."""
    return HttpResponse(
        url=str(response.url),
        status=response.status,
        headers=headers_of(response),
        content_type=media_type(response.headers.get("Content-Type")),
        body=body,
        redirects=hops,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


async def read_capped(response: aiohttp.ClientResponse, cap: int) -> bytes:
    """Read a body, refusing one that declares or delivers more than `cap` bytes."""
    declared = response.content_length
    if declared is not None and declared > cap:
        raise ResponseTooLarge(f"body of {declared} bytes exceeds the {cap}-byte limit")
    chunks: list[bytes] = []
    total = 0
    async for chunk in response.content.iter_chunked(_CHUNK_BYTES):
        total += len(chunk)
        if total > cap:
            raise ResponseTooLarge(f"body exceeds the {cap}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


async def guarded(awaitable: Awaitable[T]) -> T:
    """Await an aiohttp operation, turning its failures into classified ProbeErrors."""
    try:
        return await awaitable
    except ProbeError:
        raise
    except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
        raise ProbeTimeout(f"no answer within the time limit ({type(exc).__name__})") from exc
    except (aiohttp.ClientSSLError, ssl.SSLError) as exc:
        raise TlsHandshakeFailed(f"TLS failed: {str(exc)[:200]}") from exc
    except aiohttp.InvalidURL as exc:
        raise TargetRejected(f"invalid URL: {exc}") from exc
    except aiohttp.ClientConnectorError as exc:
        raise Unreachable(f"cannot connect: {exc.os_error.strerror or exc}") from exc
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError) as exc:
        raise ProtocolViolation(f"the server broke off the exchange: {exc}") from exc
    except aiohttp.ClientResponseError as exc:
        raise ProtocolViolation(f"malformed HTTP response: {exc.message}") from exc
    except (aiohttp.ClientError, OSError) as exc:
        raise Unreachable(f"connection failed: {exc}") from exc
