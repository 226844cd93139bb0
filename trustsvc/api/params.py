"""Bounds shared by path, query and body parameters, so that bad input is a 400, never a 500."""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter

# The largest INTEGER, the type of every numeric id column: a larger id or id cursor makes
# asyncpg (and SQLite, past 2**63) raise instead of finding nothing.
MAX_ROW_ID = 2**31 - 1

# PostgreSQL text cannot hold NUL, and asyncpg fails the whole query on one (where SQLite just
# finds nothing). No stored value contains one, so strings bound for the database refuse it.
NO_NUL = r"^[^\x00]*$"

PathKey = Annotated[str, PathParameter(pattern=NO_NUL)]
"""A string id or name in the path."""
