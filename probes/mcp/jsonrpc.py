"""JSON-RPC 2.0 messages for MCP: build requests, and check replies without trusting them.

A reply that bends the rules (a missing `jsonrpc`, an id of the wrong type, both `result` and
`error`) is still used when its meaning is clear, and each bent rule becomes a problem string
the probes can judge; only a reply with nothing usable in it is dropped (JSON-RPC 2.0 section 5,
MCP 2025-11-25 basic "Messages").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

RequestId = int | str
MessageKind = Literal["response", "request", "notification", "invalid"]

# JSON-RPC 2.0 section 5.1 and the MCP additions the client reacts to.
METHOD_NOT_FOUND = -32601
INVALID_REQUEST = -32600
HEADER_MISMATCH = -32020  # 2026-07-28 basic/transports: MCP-Protocol-Version != _meta
UNSUPPORTED_PROTOCOL_VERSION = -32022  # 2026-07-28


@dataclass(frozen=True, slots=True, kw_only=True)
class RpcError:
    """A JSON-RPC error object; code and message are None when the server sent bad types."""

    code: int | None
    message: str | None
    data: object = None

    def describe(self) -> str:
        """The error as "code: message" for a step record."""
        return f"{self.code}: {self.message}"


@dataclass(frozen=True, slots=True, kw_only=True)
class RpcResponse:
    """A reply and the rules it bent; neither `result` nor `error` means a non-object result."""

    id: object
    result: Mapping[str, object] | None = None
    error: RpcError | None = None
    problems: tuple[str, ...] = field(default=())


def request(request_id: RequestId, method: str, params: Mapping[str, object]) -> dict[str, object]:
    """A JSON-RPC request object."""
    return {"jsonrpc": "2.0", "id": request_id, "method": method, "params": dict(params)}


def notification(method: str, params: Mapping[str, object] | None = None) -> dict[str, object]:
    """A JSON-RPC notification (no id, so no reply is expected)."""
    message: dict[str, object] = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        message["params"] = dict(params)
    return message


def kind(message: object) -> MessageKind:
    """Whether a message from the server is a response, a request, a notification or neither."""
    if not isinstance(message, dict):
        return "invalid"
    if "method" in message:
        return "request" if "id" in message else "notification"
    if "result" in message or "error" in message:
        return "response"
    return "invalid"


def check_response(message: object, expected_id: RequestId | None) -> RpcResponse | None:
    """Validate a reply; None when it holds nothing usable (not an object, no result/error).

    `expected_id=None` accepts any id: an HTTP error body often carries none.
    """
    if not isinstance(message, dict):
        return None
    problems: list[str] = []
    if message.get("jsonrpc") != "2.0":
        problems.append(f"reply has jsonrpc={message.get('jsonrpc')!r}, not '2.0'")
    reply_id = message.get("id")
    if expected_id is not None and (
        reply_id != expected_id or type(reply_id) is not type(expected_id)
    ):
        problems.append(f"reply id {reply_id!r} does not match request id {expected_id!r}")
    has_result, has_error = "result" in message, "error" in message
    if has_result and has_error:
        problems.append("reply carries both result and error")
    if has_error:
        return RpcResponse(
            id=reply_id, error=_error(message["error"], problems), problems=tuple(problems)
        )
    if not has_result:
        return None
    result = message["result"]
    if not isinstance(result, dict):
        problems.append(f"result is a JSON {type(result).__name__}, not an object")
        return RpcResponse(id=reply_id, problems=tuple(problems))
    return RpcResponse(id=reply_id, result=result, problems=tuple(problems))


def find_reply(message: object, expected_id: RequestId | None) -> tuple[object, tuple[str, ...]]:
    """Pick the reply to `expected_id` out of a message that may be a (pre-2025-06-18) batch."""
    if not isinstance(message, list):
        return message, ()
    problem = "reply is a JSON-RPC batch (removed in 2025-06-18)"
    for item in message:
        if isinstance(item, dict) and item.get("id") == expected_id:
            return item, (problem,)
    return None, (problem,)


def _error(raw: object, problems: list[str]) -> RpcError:
    if not isinstance(raw, dict):
        problems.append("error is not an object")
        return RpcError(code=None, message=None)
    code, text = raw.get("code"), raw.get("message")
    if not isinstance(code, int) or isinstance(code, bool):
        problems.append(f"error code {code!r} is not an integer")
        code = None
    if not isinstance(text, str):
        problems.append(f"error message {text!r} is not a string")
        text = None
    return RpcError(code=code, message=text, data=raw.get("data"))
