"""`trustsvc receipt SCAN_ID`: print the signed receipt of a stored scan."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Callable
from datetime import datetime

from probes.registry import catalogue
from trustsvc.clock import utc_now
from trustsvc.commands.errors import EXIT_OK, UsageError
from trustsvc.config.settings import Settings
from trustsvc.receipts.keys import KeyFileError
from trustsvc.receipts.meta import server_json_meta
from trustsvc.receipts.service import ScanNotReceiptable
from trustsvc.services import receipt_service
from trustsvc.store.migrate import schema_checked_sessions


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Sign and print; a missing, running or failed scan or a key file problem is one line."""
    print(asyncio.run(receipt_text(settings, args.scan_id, args.format)))  # noqa: T201 - CLI
    return EXIT_OK


async def receipt_text(
    settings: Settings,
    scan_id: str,
    output: str = "receipt",
    clock: Callable[[], datetime] = utc_now,
) -> str:
    """The receipt (or its server.json `_meta` fragment) as indented JSON."""
    async with schema_checked_sessions(
        settings.database_url, auto_migrate=settings.auto_migrate
    ) as sessions:
        service = receipt_service(settings, sessions, catalogue(), clock)
        try:
            receipt = await service.receipt(scan_id)
        except ScanNotReceiptable as exc:
            raise UsageError(f"scan {scan_id} is {exc.status}: it has no result to sign") from None
        except KeyFileError as exc:
            raise UsageError(str(exc)) from None
    if receipt is None:
        raise UsageError(f"there is no scan {scan_id}")
    document = server_json_meta(receipt) if output == "server-json" else receipt
    return json.dumps(document, indent=2, ensure_ascii=False)
