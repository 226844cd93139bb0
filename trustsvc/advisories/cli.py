"""`trustsvc advisories import`: each source in turn, with a summary line per source."""

from __future__ import annotations

from trustsvc.advisories.importer import ImportSummary, import_source
from trustsvc.clock import utc_now
from trustsvc.config.settings import Settings
from trustsvc.store.migrate import schema_checked_sessions


async def run_import(settings: Settings, sources: list[str]) -> list[ImportSummary]:
    """Import every source; the first that cannot be read stops the rest (it raises)."""
    async with schema_checked_sessions(
        settings.database_url, auto_migrate=settings.auto_migrate
    ) as sessions:
        return [await import_source(sessions, source, now=utc_now()) for source in sources]
