"""Cursor pagination: bounded by max_pages and max_items, loops and bad pages recorded."""

from __future__ import annotations

from collections.abc import Mapping

from probes.context import ProbeLimits
from probes.mcp.jsonrpc import RpcError, RpcResponse
from probes.mcp.listing import Call, list_all


def _pages(*pages: dict[str, object]) -> tuple[list[Mapping[str, object]], Call]:
    calls: list[Mapping[str, object]] = []

    async def call(method: str, params: Mapping[str, object]) -> RpcResponse | None:
        calls.append(params)
        return RpcResponse(id=len(calls), result=pages[min(len(calls), len(pages)) - 1])

    return calls, call


def _tools(*names: str) -> list[object]:
    return [{"name": name} for name in names]


async def test_follows_cursors_to_the_end() -> None:
    calls, call = _pages({"tools": _tools("a"), "nextCursor": "c1"}, {"tools": _tools("b")})
    problems: list[str] = []
    items, listing = await list_all(call, "tools/list", "tools", ProbeLimits(), problems)
    assert [item["name"] for item in items] == ["a", "b"]
    assert calls == [{}, {"cursor": "c1"}]
    assert (listing.pages, listing.items, listing.complete) == (2, 2, True)
    assert problems == []


async def test_max_pages_truncates() -> None:
    pages: list[dict[str, object]] = [
        {"tools": _tools(str(i)), "nextCursor": f"c{i}"} for i in range(10)
    ]
    _, call = _pages(*pages)
    items, listing = await list_all(call, "tools/list", "tools", ProbeLimits(max_pages=3), [])
    assert (len(items), listing.pages, listing.truncated) == (3, 3, True)


async def test_max_items_truncates_within_a_page() -> None:
    _, call = _pages({"tools": _tools("a", "b", "c")})
    items, listing = await list_all(call, "tools/list", "tools", ProbeLimits(max_items=2), [])
    assert (len(items), listing.truncated, listing.complete) == (2, True, False)


async def test_non_objects_and_bad_cursors_are_problems() -> None:
    _, call = _pages({"tools": [*_tools("a"), "junk", 3], "nextCursor": 5})
    problems: list[str] = []
    items, listing = await list_all(call, "tools/list", "tools", ProbeLimits(), problems)
    assert len(items) == 1
    assert listing.complete
    assert problems == [
        "tools/list returned a str item, not an object",
        "tools/list returned a int item, not an object",
        "tools/list nextCursor is a int, not a string",
    ]


async def test_missing_array_and_errors_end_the_listing() -> None:
    _, call = _pages({"prompts": []})
    _, listing = await list_all(call, "tools/list", "tools", ProbeLimits(), [])
    assert listing.error == "the result has no 'tools' array"

    async def failing(method: str, params: Mapping[str, object]) -> RpcResponse | None:
        return RpcResponse(id=1, error=RpcError(code=-32601, message="Method not found"))

    _, listing = await list_all(failing, "prompts/list", "prompts", ProbeLimits(), [])
    assert (listing.error, listing.pages, listing.complete) == (
        "-32601: Method not found",
        0,
        False,
    )
