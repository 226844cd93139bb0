"""`trustsvc subscriptions add|list|remove|run`: scheduled drift digests from the terminal.

The same checks as the API: a bad cron line, time zone, scope, address or webhook URL is
one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from trustsvc.commands.errors import EXIT_OK, EXIT_UNEXPECTED, UsageError
from trustsvc.config.settings import Settings
from trustsvc.digests.models import SubscriptionRow, SubscriptionRunRow
from trustsvc.digests.repository import (
    create_subscription,
    list_subscriptions,
    remove_subscription,
)
from trustsvc.digests.spec import SubscriptionError, check_subscription
from trustsvc.services import open_services


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Dispatch to the sub-command; a digest whose delivery failed for good exits 1."""
    action = {"add": add, "list": show, "remove": remove, "run": send_now}
    line = asyncio.run(action[args.subscriptions_command](args, settings))
    print(line)  # noqa: T201 - CLI output
    return EXIT_UNEXPECTED if line.endswith(FAILED_MARK) or FAILED_MARK + " (" in line else EXIT_OK


async def add(args: argparse.Namespace, settings: Settings) -> str:
    """Check and store a subscription; print it with its webhook secret (shown once)."""
    try:
        spec = check_subscription(
            name=args.name,
            schedule=args.schedule,
            timezone=args.timezone,
            scope=args.scope,
            namespace=args.namespace,
            endpoints=args.endpoint,
            min_severity=args.min_severity,
            digest_format=args.format,
            webhook_url=args.webhook_url,
            email_to=args.email,
            send_empty=not args.no_empty,
            policy=settings.probes.policy,
        )
    except SubscriptionError as exc:
        raise UsageError(str(exc)) from exc
    async with open_services(settings) as app, app.sessions.begin() as session:
        row = await create_subscription(session, spec, now=app.clock())
    if row is None:
        raise UsageError(f"a subscription named {args.name!r} exists; remove it first")
    lines = [f"subscription {row.id} ({row.name}): next digest {row.next_run_at.isoformat()}"]
    if row.webhook_url:
        lines.append(f"webhook signing secret (shown once): {row.secret}")
    return "\n".join(lines)


async def show(args: argparse.Namespace, settings: Settings) -> str:
    """Every subscription as a table or JSON."""
    async with open_services(settings) as app, app.sessions() as session:
        rows = await list_subscriptions(session)
    docs = [describe(row) for row in rows]
    if args.format == "json":
        return json.dumps(docs, indent=2)
    if not docs:
        return "no subscriptions"
    return "\n".join(
        f"{d['name']:<24} {d['schedule']:<16} {d['timezone']:<16} {d['format']:<6} "
        f"{d['destination']}  next {d['next_run_at']}"
        for d in docs
    )


async def remove(args: argparse.Namespace, settings: Settings) -> str:
    """Delete a subscription (by id or name) and its runs."""
    async with open_services(settings) as app, app.sessions.begin() as session:
        found = await remove_subscription(session, args.subscription)
    if not found:
        raise UsageError(f"there is no subscription {args.subscription!r}")
    return f"removed {args.subscription}"


async def send_now(args: argparse.Namespace, settings: Settings) -> str:
    """Build and send a subscription's digest now; print how the delivery went."""
    async with open_services(settings) as app:
        run_row = await app.digests.run_now(args.subscription)
    if run_row is None:
        raise UsageError(f"there is no subscription {args.subscription!r}")
    return run_line(run_row)


FAILED_MARK = ": failed"


def run_line(row: SubscriptionRunRow) -> str:
    """One line per run: its id, period, counts and delivery status."""
    error = f" ({row.last_error})" if row.last_error else ""
    return (
        f"run {row.id}: {row.period_start.isoformat()} to {row.period_end.isoformat()}, "
        f"{row.counts.get('events', 0)} drift event(s): {row.status}{error}"
    )


def describe(row: SubscriptionRow) -> dict[str, Any]:
    """A subscription as JSON (no secret)."""
    destination = row.webhook_url or ", ".join(row.email_to)
    return {
        "id": row.id,
        "name": row.name,
        "schedule": row.schedule,
        "timezone": row.timezone,
        "scope": row.scope,
        "scope_value": row.scope_value,
        "min_severity": row.min_severity,
        "format": row.format,
        "destination": destination,
        "send_empty": row.send_empty,
        "next_run_at": row.next_run_at.isoformat(),
    }
