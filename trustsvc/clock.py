"""The service's clock and its one timestamp parser.

Every package reads "now" through `utc_now` (or a clock injected in its place, so tests can
move time), and every RFC 3339 timestamp from outside is parsed by `parse_rfc3339`. Both live
here, apart from any service, so reading the clock imports nothing else.
"""

from __future__ import annotations

import datetime as dt
import re

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)


def utc_now() -> dt.datetime:
    """The current time, aware and in UTC."""
    return dt.datetime.now(dt.UTC)


def parse_rfc3339(value: object) -> dt.datetime | None:
    """An RFC 3339 timestamp (`Z` or offset, any fraction digits) in UTC, or None."""
    if not isinstance(value, str) or len(value) > 64:  # noqa: PLR2004 - no date is longer
        return None
    match = _RFC3339.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        offset = dt.timedelta(0)
        if not zulu:
            offset = dt.timedelta(hours=int(off_h), minutes=int(off_m))
            offset = -offset if sign == "-" else offset
        zone = dt.timezone(offset)
        when = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micros, zone
        )
        return when.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None
