"""Scrub credentials from log records: defence in depth behind "never log headers".

Nothing should put a bearer token or API key into a log call, but a message can quote an
exception that quotes a request, and a log line shipped to a SIEM lives for years. The
filter runs on the handler, so it covers every logger, third-party ones included.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping
from typing import Any

REDACTED = "[REDACTED]"

_SECRET_HEADER = re.compile(
    r"(?i)((?:proxy-)?authorization|x-api-key|cookie|set-cookie)"
    r"""(["']?\s*[:=]\s*["']?)([^"',\r\n}]+)"""
)
_SECRET_KEYVALUE = re.compile(
    r"(?i)\b(client[_-]?secret|(?:access|refresh|id)[_-]?token)"
    r"""(["']?\s*[:=]\s*["']?)([^"',&;\s}]+)"""
)
"""An OAuth credential field and its value: `client_secret=v`, `"access_token": "v"`."""
_CREDENTIAL = re.compile(
    r"\b((?i:bearer)(?!\s+tokens?\b)|Basic(?=\s+[A-Za-z0-9+/]{8,}))(\s+)[A-Za-z0-9._~+/=-]+"
)
"""`Bearer <anything>` (not the phrase "bearer token"), `Basic <base64>`."""
_API_KEY = re.compile(r"tsk_(?![0-9a-f]{12}_\[)([A-Za-z0-9_-]+)")  # not yet masked
_KEY_ID = re.compile(r"([0-9a-f]{12})_.")
"""Our key format is `tsk_<id>_<secret>`: the id is public and helps correlate, so it stays."""
_SECRET_PARAM = re.compile(
    r"(?i)([?&;](?:api[_-]?key|(?:access|refresh|id|auth)[_-]?token|token|client[_-]?secret"
    r"|secret|password|key|sig|signature)=)"
    r"[^&;#\s\"']+"
)
_WEBHOOK_SECRET = re.compile(r"whsec_(?!\[)[A-Za-z0-9_-]+")
"""Our webhook signing secrets (`whsec_...`), wherever they appear."""
_SECRET_FIELD = re.compile(
    r"(?i)^((?:proxy-)?authorization|x-api-key|api[_-]?key|cookie|set-cookie|password|secret"
    r"|token|(?:access|refresh|id)[_-]?token|client[_-]?secret)$"
)

_MAYBE_SECRET = re.compile(
    r"(?i)authorization|api[_-]?key|cookie|bearer|basic|tsk_|whsec_|token|secret|password"
    r"|key=|sig"
)
"""A cheap first look: text without any of these words has nothing the patterns would mask,
and that is most of it (paths, methods, routes), so the request log skips four searches."""

_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}
"""Attributes every LogRecord has; anything else on a record came from `extra=`."""


def redact(text: str) -> str:
    """The text with header values, bearer credentials, API keys and secret params masked."""
    if not text or not _MAYBE_SECRET.search(text):
        return text
    text = _SECRET_HEADER.sub(lambda m: f"{m[1]}{m[2]}{REDACTED}", text)
    text = _SECRET_KEYVALUE.sub(lambda m: f"{m[1]}{m[2]}{REDACTED}", text)
    text = _CREDENTIAL.sub(lambda m: f"{m[1]}{m[2]}{REDACTED}", text)
    text = _API_KEY.sub(_mask_key, text)
    text = _WEBHOOK_SECRET.sub(f"whsec_{REDACTED}", text)
    return _SECRET_PARAM.sub(lambda m: f"{m[1]}{REDACTED}", text)


def _mask_key(match: re.Match[str]) -> str:
    key_id = _KEY_ID.match(match[1])
    return f"tsk_{key_id[1]}_{REDACTED}" if key_id else f"tsk_{REDACTED}"


_PLAIN = frozenset({int, float, bool, type(None)})
"""Field types that cannot hold a secret: checked first, as most request fields are these."""


@functools.lru_cache(maxsize=1024)
def _secret_field(key: str) -> bool:
    """Whether a field of this name is masked whole (field names repeat: memoised)."""
    return _SECRET_FIELD.match(key) is not None


def redact_value(value: object) -> object:
    """A field value with every string inside it redacted (dicts by key name too)."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {
            key: REDACTED
            if isinstance(key, str) and _SECRET_FIELD.match(key)
            else redact_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [redact_value(item) for item in value]
    return value


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The fields a log call passed with `extra=`, by name (a set difference, done in C)."""
    attrs = vars(record)
    return {key: attrs[key] for key in sorted(attrs.keys() - _RECORD_FIELDS) if key[0] != "_"}


class RedactingFilter(logging.Filter):
    """Rewrites each record in place: message, `extra` fields and exception text."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact, then let the record through (a filter that drops would hide events)."""
        message = record.getMessage()
        record.msg, record.args = redact(message), ()
        for key, value in extra_fields(record).items():
            masked = REDACTED if _secret_field(key) else redact_value(value)
            if masked is not value:
                setattr(record, key, masked)
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
