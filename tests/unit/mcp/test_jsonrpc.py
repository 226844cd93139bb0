"""JSON-RPC reply checks: usable replies are kept, every bent rule becomes a problem string."""

from __future__ import annotations

import pytest

from probes.mcp import jsonrpc
from probes.mcp.jsonrpc import RpcError


def test_request_and_notification_shapes() -> None:
    assert jsonrpc.request(3, "tools/list", {"cursor": "c"}) == {
        "jsonrpc": "2.0",
        "id": 3,
        "method": "tools/list",
        "params": {"cursor": "c"},
    }
    assert jsonrpc.notification("notifications/initialized") == {
        "jsonrpc": "2.0",
        "method": "notifications/initialized",
    }


def test_clean_result() -> None:
    reply = jsonrpc.check_response({"jsonrpc": "2.0", "id": 1, "result": {"tools": []}}, 1)
    assert reply is not None
    assert reply.result == {"tools": []}
    assert reply.error is None
    assert reply.problems == ()


def test_clean_error() -> None:
    message = {"jsonrpc": "2.0", "id": 1, "error": {"code": -32601, "message": "nope"}}
    reply = jsonrpc.check_response(message, 1)
    assert reply is not None
    assert reply.error == RpcError(code=-32601, message="nope")
    assert reply.error.describe() == "-32601: nope"


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ({"id": 1, "result": {}}, "jsonrpc=None"),
        ({"jsonrpc": "1.0", "id": 1, "result": {}}, "jsonrpc='1.0'"),
        ({"jsonrpc": "2.0", "id": 2, "result": {}}, "does not match request id 1"),
        ({"jsonrpc": "2.0", "id": "1", "result": {}}, "does not match request id 1"),
        ({"jsonrpc": "2.0", "id": None, "result": {}}, "reply id None"),
        (
            {"jsonrpc": "2.0", "id": 1, "result": {}, "error": {"code": 1, "message": "m"}},
            "both result and error",
        ),
        ({"jsonrpc": "2.0", "id": 1, "error": "boom"}, "error is not an object"),
        ({"jsonrpc": "2.0", "id": 1, "error": {"code": "x", "message": "m"}}, "not an integer"),
        ({"jsonrpc": "2.0", "id": 1, "error": {"code": True, "message": "m"}}, "not an integer"),
        ({"jsonrpc": "2.0", "id": 1, "error": {"code": 1, "message": 2}}, "not a string"),
        ({"jsonrpc": "2.0", "id": 1, "result": []}, "result is a JSON list"),
    ],
)
def test_bent_rules_become_problems(message: dict[str, object], problem: str) -> None:
    reply = jsonrpc.check_response(message, 1)
    assert reply is not None
    assert any(problem in text for text in reply.problems), reply.problems


@pytest.mark.parametrize("message", [None, [], "text", 3, {"jsonrpc": "2.0", "id": 1}])
def test_nothing_usable(message: object) -> None:
    assert jsonrpc.check_response(message, 1) is None


def test_any_id_accepted_when_none_expected() -> None:
    message = {"jsonrpc": "2.0", "id": "server-error", "error": {"code": -32600, "message": "m"}}
    reply = jsonrpc.check_response(message, None)
    assert reply is not None
    assert reply.problems == ()


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ({"jsonrpc": "2.0", "id": 1, "result": {}}, "response"),
        ({"jsonrpc": "2.0", "id": 1, "error": {}}, "response"),
        ({"jsonrpc": "2.0", "id": 9, "method": "ping"}, "request"),
        ({"jsonrpc": "2.0", "method": "notifications/message"}, "notification"),
        ({"jsonrpc": "2.0"}, "invalid"),
        ([], "invalid"),
    ],
)
def test_kind(message: object, kind: str) -> None:
    assert jsonrpc.kind(message) == kind


def test_batch_reply_is_searched_and_flagged() -> None:
    batch = [{"jsonrpc": "2.0", "id": 7, "result": {}}, {"jsonrpc": "2.0", "id": 1, "result": {}}]
    found, problems = jsonrpc.find_reply(batch, 1)
    assert found == batch[1]
    assert problems == ("reply is a JSON-RPC batch (removed in 2025-06-18)",)
    assert jsonrpc.find_reply({"id": 1}, 1) == ({"id": 1}, ())
