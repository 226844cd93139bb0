"""`trustsvc sync`: one run of the sync job against the configured database and upstream."""

from __future__ import annotations

from trustsvc.db import make_engine, make_sessionmaker
from trustsvc.migrate import ensure_schema
from trustsvc.registry.sync import SyncJob, SyncReport
from trustsvc.registry.upstream import UpstreamClient, UpstreamConfig
from trustsvc.settings import Settings


async def run_sync(settings: Settings, *, registry_url: str | None, full: bool) -> SyncReport:
    """Run once; the report says whether it completed (a failed run is recorded, not raised)."""
    url = (registry_url or settings.registry_url).rstrip("/")
    engine = make_engine(settings.database_url)
    try:
        await ensure_schema(engine, auto_migrate=settings.auto_migrate)
        job = SyncJob(make_sessionmaker(engine))
        config = UpstreamConfig(base_url=url, max_retries=settings.registry_retries)
        async with UpstreamClient(config) as client:
            return await job.run(client, url, full=full)
    finally:
        await engine.dispose()
