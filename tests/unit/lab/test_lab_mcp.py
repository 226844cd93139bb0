"""The demo's minimal MCP responder answers like a careful Streamable HTTP server."""

from __future__ import annotations

import json

from trustsvc.lab.mcp import HONEST_TOOLS, VERSIONS, answer_post


def post(body: object, **headers: str) -> tuple[int, dict[str, str], object]:
    reply = answer_post(HONEST_TOOLS, headers, json.dumps(body).encode())
    return reply.status, dict(reply.headers), reply.body


def test_initialize_negotiates_a_version_and_issues_fresh_session_ids() -> None:
    request = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18"},
    }
    status, headers, body = post(request)
    assert status == 200
    assert isinstance(body, dict)
    assert body["result"]["protocolVersion"] == "2025-06-18"
    assert len(headers["Mcp-Session-Id"]) == 32
    assert post(request)[1]["Mcp-Session-Id"] != headers["Mcp-Session-Id"]
    request["params"] = {"protocolVersion": "2099-01-01"}
    assert post(request)[2] == {
        **body,
        "result": {**body["result"], "protocolVersion": VERSIONS[-1]},
    }


def test_tools_list_and_notifications() -> None:
    status, _, body = post({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
    assert status == 200
    assert isinstance(body, dict)
    assert [t["name"] for t in body["result"]["tools"]] == ["search_docs", "get_page"]
    assert post({"jsonrpc": "2.0", "method": "notifications/initialized"})[:2] == (202, {})
    status, _, body = post({"jsonrpc": "2.0", "id": 3, "method": "tools/call"})
    assert isinstance(body, dict)
    assert (status, body["error"]["code"]) == (200, -32601)


def test_foreign_origins_unknown_versions_and_garbage_are_refused() -> None:
    assert (
        post({"jsonrpc": "2.0", "id": 1, "method": "ping"}, origin="https://evil.example")[0] == 403
    )
    assert (
        post({"jsonrpc": "2.0", "id": 1, "method": "ping"}, origin="http://localhost:8000")[0]
        == 200
    )
    assert (
        post(
            {"jsonrpc": "2.0", "id": 1, "method": "ping"}, **{"mcp-protocol-version": "1999-01-01"}
        )[0]
        == 400
    )
    assert answer_post(HONEST_TOOLS, {}, b"{not json").status == 400
    assert answer_post(HONEST_TOOLS, {}, b"[1, 2]").status == 400
