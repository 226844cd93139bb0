"""Structured logs: one JSON object per line, credentials scrubbed, chosen by a setting.

Events are ordinary stdlib log calls with `extra=` fields (`event`, `who`, `duration_ms`...),
so libraries' records and ours share one handler, one format and one redaction filter.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

from trustsvc.config.observability import ObservabilitySettings
from trustsvc.observability.log_pump import LogPump, PumpHandler
from trustsvc.observability.redact import RedactingFilter, extra_fields

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OWN_LOGGERS = ("trustsvc", "probes")
QUIETED = {"apscheduler": logging.ERROR}
"""APScheduler warns each time a run is skipped because the last one still runs; with
`max_instances=1` that is the design, and a long sweep would repeat it every period."""


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "message", ...extra fields, "exc"}` on one line.

    Values JSON cannot encode are written as their `str`; non-ASCII is escaped, so no
    character in a message (U+2028 included) can split a line for a line-based shipper.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        doc: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in extra_fields(record).items():
            doc.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            doc["exc"] = record.exc_text
        if record.stack_info:
            doc["stack"] = self.formatStack(record.stack_info)
        return json.dumps(doc, default=str, separators=(",", ":"))


def make_handler(fmt: str, stream: TextIO | None = None) -> logging.Handler:
    """A stream handler in this format ("json" or "text") that redacts credentials."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactingFilter())
    return handler


def configure_logging(settings: ObservabilitySettings, stream: TextIO | None = None) -> None:
    """Route every log record through one redacting handler (for `serve` and `worker`).

    Replaces the root logger's handlers; our own loggers log at `settings.log_level`, the
    rest at WARNING (APScheduler at ERROR) so library chatter stays out. The handler is
    a `PumpHandler`: the redacting handler runs in the pump's thread, not in the caller.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        if isinstance(handler, PumpHandler):
            handler.close()
    out = stream or sys.stderr
    root.addHandler(PumpHandler(LogPump(make_handler(settings.log_format, out), out)))
    root.setLevel(logging.WARNING)
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(settings.log_level)
    for name, level in QUIETED.items():
        logging.getLogger(name).setLevel(level)
