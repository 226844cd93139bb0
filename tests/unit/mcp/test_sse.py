"""The SSE parser: framing per WHATWG HTML "Interpreting an event stream", fed in any chunking."""

from __future__ import annotations

import pytest

from probes.sse import SseEvent, SseParser


def _parse(*chunks: bytes) -> list[SseEvent]:
    parser = SseParser()
    events: list[SseEvent] = []
    for chunk in chunks:
        events.extend(parser.feed(chunk))
    return events


def _bytewise(stream: bytes) -> list[SseEvent]:
    return _parse(*(stream[i : i + 1] for i in range(len(stream))))


CASES = [
    pytest.param(b"data: hello\n\n", [SseEvent(data="hello")], id="lf"),
    pytest.param(b"data: hello\r\n\r\n", [SseEvent(data="hello")], id="crlf"),
    pytest.param(b"data: hello\r\r", [SseEvent(data="hello")], id="cr"),
    pytest.param(b"data: a\ndata: b\n\n", [SseEvent(data="a\nb")], id="multi-line data"),
    pytest.param(
        b"event: endpoint\ndata: /messages/?session_id=1\n\n",
        [SseEvent(event="endpoint", data="/messages/?session_id=1")],
        id="named event",
    ),
    pytest.param(b"id: 7\ndata:\n\n", [SseEvent(data="", id="7")], id="empty priming event"),
    pytest.param(b": keep-alive\n\ndata: x\n\n", [SseEvent(data="x")], id="comment"),
    pytest.param(b"id: 1\n\ndata: x\n\n", [SseEvent(data="x", id="1")], id="id persists"),
    pytest.param(b"retry: 3000\ndata: x\n\n", [SseEvent(data="x", retry=3000)], id="retry"),
    pytest.param(b"retry: soon\ndata: x\n\n", [SseEvent(data="x")], id="bad retry ignored"),
    pytest.param(b"data:no-space\n\n", [SseEvent(data="no-space")], id="no space"),
    pytest.param(b"data:  two\n\n", [SseEvent(data=" two")], id="one space stripped"),
    pytest.param(b"data\n\n", [SseEvent(data="")], id="field without colon"),
    pytest.param(b"\xef\xbb\xbfdata: bom\n\n", [SseEvent(data="bom")], id="leading bom"),
    pytest.param(b"event: x\n\n", [], id="no data, no event"),
    pytest.param(b"data: unfinished", [], id="unterminated"),
    pytest.param(b"bogus: 1\ndata: x\n\n", [SseEvent(data="x")], id="unknown field"),
    pytest.param("data: caf\u00e9\n\n".encode(), [SseEvent(data="caf\u00e9")], id="utf-8"),
]


@pytest.mark.parametrize(("stream", "expected"), CASES)
def test_whole_stream(stream: bytes, expected: list[SseEvent]) -> None:
    assert _parse(stream) == expected


@pytest.mark.parametrize(("stream", "expected"), CASES)
def test_byte_by_byte(stream: bytes, expected: list[SseEvent]) -> None:
    assert _bytewise(stream) == expected


def test_crlf_split_across_chunks_is_one_line_break() -> None:
    assert _parse(b"data: a\r", b"\n", b"data: b\r", b"\n\r", b"\n") == [SseEvent(data="a\nb")]


def test_typescript_priming_then_reply() -> None:
    stream = (
        b'id: 1\ndata: \n\nevent: message\nid: 2\ndata: {"result":{},"jsonrpc":"2.0","id":1}\n\n'
    )
    primer, reply = _parse(stream)
    assert (primer.data, primer.id) == ("", "1")
    assert (reply.event, reply.id) == ("message", "2")
    assert reply.data.startswith('{"result"')


def test_comments_are_counted() -> None:
    parser = SseParser()
    parser.feed(b": ping\n: ping\n")
    assert parser.comments == 2


def test_invalid_utf8_is_replaced() -> None:
    assert _parse(b"data: \xff\n\n") == [SseEvent(data="\ufffd")]
