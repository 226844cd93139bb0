"""A tiny hand-written MCP responder the hostile servers build on (the SDK cannot misbehave).

It answers the stateless 2026-07-28 `server/discover` and `tools/list` (with cursor pagination
over any number of generated tools) and the 2024-11-05 `initialize` for the legacy transport.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MODERN = "2026-07-28"
SERVER_INFO = {"name": "hostile-test", "version": "6.6.6"}


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCatalogue:
    """`count` generated tools served `page_size` at a time; `loop_cursor` repeats page one."""

    count: int = 2
    page_size: int = 100
    description_bytes: int = 20
    loop_cursor: bool = False

    def page(self, cursor: object) -> dict[str, object]:
        """The tools/list result for a cursor ("page-N"), with nextCursor when more remain."""
        start = 0
        if isinstance(cursor, str) and cursor.startswith("page-"):
            start = int(cursor.removeprefix("page-")) * self.page_size
        end = min(start + self.page_size, self.count)
        tools = [_tool(i, self.description_bytes) for i in range(start, end)]
        result: dict[str, object] = {"tools": tools}
        if self.loop_cursor:
            result["nextCursor"] = "page-0"
        elif end < self.count:
            result["nextCursor"] = f"page-{end // self.page_size}"
        return result


def _tool(index: int, description_bytes: int) -> dict[str, object]:
    return {
        "name": f"tool_{index:05d}",
        "description": ("x" * description_bytes),
        "inputSchema": {"type": "object", "properties": {}},
    }


def reply(message: object, catalogue: ToolCatalogue, *, version: str = MODERN) -> object | None:
    """The JSON-RPC reply to one request, or None for a notification."""
    if not isinstance(message, dict) or "id" not in message:
        return None
    method = message.get("method")
    params = message.get("params")
    params = params if isinstance(params, Mapping) else {}
    if method == "server/discover":
        result: object = {
            "supportedVersions": [MODERN],
            "capabilities": {"tools": {}},
            "instructions": "hostile",
            "resultType": "complete",
            "_meta": {"io.modelcontextprotocol/serverInfo": SERVER_INFO},
        }
    elif method == "initialize":
        result = {
            "protocolVersion": version,
            "capabilities": {"tools": {}},
            "serverInfo": SERVER_INFO,
        }
    elif method == "tools/list":
        result = catalogue.page(params.get("cursor"))
    else:
        error = {"code": -32601, "message": f"Method not found: {method}"}
        return {"jsonrpc": "2.0", "id": message["id"], "error": error}
    return {"jsonrpc": "2.0", "id": message["id"], "result": result}
