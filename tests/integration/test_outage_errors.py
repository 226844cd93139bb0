"""Which real driver errors count as a database outage (503), and which stay bugs (500)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.servers.api_process import free_port
from trustsvc.store.db import make_engine
from trustsvc.store.outage import database_unavailable


async def _error_of(url: str, statement: str = "SELECT 1") -> BaseException:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    except Exception as exc:  # noqa: BLE001 - the error is what is judged
        return exc
    finally:
        await engine.dispose()
    raise AssertionError("the statement succeeded")


def _sqlite_error_of(path: Path, statement: str = "SELECT 1") -> BaseException:
    """SQLite's error through the synchronous driver: the same sqlite3 error SQLAlchemy wraps
    for aiosqlite, without its worker thread outliving a connection that never opened."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    except Exception as exc:  # noqa: BLE001 - the error is what is judged
        return exc
    finally:
        engine.dispose()
    raise AssertionError("the statement succeeded")


def test_sqlite_unable_to_open_is_an_outage(tmp_path: Path) -> None:
    error = _sqlite_error_of(tmp_path / "gone" / "x.db")
    assert "unable to open" in str(error)
    assert database_unavailable(error)


async def test_a_refused_postgres_connection_is_an_outage() -> None:
    error = await _error_of(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/x")
    assert database_unavailable(error)


@pytest.mark.parametrize("statement", ["SELECT * FROM no_such_table", "SELEC 1"])
def test_a_bad_statement_is_a_bug_not_an_outage(tmp_path: Path, statement: str) -> None:
    error = _sqlite_error_of(tmp_path / "x.db", statement)
    assert not database_unavailable(error)


def test_an_error_unrelated_to_the_database_is_not_an_outage() -> None:
    chained = KeyError("x")
    chained.__cause__ = ValueError("cause")
    assert not database_unavailable(ValueError("a bug"))
    assert not database_unavailable(chained)
