"""Which exceptions mean "the database is unavailable", as opposed to a bug.

The API answers those with 503 and `Retry-After` (api/errors.py) instead of a 500, since the
client did nothing wrong and the same request will work once the database is back. The
test walks the exception's causes, because drivers raise their own errors and SQLAlchemy
wraps them (or, for a refused connection, sometimes does not).
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc as sa_exc

try:  # PostgreSQL's driver is optional: the embedded default needs only SQLite.
    import asyncpg  # type: ignore[import-untyped]

    _ASYNCPG: tuple[type[BaseException], ...] = (
        asyncpg.exceptions.PostgresConnectionError,  # includes CannotConnectNow, AdminShutdown
        asyncpg.exceptions.InterfaceError,  # "connection is closed"
        asyncpg.exceptions.ConnectionDoesNotExistError,
    )
except ImportError:  # pragma: no cover - asyncpg is installed wherever PostgreSQL is used
    _ASYNCPG = ()

# OSError covers refused, reset and unreachable connections to the server (raised raw by
# asyncpg's connect); TimeoutError is a pool or connect timeout.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
    OSError,
    *_ASYNCPG,
)
_SQLITE_UNAVAILABLE = ("unable to open", "disk i/o error", "database is locked")
_MAX_CAUSES = 16


def database_unavailable(error: BaseException) -> bool:
    """Whether `error` (or what caused it) says the database cannot be reached or used now."""
    seen: BaseException | None = error
    for _ in range(_MAX_CAUSES):
        if seen is None:
            return False
        if isinstance(seen, sa_exc.DBAPIError) and seen.connection_invalidated:
            return True
        if isinstance(seen, sqlite3.OperationalError):
            return any(marker in str(seen).lower() for marker in _SQLITE_UNAVAILABLE)
        if isinstance(seen, sa_exc.OperationalError) and isinstance(seen.orig, sqlite3.Error):
            return any(marker in str(seen.orig).lower() for marker in _SQLITE_UNAVAILABLE)
        if isinstance(seen, _UNAVAILABLE):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
