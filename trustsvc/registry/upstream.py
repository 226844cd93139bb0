"""An async client for one upstream MCP registry's `GET /v0.1/servers` (scoring.md §4, §9).

The upstream base URL is operator configuration, not a stranger's URL, so a plain aiohttp
session is right here (SafeHttp's SSRF guard is for scan targets). What the client does guard
against is an unreliable upstream: 429 and 5xx and dropped connections are retried with
bounded exponential backoff (honouring `Retry-After`), bodies are capped, and a page that is
not a `ServerList` fails as a whole while a bad row only becomes a `Rejection`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import aiohttp

from trustsvc import __version__
from trustsvc.registry.records import Rejection, ServerRecord, UpstreamPage
from trustsvc.registry.validate import validate_entry

USER_AGENT = f"trustsvc/{__version__} (registry sync)"
MAX_LIMIT = 100
_EXCERPT_BYTES = 300
_CHUNK_BYTES = 64 * 1024


class UpstreamError(Exception):
    """A page could not be fetched (after retries) or is malformed as a whole."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class _Retryable(Exception):
    """One failed attempt that may succeed later, with the delay the upstream asked for."""

    def __init__(self, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True, kw_only=True)
class UpstreamConfig:
    """Where the upstream registry is and how patiently to ask it.

    Attributes:
        base_url: the registry root (`https://registry.modelcontextprotocol.io`); `/v0.1/servers`
            is appended to it.
        page_size: `limit` per request, 1..100 (the upstream maximum).
        max_retries: retries after the first attempt, for 429, 5xx and transport failures.
        backoff_s: the first retry delay, doubled each time up to `max_backoff_s`; a
            `Retry-After` header replaces it, capped at `max_backoff_s` too.
        max_page_bytes: the largest response body accepted (decompressed).
        user_agent: what the requests say they are (the deployment's, with its contact).
    """

    base_url: str
    page_size: int = 100
    timeout_s: float = 30.0
    max_retries: int = 4
    backoff_s: float = 0.5
    max_backoff_s: float = 30.0
    max_page_bytes: int = 16 * 1024 * 1024
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        if not 1 <= self.page_size <= MAX_LIMIT:
            raise ValueError(f"page_size must be within 1..{MAX_LIMIT}")
        if self.max_retries < 0 or self.backoff_s < 0 or self.max_backoff_s < 0:
            raise ValueError("retry settings must not be negative")
        if self.timeout_s <= 0 or self.max_page_bytes <= 0:
            raise ValueError("timeout_s and max_page_bytes must be positive")

    @property
    def servers_url(self) -> str:
        """The list endpoint."""
        return self.base_url.rstrip("/") + "/v0.1/servers"


class UpstreamClient:
    """Fetches validated pages; use as `async with UpstreamClient(config) as client`."""

    def __init__(
        self, config: UpstreamConfig, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    ) -> None:
        self._config = config
        self._sleep = sleep
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self._config.timeout_s),
            headers={"Accept": "application/json", "User-Agent": self._config.user_agent},
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

    async def page(
        self, *, cursor: str | None, updated_since: dt.datetime | None, include_deleted: bool
    ) -> UpstreamPage:
        """One page of the listing; `cursor` is sent exactly as the previous page returned it.

        With `updated_since` the upstream always includes deleted rows (and answers 400 to an
        explicit `include_deleted=false`), so `include_deleted=False` only omits the parameter.
        """
        params = {"limit": str(self._config.page_size)}
        if cursor is not None:
            params["cursor"] = cursor
        if updated_since is not None:
            params["updated_since"] = format_rfc3339(updated_since)
        if include_deleted:
            params["include_deleted"] = "true"
        body, date = await self._fetch(params)
        return _parse_page(body, date, cursor)

    async def _fetch(self, params: dict[str, str]) -> tuple[bytes, dt.datetime | None]:
        config = self._config
        attempts = config.max_retries + 1
        for attempt in range(attempts):
            try:
                return await self._attempt(params)
            except _Retryable as failure:
                if attempt + 1 == attempts:
                    raise UpstreamError(
                        f"{config.servers_url}: gave up after {attempts} attempts: {failure.detail}"
                    ) from failure
                delay = min(config.backoff_s * 2**attempt, config.max_backoff_s)
                if failure.retry_after is not None:
                    delay = min(failure.retry_after, config.max_backoff_s)
                await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    async def _attempt(self, params: dict[str, str]) -> tuple[bytes, dt.datetime | None]:
        if self._session is None:
            raise RuntimeError("UpstreamClient is used outside `async with`")
        url = self._config.servers_url
        try:
            async with self._session.get(url, params=params) as response:
                date = _header_date(response.headers.get("Date"))
                if response.status == 429 or response.status >= 500:  # noqa: PLR2004
                    retry_after = _retry_after(response.headers.get("Retry-After"), date)
                    raise _Retryable(f"HTTP {response.status}", retry_after)
                if not 200 <= response.status < 300:  # noqa: PLR2004
                    excerpt = await response.content.read(_EXCERPT_BYTES)
                    raise UpstreamError(
                        f"{url}: HTTP {response.status}: {_printable(excerpt)}".rstrip(": ")
                    )
                return await self._read_capped(response), date
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _Retryable(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc

    async def _read_capped(self, response: aiohttp.ClientResponse) -> bytes:
        limit = self._config.max_page_bytes
        too_large = f"{self._config.servers_url}: response body exceeds {limit} bytes"
        if response.content_length is not None and response.content_length > limit:
            raise UpstreamError(too_large)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(_CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                raise UpstreamError(too_large)
            chunks.append(chunk)
        return b"".join(chunks)


def format_rfc3339(when: dt.datetime) -> str:
    """`when` in UTC as RFC 3339 with `Z` (microseconds only when present)."""
    if when.tzinfo is None:
        raise ValueError("updated_since must be timezone-aware")
    utc = when.astimezone(dt.UTC)
    fraction = f".{utc.microsecond:06d}" if utc.microsecond else ""
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def _parse_page(body: bytes, date: dt.datetime | None, sent_cursor: str | None) -> UpstreamPage:
    try:
        document = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise UpstreamError(f"response is not JSON: {str(exc)[:200]}") from exc
    if not isinstance(document, dict):
        raise UpstreamError("response is not a JSON object")
    servers = document.get("servers")
    if not isinstance(servers, list):
        raise UpstreamError("response has no `servers` list")
    next_cursor = _next_cursor(document.get("metadata"))
    if next_cursor is not None and next_cursor == sent_cursor:
        raise UpstreamError("the upstream returned the cursor it was given: the walk would loop")
    records: list[ServerRecord] = []
    rejections: list[Rejection] = []
    for entry in servers:
        result = validate_entry(entry)
        if isinstance(result, Rejection):
            rejections.append(result)
        else:
            records.append(result)
    return UpstreamPage(
        records=tuple(records),
        rejections=tuple(rejections),
        next_cursor=next_cursor,
        server_date=date,
        raw_count=len(servers),
    )


def _next_cursor(metadata: object) -> str | None:
    """`metadata.nextCursor`, or the older `metadata.next_cursor`; empty means the end."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise UpstreamError("response `metadata` is not an object")
    for key in ("nextCursor", "next_cursor"):
        value = metadata.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise UpstreamError(f"response `metadata.{key}` is not a string")
        return value
    return None


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _header_date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _retry_after(value: str | None, server_now: dt.datetime | None) -> float | None:
    """Seconds to wait: delta-seconds, or an HTTP date measured against the server's clock."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = _header_date(value)
    if when is None:
        return None
    now = server_now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


def _printable(excerpt: bytes) -> str:
    text = excerpt.decode("utf-8", "replace")
    return "".join(c if c.isprintable() else " " for c in text).strip()
