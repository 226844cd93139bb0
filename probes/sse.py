"""An incremental Server-Sent Events parser (WHATWG HTML, "Interpreting an event stream").

MCP servers frame replies as SSE (Streamable HTTP) and the legacy transport sends its POST URL
as an `endpoint` event. Parsing is incremental so a stream is judged event by event under a
byte cap, never buffered whole. Empty `data:` events are yielded, not dropped: TypeScript SDK
servers send one with an `id:` to prime resumability (2025-11-25, basic/transports
"Resumability and Redelivery"), and callers decide to skip it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

DEFAULT_EVENT = "message"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True, kw_only=True)
class SseEvent:
    """One dispatched event.

    Attributes:
        event: the event type; "message" when the stream named none.
        data: the data lines joined with newlines (may be empty: a priming event).
        id: the last event id in force when the event was dispatched, if any.
        retry: the reconnection time the stream last asked for, in milliseconds.
    """

    event: str = DEFAULT_EVENT
    data: str = ""
    id: str | None = None
    retry: int | None = None


class SseParser:
    """Feed bytes in, get complete events out; a partial event waits for more bytes."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._first_chunk = True
        self._skip_lf = False
        self._event_type = ""
        self._data: list[str] = []
        self._has_data = False
        self._last_id: str | None = None
        self._retry: int | None = None
        self.comments = 0

    def feed(self, chunk: bytes) -> list[SseEvent]:
        """Parse a chunk and return the events it completed."""
        text = self._decoder.decode(chunk)
        if self._first_chunk and text:
            self._first_chunk = False
            text = text.removeprefix("\ufeff")  # one leading BOM is ignored
        events: list[SseEvent] = []
        for line in self._lines(text):
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def _lines(self, text: str) -> list[str]:
        # Lines end in CRLF, LF or CR; a CR at a chunk's end may be the first half of a CRLF.
        if self._skip_lf and text:
            text = text.removeprefix("\n")
            self._skip_lf = False
        if not text:
            return []
        *lines, self._pending = _LINE_BREAK.split(self._pending + text)
        self._skip_lf = text.endswith("\r")
        return lines

    def _line(self, line: str) -> SseEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            self.comments += 1  # keep-alive or comment
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event_type = value
        elif name == "data":
            self._data.append(value)
            self._has_data = True
        elif name == "id" and "\0" not in value:
            self._last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> SseEvent | None:
        # An event with no data field is not dispatched, but its id and retry stay in force.
        event_type, data, has_data = self._event_type, self._data, self._has_data
        self._event_type, self._data, self._has_data = "", [], False
        if not has_data:
            return None
        return SseEvent(
            event=event_type or DEFAULT_EVENT,
            data="\n".join(data),
            id=self._last_id,
            retry=self._retry,
        )
