"""SafeHttp: the one HTTP client every collector uses, with the SSRF guard built in.

A target hands us URLs (redirects, resource metadata, authorization servers, the legacy SSE
`endpoint`), so every hop is parsed, resolved once, checked against the network policy and
pinned before a connection is made (DESIGN.md section 6). The target's own host always answers
with the addresses pinned when the scan started, so a DNS rebind cannot move it. Every exchange
is bounded: a timeout, a byte cap, a redirect cap, and a content-type check before parsing.

Operator credentials (`ProbeContext.extra_headers`) go to the target's origin only, never to an
authorization server or a redirect target; header values are never logged.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import json
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urljoin

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from probes.context import ProbeContext
from probes.errors import ProbeTimeout, ProtocolViolation
from probes.http_response import (
    HttpResponse,
    RedirectHop,
    StreamingResponse,
    freeze,
    guarded,
    json_body,
    parse_json,
    read_capped,
)
from probes.netpolicy import Resolver, system_resolver
from probes.target import EndpointUrl, Target, parse_endpoint_url

__all__ = [
    "HttpResponse",
    "RedirectHop",
    "SafeHttp",
    "StreamingResponse",
    "json_body",
    "parse_json",
]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Never carried to another origin on a redirect (RFC 9110 section 15.4: the client decides).
_CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})


class _PinningResolver(AbstractResolver):
    """Answers aiohttp from the approved pins; an unknown host is resolved and checked once."""

    def __init__(self, approve: Callable[[str, int], Awaitable[tuple[str, ...]]]) -> None:
        self._approve = approve

    async def resolve(
        self,
        host: str,
        port: int = 0,
        family: socket.AddressFamily = socket.AF_INET,  # noqa: ARG002 - pins decide the family
    ) -> list[ResolveResult]:
        addresses = await self._approve(host.lower().rstrip("."), port)
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in addresses
        ]

    async def close(self) -> None:
        """Nothing to release."""


@dataclass(frozen=True, slots=True)
class _Outgoing:
    """What the caller asked to send; redirects may turn it into a bodiless GET."""

    method: str
    headers: Mapping[str, str]
    body: bytes | None
    content_type: str | None
    accept: str | None
    send_credentials: bool


@functools.lru_cache(maxsize=16)
def _tls_context(ca_file: Path | None, mtime_ns: int | None) -> ssl.SSLContext:
    """One verifying context per trust-anchor file: loading the trust store costs ~30 ms.

    A context is only read once built, so every session may share it; the file's mtime is
    part of the key, so a replaced CA file is loaded again.
    """
    del mtime_ns
    tls = ssl.create_default_context()
    if ca_file is not None:
        tls.load_verify_locations(cafile=ca_file)
    return tls


def _mtime(path: Path | None) -> int | None:
    try:
        return None if path is None else path.stat().st_mtime_ns
    except OSError:
        return None  # load_verify_locations then reports the missing file


class SafeHttp:
    """One aiohttp session for one scan of one target; use as an async context manager.

    Args:
        ctx: limits, policy, trust anchors and operator headers.
        target: the resolved target; its host is pinned to `target.addresses`.
        resolver: how other hosts are resolved (tests pass a fake: never the real DNS there).
        user_agent: the User-Agent sent instead of trustsvc's own (a cloaking check imitates
            a widely used client; everything else is the honest default).
    """

    def __init__(
        self,
        ctx: ProbeContext,
        target: Target,
        *,
        resolver: Resolver = system_resolver,
        user_agent: str | None = None,
    ) -> None:
        self.ctx = ctx
        self.target = target
        self.user_agent = user_agent or ctx.user_agent
        self._resolver = resolver
        self._pins: dict[str, tuple[str, ...]] = {target.endpoint.host: target.addresses}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        tls = _tls_context(self.ctx.ca_file, _mtime(self.ctx.ca_file))
        connector = aiohttp.TCPConnector(
            resolver=_PinningResolver(self._approve_host),
            ssl=tls,
            use_dns_cache=False,
            limit_per_host=self.ctx.limits.per_host_connections,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self.user_agent},
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,  # no proxy from the environment: we connect to pinned addresses
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        json: object = None,
        data: bytes | None = None,
        accept: str | None = None,
        max_bytes: int | None = None,
        send_credentials: bool = True,
    ) -> HttpResponse:
        """Make one exchange, following checked redirects, and read the body under a byte cap.

        `json` is serialised with Content-Type application/json; `data` is sent as is.
        `send_credentials=False` leaves out `ctx.extra_headers` even at the target's origin.

        Raises:
            TargetRejected: a hop's URL is invalid or its addresses are refused by the policy.
            ProtocolViolation: too many redirects, or a malformed HTTP exchange.
            ResponseTooLarge / ProbeTimeout / Unreachable / TlsHandshakeFailed: as named.
        """
        limits = self.ctx.limits
        client_timeout = self._client_timeout(total_s=limits.request_timeout_s)
        cap = limits.max_body_bytes if max_bytes is None else max_bytes
        started = time.perf_counter()
        outgoing = _outgoing(method, headers, json, data, accept, send_credentials=send_credentials)
        async with self._exchange(url, outgoing, client_timeout) as (response, hops):
            payload = await guarded(read_capped(response, cap))
            return freeze(response, hops, payload, started)

    @asynccontextmanager
    async def stream(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        json: object = None,
        data: bytes | None = None,
        accept: str | None = None,
        max_duration_s: float | None = None,
        send_credentials: bool = True,
    ) -> AsyncIterator[StreamingResponse]:
        """Open an exchange whose body is read later, as SSE events or as a capped body.

        Reads are bounded by the idle timeout (`network_timeout_s`), `max_stream_bytes` and an
        overall deadline of `max_duration_s` (default `request_timeout_s`) from opening, which
        also bounds whatever the caller does inside the block.
        """
        limits = self.ctx.limits
        client_timeout = self._client_timeout(total_s=None)
        duration = limits.request_timeout_s if max_duration_s is None else max_duration_s
        started = time.perf_counter()
        outgoing = _outgoing(method, headers, json, data, accept, send_credentials=send_credentials)
        try:
            async with (
                asyncio.timeout(duration),
                self._exchange(url, outgoing, client_timeout) as (response, hops),
            ):
                yield StreamingResponse(
                    response,
                    redirects=hops,
                    started=started,
                    max_stream_bytes=limits.max_stream_bytes,
                    max_body_bytes=limits.max_body_bytes,
                )
        except TimeoutError as exc:
            raise ProbeTimeout(f"the exchange with {url} outlasted {duration:g} s") from exc

    def _client_timeout(self, *, total_s: float | None) -> aiohttp.ClientTimeout:
        idle_s = self.ctx.limits.network_timeout_s
        return aiohttp.ClientTimeout(
            total=total_s, connect=idle_s, sock_connect=idle_s, sock_read=idle_s
        )

    @asynccontextmanager
    async def _exchange(
        self, url: str, outgoing: _Outgoing, client_timeout: aiohttp.ClientTimeout
    ) -> AsyncIterator[tuple[aiohttp.ClientResponse, tuple[RedirectHop, ...]]]:
        """Send, following each redirect only after its URL passed the policy."""
        if self._session is None:
            raise RuntimeError("SafeHttp is used outside its `async with` block")
        hops: list[RedirectHop] = []
        current = await self._approve_url(url)
        while True:
            response = await guarded(
                self._session.request(
                    outgoing.method,
                    current.url,
                    headers=self._headers_for(current, outgoing),
                    data=outgoing.body,
                    allow_redirects=False,
                    timeout=client_timeout,
                )
            )
            location = response.headers.get("Location")
            if response.status not in _REDIRECTS or location is None:
                break
            response.release()
            if len(hops) >= self.ctx.limits.max_redirects:
                raise ProtocolViolation("redirect loop or too many redirects")
            next_url = urljoin(current.url, location)
            hops.append(RedirectHop(url=current.url, status=response.status, location=next_url))
            following = await self._approve_url(next_url)
            outgoing = _redirected(
                outgoing, response.status, same_origin=_origin(following) == _origin(current)
            )
            current = following
        try:
            yield response, tuple(hops)
        finally:
            response.release()

    def _headers_for(self, endpoint: EndpointUrl, outgoing: _Outgoing) -> dict[str, str]:
        # Keyed by lowercased name so a caller's "authorization" replaces an operator's
        # "Authorization" instead of sending both.
        merged: dict[str, tuple[str, str]] = {}
        layers: list[Mapping[str, str]] = []
        if outgoing.send_credentials and _origin(endpoint) == _origin(self.target.endpoint):
            layers.append(self.ctx.extra_headers)
        if outgoing.content_type is not None:
            layers.append({"Content-Type": outgoing.content_type})
        if outgoing.accept is not None:
            layers.append({"Accept": outgoing.accept})
        layers.append(outgoing.headers)
        for layer in layers:
            merged.update({name.lower(): (name, value) for name, value in layer.items()})
        return dict(merged.values())

    async def _approve_url(self, url: str) -> EndpointUrl:
        """Parse a hop's URL and pin its host's addresses, or raise TargetRejected."""
        endpoint = parse_endpoint_url(url)
        await self._approve_host(endpoint.host, endpoint.port)
        return endpoint

    async def _approve_host(self, host: str, port: int) -> tuple[str, ...]:
        """The pinned addresses of a host: resolved once per session, checked by the policy."""
        pinned = self._pins.get(host)
        if pinned is not None:
            return pinned
        if _is_ip(host):
            addresses = [host]
        else:
            addresses = await self._resolver(host, port)
        approved = self.ctx.policy.check(addresses)
        self._pins[host] = approved
        return approved


def _outgoing(
    method: str,
    headers: Mapping[str, str] | None,
    payload: object,
    data: bytes | None,
    accept: str | None,
    *,
    send_credentials: bool,
) -> _Outgoing:
    body, content_type = data, None
    if payload is not None:
        body = json.dumps(payload, separators=(",", ":")).encode()
        content_type = "application/json"
    return _Outgoing(
        method.upper(), dict(headers or {}), body, content_type, accept, send_credentials
    )


def _redirected(outgoing: _Outgoing, status: int, *, same_origin: bool) -> _Outgoing:
    # RFC 9110 section 15.4.4: 303 becomes GET; clients also turn POST into GET on 301/302.
    if status == 303 or (status in (301, 302) and outgoing.method == "POST"):  # noqa: PLR2004
        outgoing = replace(outgoing, method="GET", body=None, content_type=None)
    if not same_origin:
        kept = {k: v for k, v in outgoing.headers.items() if k.lower() not in _CREDENTIAL_HEADERS}
        outgoing = replace(outgoing, headers=kept)
    return outgoing


def _origin(endpoint: EndpointUrl) -> tuple[str, str, int]:
    return endpoint.scheme, endpoint.host, endpoint.port


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
