"""`trustsvc advisories import`: each source in turn, with a summary line per source."""

from __future__ import annotations

from trustsvc.advisories.importer import ImportSummary, import_source
from trustsvc.app import SchemaBehindError
from trustsvc.db import make_engine, make_sessionmaker
from trustsvc.migrate import pending_revision, upgrade
from trustsvc.scans.service import utc_now
from trustsvc.settings import Settings


async def run_import(settings: Settings, sources: list[str]) -> list[ImportSummary]:
    """Import every source; the first that cannot be read stops the rest (it raises)."""
    engine = make_engine(settings.database_url)
    try:
        if settings.auto_migrate:
            await upgrade(engine)
        elif (head := await pending_revision(engine)) is not None:
            raise SchemaBehindError(f"database schema is behind {head}: run `trustsvc db upgrade`")
        sessions = make_sessionmaker(engine)
        return [await import_source(sessions, source, now=utc_now()) for source in sources]
    finally:
        await engine.dispose()
