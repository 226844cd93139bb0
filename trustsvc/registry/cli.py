"""`trustsvc sync`: one run of the sync job against the configured database and upstream."""

from __future__ import annotations

from trustsvc.config.settings import Settings
from trustsvc.registry.sync import SyncJob, SyncReport
from trustsvc.registry.upstream import UpstreamClient, UpstreamConfig
from trustsvc.store.migrate import schema_checked_sessions


async def run_sync(settings: Settings, *, registry_url: str | None, full: bool) -> SyncReport:
    """Run once; the report says whether it completed (a failed run is recorded, not raised)."""
    url = (registry_url or settings.registry_url).rstrip("/")
    async with schema_checked_sessions(
        settings.database_url, auto_migrate=settings.auto_migrate
    ) as sessions:
        config = UpstreamConfig(base_url=url, max_retries=settings.registry_retries)
        async with UpstreamClient(config) as client:
            return await SyncJob(sessions).run(client, url, full=full)
