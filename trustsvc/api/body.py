"""Request bodies read whole before the handler, within a byte limit, as strict JSON.

Every body this API accepts is a small JSON object, so reading it first costs nothing and
lets one place refuse what the handlers should never see: more than the limit (413, decided
while reading, not after), a media type other than JSON (415), and duplicate object keys
(400), which parsers resolve differently and so let a proxy, the audit log and the handler
each see a different request. msgspec then refuses unknown fields and wrong types.
"""

from __future__ import annotations

import json
from typing import Any

from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
)
from litestar.types import HTTPReceiveMessage, Receive, ReceiveMessage, Scope

from trustsvc.api.errors import ProblemError


def _too_large(limit: int) -> ProblemError:
    return ProblemError(
        HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        "payload-too-large",
        "Payload too large",
        f"request bodies are limited to {limit} bytes",
    )


def request_header(scope: Scope, name: bytes) -> str | None:
    """The first value of a header (`name` in lower case), or None."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    """The whole body, or a problem as soon as it passes `limit` bytes."""
    declared = request_header(scope, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        body.extend(message.get("body", b""))
        if len(body) > limit:
            raise _too_large(limit)
        if not message.get("more_body", False):
            break
    return bytes(body)


def check_json(scope: Scope, body: bytes) -> object:
    """The parsed document of a non-empty body; problems for a bad media type or document."""
    if not body:
        return None
    media_type = (request_header(scope, b"content-type") or "").partition(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise ProblemError(
            HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            f"request bodies must be application/json, not {media_type or 'unspecified'}",
        )
    try:
        return json.loads(body, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as exc:
        raise ProblemError(
            HTTP_400_BAD_REQUEST, "invalid-request", "Invalid request", f"body: {exc}"
        ) from exc


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"duplicate key {key!r}")
        document[key] = value
    return document


def replay(body: bytes) -> Receive:
    """A receive callable that hands the handler the body already read."""
    sent = False

    async def receive() -> ReceiveMessage:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        message: HTTPReceiveMessage = {"type": "http.request", "body": body, "more_body": False}
        return message

    return receive
