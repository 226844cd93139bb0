"""Bounds shared by path, query and body parameters, so that bad input is a 400, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from litestar.params import PathParameter
from litestar.status_codes import HTTP_400_BAD_REQUEST

from trustsvc.api.errors import ProblemError

# The largest INTEGER, the type of every numeric id column: a larger id or id cursor makes
# asyncpg (and SQLite, past 2**63) raise instead of finding nothing.
MAX_ROW_ID = 2**31 - 1

# PostgreSQL text cannot hold NUL, and asyncpg fails the whole query on one (where SQLite just
# finds nothing). No stored value contains one, so strings bound for the database refuse it.
NO_NUL = r"^[^\x00]*$"

PathKey = Annotated[str, PathParameter(pattern=NO_NUL)]
"""A string id or name in the path."""


TIME_WITH_OFFSET = (
    "RFC 3339 with an offset (`Z` or `+hh:mm`); a time without one is refused with 400, "
    "since the service would otherwise have to guess its zone"
)


def with_offset(name: str, value: datetime | None) -> datetime | None:
    """`value` in UTC if it carries an offset (None if absent); a 400 problem if it is naive.

    Litestar parses `2024-01-01T00:00:00` into a naive datetime, which the UTC columns refuse
    deep in the query (a 500). Reading it as UTC would silently shift a caller's local time,
    so it is refused here, by name, with the fix.

    Raises:
        ProblemError: the value has no offset.
    """
    if value is None:
        return None
    if value.utcoffset() is not None:
        return value.astimezone(UTC)
    detail = f"{name}: a timestamp needs an offset, e.g. {value.isoformat()}Z or +00:00"
    raise ProblemError(HTTP_400_BAD_REQUEST, "invalid-request", "Invalid request", detail)
