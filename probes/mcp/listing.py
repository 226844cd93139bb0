"""Cursor pagination for the list methods, bounded by max_pages and max_items.

MCP list results carry an opaque `nextCursor` (2025-11-25 server/utilities/pagination); a
hostile server can hand out cursors forever or return one page of millions of items, so both
the pages followed and the items kept are capped and the truncation is recorded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from probes.context import ProbeLimits
from probes.errors import ProtocolViolation
from probes.mcp.jsonrpc import RpcResponse
from probes.mcp.observation import JsonObject, McpListing

Call = Callable[[str, Mapping[str, object]], Awaitable[RpcResponse | None]]
"""Send one request (method, params) in the current generation and return its reply."""


async def list_all(
    call: Call, method: str, key: str, limits: ProbeLimits, problems: list[str]
) -> tuple[tuple[JsonObject, ...], McpListing]:
    """Fetch every page of a list method (within limits); list-level problems go to `problems`."""
    items: list[JsonObject] = []
    pages, truncated, error = 0, False, None
    cursor: str | None = None
    seen: set[str] = set()
    while True:
        if pages >= limits.max_pages:
            truncated = True
            break
        try:
            reply = await call(method, {} if cursor is None else {"cursor": cursor})
        except ProtocolViolation as exc:  # e.g. the server broke off: keep what was listed
            error = exc.detail
            break
        error = _reply_error(reply, key)
        if error is not None or reply is None or reply.result is None:
            break
        pages += 1
        truncated = _take(reply.result[key], items, limits.max_items, method, problems)
        cursor, stop = _next_cursor(reply.result, seen, method, problems)
        if truncated or stop:
            break
    listing = McpListing(
        method=method, pages=pages, items=len(items), truncated=truncated, error=error
    )
    return tuple(items), listing


def _reply_error(reply: RpcResponse | None, key: str) -> str | None:
    if reply is None:
        return "no usable reply"
    if reply.error is not None:
        return reply.error.describe()
    if reply.result is None:
        return "the result is not an object"
    if not isinstance(reply.result.get(key), list):
        return f"the result has no {key!r} array"
    return None


def _take(
    page: object, items: list[JsonObject], max_items: int, method: str, problems: list[str]
) -> bool:
    """Append a page's objects; True when max_items cut it short."""
    assert isinstance(page, list)  # noqa: S101 - checked by _reply_error
    for item in page:
        if not isinstance(item, dict):
            problems.append(f"{method} returned a {type(item).__name__} item, not an object")
            continue
        if len(items) >= max_items:
            return True
        items.append(item)
    return False


def _next_cursor(
    result: Mapping[str, object], seen: set[str], method: str, problems: list[str]
) -> tuple[str | None, bool]:
    """The cursor to follow, and whether to stop (no cursor, or a bad or repeated one)."""
    cursor = result.get("nextCursor")
    if cursor is None:
        return None, True
    if not isinstance(cursor, str):
        problems.append(f"{method} nextCursor is a {type(cursor).__name__}, not a string")
        return None, True
    if cursor in seen:
        problems.append(f"{method} repeated cursor {cursor[:40]!r}: pagination loops")
        return None, True
    seen.add(cursor)
    return cursor, False
