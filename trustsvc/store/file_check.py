"""Is the SQLite file usable? Checked before an engine opens it, in one line with the fix.

Without it a path in a missing directory or a damaged file surfaces as SQLAlchemy's
"unable to open database file" (no path named) or as a traceback a second from the
scheduler, and a file SQLite cannot read may be written to anyway. The check reads the file
only through the standard library's sqlite3, read-only, so it creates and changes nothing:
a missing file is fine when its directory is writable (the first start creates it).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from trustsvc.config.env import SettingsError

SQLITE_HEADER = b"SQLite format 3\x00"
ELSEWHERE = "point TRUSTSVC_DATABASE_URL at another file"


class DatabaseFileError(SettingsError):
    """The SQLite database file cannot be used; the message names it and the fix."""


def sqlite_path(url: str) -> Path | None:
    """The file an SQLite URL names; None for other databases and in-memory ones."""
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme.startswith("sqlite") or not rest.startswith("/"):
        return None
    raw = rest[1:].split("?", 1)[0]
    if raw in ("", ":memory:"):
        return None
    return Path(raw)


def sqlite_header_intact(url: str) -> bool:
    """Whether the URL's SQLite file is still there and starts as an SQLite file should.

    For readiness, on every probe: 16 bytes, not a `quick_check`. In WAL mode a running
    engine reads pages it holds from its cache and the log, so a file overwritten under it
    answers queries until the pages are needed; its header shows the damage at once.
    True for databases that are not SQLite files.
    """
    path = sqlite_path(url)
    if path is None:
        return True
    try:
        return _header(path) == SQLITE_HEADER
    except OSError:
        return False


def _header(path: Path) -> bytes:
    """The file's first bytes, as many as SQLite's magic string has (fewer if it is short)."""
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_HEADER))


def check_sqlite_file(url: str) -> None:
    """Raise DatabaseFileError unless the URL's SQLite file can be opened and is intact.

    Runs `PRAGMA quick_check` on an existing file (O(N) in its size, read-only): a damaged
    file is refused at start instead of being written to.
    """
    path = sqlite_path(url)
    if path is None:
        return
    directory = path.parent
    if not directory.is_dir():
        raise DatabaseFileError(
            f"database {path}: directory {directory} does not exist; create it, or {ELSEWHERE}"
        )
    if not path.exists():
        if not os.access(directory, os.W_OK | os.X_OK):
            raise DatabaseFileError(
                f"database {path}: directory {directory} is not writable; {ELSEWHERE}"
            )
        return
    if not path.is_file():
        raise DatabaseFileError(f"database {path} is not a file; {ELSEWHERE}")
    if not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseFileError(
            f"database {path} is not readable and writable by this user; {ELSEWHERE}"
        )
    _check_contents(path)


def _check_contents(path: Path) -> None:
    header = _header(path)
    if not header:
        return  # an empty file is an empty database to SQLite
    if header != SQLITE_HEADER:
        raise DatabaseFileError(f"{path} is not an SQLite database; move it away, or {ELSEWHERE}")
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        try:
            rows = connection.execute("PRAGMA quick_check").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, str(exc)) from exc
    if rows != [("ok",)]:
        raise _damaged(path, str(rows[0][0]) if rows else "no answer")


def _damaged(path: Path, why: str) -> DatabaseFileError:
    return DatabaseFileError(
        f"database {path} is damaged ({why[:200]}); restore it from a backup, or {ELSEWHERE}"
    )
