"""SQLite files are opened in WAL mode: a commit does not wait for readers.

In the default rollback-journal mode a writer cannot commit while another connection is
inside a read transaction (it waits for the busy timeout, 30 s here, then fails with
"database is locked"). `serve` reads from the API while its jobs process writes, so the
engine puts the file in WAL mode, and this checks it on the behaviour, not only the pragma.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy import text

from trustsvc.store.db import make_engine

GUARD_S = 10.0
"""Only so that a regression fails instead of waiting out the 30 s busy timeout."""


async def test_a_commit_goes_through_while_another_process_is_reading(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
            await connection.execute(text("INSERT INTO t VALUES (1)"))
        reader = sqlite3.connect(path, isolation_level=None)  # another connection, as a process
        try:
            reader.execute("BEGIN")
            assert reader.execute("SELECT count(*) FROM t").fetchone() == (1,)  # holds a read

            async def write() -> None:
                async with engine.begin() as connection:
                    await connection.execute(text("INSERT INTO t VALUES (2)"))

            await asyncio.wait_for(write(), GUARD_S)
            # The reader still sees the state its transaction began with.
            assert reader.execute("SELECT count(*) FROM t").fetchone() == (1,)
            reader.execute("COMMIT")
            assert reader.execute("SELECT count(*) FROM t").fetchone() == (2,)
        finally:
            reader.close()
    finally:
        await engine.dispose()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)
