"""`trustsvc sync`: one run of the sync job against the configured database and upstream."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime

from trustsvc.commands.errors import EXIT_OK, EXIT_UNEXPECTED
from trustsvc.commands.progress import Progress
from trustsvc.config.settings import Settings
from trustsvc.registry.records import UpstreamPage
from trustsvc.registry.sync import PageSource, SyncJob, SyncReport
from trustsvc.registry.upstream import UpstreamClient, UpstreamConfig
from trustsvc.store.migrate import schema_checked_sessions


class _CountedPages:
    """The upstream client, with a progress line per page read."""

    def __init__(self, source: PageSource, progress: Progress) -> None:
        self.source = source
        self.progress = progress
        self.pages = 0
        self.rows = 0

    async def page(
        self, *, cursor: str | None, updated_since: datetime | None, include_deleted: bool
    ) -> UpstreamPage:
        page = await self.source.page(
            cursor=cursor, updated_since=updated_since, include_deleted=include_deleted
        )
        self.pages += 1
        self.rows += len(page.records) + len(page.rejections)
        self.progress.line(f"sync: page {self.pages} read, {self.rows} rows so far")
        return page


async def run_sync(
    settings: Settings,
    *,
    registry_url: str | None,
    full: bool,
    progress: Progress | None = None,
) -> SyncReport:
    """Run once; the report says whether it completed (a failed run is recorded, not raised)."""
    url = (registry_url or settings.registry_url).rstrip("/")
    async with schema_checked_sessions(
        settings.database_url, auto_migrate=settings.auto_migrate
    ) as sessions:
        config = UpstreamConfig(base_url=url, max_retries=settings.registry_retries)
        async with UpstreamClient(config) as client:
            source = _CountedPages(client, progress or Progress(enabled=False))
            return await SyncJob(sessions).run(source, url, full=full)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Sync once and print the run's summary; exit 1 when the run failed."""
    return asyncio.run(_sync(args, settings))


async def _sync(args: argparse.Namespace, settings: Settings) -> int:
    progress = Progress.for_terminal(quiet=args.quiet)
    report = await run_sync(settings, registry_url=args.registry, full=args.full, progress=progress)
    print(  # noqa: T201 - CLI output
        f"sync {report.status}: {report.mode}, {report.pages} pages, {report.rows} rows "
        f"({report.added} added, {report.changed} changed, {report.unchanged} unchanged, "
        f"{report.rejected} rejected); run {report.id}"
    )
    if report.error:
        print(f"trustsvc: sync failed: {report.error}", file=sys.stderr)  # noqa: T201
        return EXIT_UNEXPECTED
    return EXIT_OK
