"""`trustsvc advisories import`: each source in turn, with a summary line per source."""

from __future__ import annotations

from trustsvc.advisories.importer import ImportSummary, import_source
from trustsvc.db import make_engine, make_sessionmaker
from trustsvc.migrate import ensure_schema
from trustsvc.scans.service import utc_now
from trustsvc.settings import Settings


async def run_import(settings: Settings, sources: list[str]) -> list[ImportSummary]:
    """Import every source; the first that cannot be read stops the rest (it raises)."""
    engine = make_engine(settings.database_url)
    try:
        await ensure_schema(engine, auto_migrate=settings.auto_migrate)
        sessions = make_sessionmaker(engine)
        return [await import_source(sessions, source, now=utc_now()) for source in sources]
    finally:
        await engine.dispose()
