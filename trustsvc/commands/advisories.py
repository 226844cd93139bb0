"""`trustsvc advisories import`: each source in turn, with a summary line per source."""

from __future__ import annotations

import argparse
import asyncio

from trustsvc.advisories.importer import AdvisorySourceError, ImportSummary, import_source
from trustsvc.clock import utc_now
from trustsvc.commands.errors import EXIT_OK, UsageError
from trustsvc.commands.progress import Progress
from trustsvc.config.env import shown
from trustsvc.config.settings import Settings
from trustsvc.store.migrate import schema_checked_sessions


async def run_import(
    settings: Settings, sources: list[str], progress: Progress | None = None
) -> list[ImportSummary]:
    """Import every source; the first that cannot be read stops the rest (it raises)."""
    progress = progress or Progress(enabled=False)

    def report(summary: ImportSummary) -> None:
        progress.line(f"{shown(summary.source)}: {summary.read} records read so far")

    async with schema_checked_sessions(
        settings.database_url, auto_migrate=settings.auto_migrate
    ) as sessions:
        return [
            await import_source(sessions, source, now=utc_now(), on_batch=report)
            for source in sources
        ]


def run(args: argparse.Namespace, settings: Settings) -> int:
    """`advisories import SOURCE...`: a summary line per source."""
    return asyncio.run(_advisories(args, settings))


async def _advisories(args: argparse.Namespace, settings: Settings) -> int:
    try:
        progress = Progress.for_terminal(quiet=args.quiet)
        summaries = await run_import(settings, list(args.sources), progress)
    except AdvisorySourceError as exc:
        raise UsageError(str(exc)) from exc
    for summary in summaries:
        print(summary.line())  # noqa: T201 - CLI output
    return EXIT_OK
