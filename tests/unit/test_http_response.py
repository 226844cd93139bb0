"""SafeHttp's response values: redirect downgrades, media types, JSON checked before parsing."""

from __future__ import annotations

import pytest

from probes.errors import ProtocolViolation
from probes.http import HttpResponse, RedirectHop, json_body
from probes.http_response import media_type


def _response(content_type: str, body: bytes, *hops: RedirectHop) -> HttpResponse:
    return HttpResponse(
        url="https://example.com/x",
        status=200,
        headers={"content-type": content_type},
        content_type=media_type(content_type),
        body=body,
        redirects=hops,
    )


def test_downgrade_is_visible_in_the_chain() -> None:
    up = RedirectHop(url="http://a.example/", status=301, location="https://a.example/")
    down = RedirectHop(url="https://a.example/", status=302, location="http://b.example/")
    assert not up.downgrade
    assert down.downgrade
    assert _response("application/json", b"{}", up, down).downgraded
    assert not _response("application/json", b"{}", up).downgraded


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("application/json", "application/json"),
        ("Application/JSON; charset=utf-8", "application/json"),
        ("text/event-stream;charset=utf-8", "text/event-stream"),
    ],
)
def test_media_type(value: str | None, expected: str) -> None:
    assert media_type(value) == expected


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/problem+json; charset=utf-8"]
)
def test_json_body_accepts_json_types(content_type: str) -> None:
    assert json_body(_response(content_type, b'{"a": [1]}')) == {"a": [1]}


@pytest.mark.parametrize(
    ("content_type", "body", "detail"),
    [
        ("text/html", b"{}", "got content type text/html"),
        ("", b"{}", r"got content type \(none\)"),
        ("application/json", b"{", "invalid JSON"),
        ("application/json", b"\xff", "invalid JSON"),
        ("application/json", b"[" * 100_000, "invalid JSON"),
    ],
)
def test_json_body_refuses(content_type: str, body: bytes, detail: str) -> None:
    with pytest.raises(ProtocolViolation, match=detail):
        json_body(_response(content_type, body))
