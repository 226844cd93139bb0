"""Engine, sessions, and the column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, String, Text, TypeDecorator, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeEngine

from probes.hostile_text import visible, visible_json
from trustsvc.store.file_check import check_sqlite_file

# Stable constraint names: alembic needs them to alter SQLite tables in batch mode.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both backends (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        """Refuse naive datetimes; store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        """Give back aware UTC datetimes whatever the backend returned."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SafeJson(TypeDecorator[Any]):
    """JSONB on PostgreSQL (indexable, compact), plain JSON text elsewhere; never refused.

    Every string (keys too) is passed through `visible` before it is bound: a lone surrogate
    cannot be encoded as UTF-8 and PostgreSQL refuses NUL in jsonb, so one hostile character
    an endpoint sent would otherwise fail the whole scan's transaction. The collectors
    already escape what they decode; this is the defence in depth for everything else.
    """

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """JSONB on PostgreSQL."""
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:  # noqa: ANN401, ARG002 - any JSON value
        """The value with lone surrogates and NUL escaped."""
        return visible_json(value)


class SafeText(TypeDecorator[str]):
    """Text whose lone surrogates and NUL are escaped before binding (see SafeJson)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:  # noqa: ARG002
        """The text with lone surrogates and NUL escaped."""
        return None if value is None else visible(value)


class SafeString(TypeDecorator[str]):
    """A bounded string that escapes like SafeText and cuts what escaping lengthened."""

    impl = String
    cache_ok = True

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.limit = length

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:  # noqa: ARG002
        """The text escaped, then cut to the column's length."""
        return None if value is None else visible(value)[: self.limit]


JsonColumn = SafeJson


class Base(DeclarativeBase):
    """Declarative base with the naming convention and shared type map."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: UtcDateTime}  # noqa: RUF012 - SQLAlchemy API


def make_engine(url: str, *, pool_size: int | None = None) -> AsyncEngine:
    """Create the engine; SQLite gets a busy timeout so the API and a scan can share it.

    An SQLite file is checked first (store/file_check.py): a missing directory, a file
    that is not a database or a damaged one is one DatabaseFileError naming the file.

    `pool_size` bounds the connections kept (SQLAlchemy's default otherwise: 5, plus 10
    more under load).
    """
    sized: dict[str, Any] = {} if pool_size is None else {"pool_size": pool_size}
    if url.startswith("sqlite"):
        check_sqlite_file(url)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **sized)
        event.listen(engine.sync_engine, "connect", _write_ahead_log)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **sized)


def _write_ahead_log(dbapi_connection: Any, connection_record: Any) -> None:  # noqa: ANN401, ARG001 - SQLAlchemy's event signature
    """Put an SQLite file in WAL mode, so reads never wait for a write.

    `serve` writes from its jobs process (a registry sync's pages, scans' results) while the
    API reads. In SQLite's default rollback-journal mode a commit must wait until no reader
    holds the file, and readers wait while it writes: under steady lookups the jobs' commits
    queue behind reads, up to the busy timeout. With a write-ahead log a writer appends while
    readers go on seeing the last committed state. The mode is stored in the file, so every
    process that opens it (CLI, workers, an older trustsvc) gets it too. An in-memory
    database answers "memory" and stays as it is.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def insert_missing(
    session: AsyncSession, model: type[Base], rows: list[dict[str, Any]], key: str
) -> None:
    """Insert rows whose `key` is not taken yet and leave existing rows alone.

    `INSERT ... ON CONFLICT DO NOTHING` exists on both backends, but each dialect builds it.
    """
    if not rows:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(insert(model).values(rows).on_conflict_do_nothing(index_elements=[key]))
