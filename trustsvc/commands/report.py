"""`trustsvc report drift --since 24h [--subscription NAME] [--send]`.

Prints the digest of a period to the terminal (every endpoint, or one subscription's scope),
or with `--send` builds a run for that subscription and sends it now.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
from datetime import datetime, timedelta
from typing import Any

from trustsvc.commands.errors import EXIT_OK, EXIT_UNEXPECTED, UsageError
from trustsvc.commands.subscriptions import FAILED_MARK, run_line
from trustsvc.config.settings import Settings
from trustsvc.digests.models import SubscriptionRow
from trustsvc.digests.repository import find_subscription
from trustsvc.digests.text import plain_text
from trustsvc.services import open_services

_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MAX_SINCE_S = 366 * 86400


def parse_since(text: str) -> timedelta:
    """`24h`, `7d`, `90m`, `2w`, `3600s`; a usage error otherwise."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise UsageError(f"--since: a duration such as 24h, 7d or 90m, got {text!r}")
    seconds = float(match.group(1)) * _UNIT_S[match.group(2)]
    if not 0 < seconds <= MAX_SINCE_S:
        raise UsageError("--since: more than nothing and at most a year")
    return timedelta(seconds=seconds)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print or send the digest."""
    if args.send and not args.subscription:
        raise UsageError("--send needs --subscription: a digest is sent where a subscription says")
    line = asyncio.run(_report(args, settings))
    print(line)  # noqa: T201 - CLI output
    return EXIT_UNEXPECTED if args.send and FAILED_MARK in line else EXIT_OK


async def _report(args: argparse.Namespace, settings: Settings) -> str:
    since = parse_since(args.since)
    async with open_services(settings) as app:
        now = app.clock()
        if args.send:
            sent = await app.digests.run_now(args.subscription, since=now - since)
            if sent is None:
                raise UsageError(f"there is no subscription {args.subscription!r}")
            return run_line(sent)
        async with app.sessions() as session:
            row = await _subscription(session, args.subscription, now)
            doc = await app.digests.digest(session, row, now - since, now)
    return (
        json.dumps(doc, indent=2, ensure_ascii=False) if args.format == "json" else plain_text(doc)
    )


async def _subscription(session: Any, key: str | None, now: datetime) -> SubscriptionRow:  # noqa: ANN401
    """The named subscription, or an unsaved one over every endpoint and severity."""
    if key is not None:
        row = await find_subscription(session, key)
        if row is None:
            raise UsageError(f"there is no subscription {key!r}")
        return row
    return SubscriptionRow(
        id="",
        name="all endpoints",
        schedule="daily",
        timezone="UTC",
        scope="all",
        scope_value=None,
        min_severity="info",
        format="json",
        webhook_url=None,
        email_to=[],
        secret="",
        send_empty=True,
        active=False,
        created_at=now,
        next_run_at=now,
        last_period_end=None,
    )
