"""The argument parsers of `subscriptions` and `report`.

argparse only, so building the CLI's parser imports none of the digest code: each command's
module is imported when it runs. Every option says what it does and its default, and every
command ends with examples (tests/unit/test_cli_help.py).
"""

from __future__ import annotations

import argparse
from typing import Any

from trustsvc.commands.parser_admin import examples


def add_subscription_parsers(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:  # noqa: ANN401
    """The `subscriptions` sub-commands (the CLI's parser calls this)."""
    subscriptions = commands.add_parser(
        "subscriptions",
        help="scheduled drift digests",
        epilog=examples("trustsvc subscriptions list", "trustsvc subscriptions run weekly-sec"),
    )
    actions = subscriptions.add_subparsers(
        dest="subscriptions_command", required=True, parser_class=parser_class
    )
    create = actions.add_parser(
        "add",
        help="subscribe a webhook, Slack or inbox to digests",
        epilog=examples(
            "trustsvc subscriptions add --name daily-sec --schedule daily "
            "--format email --email sec@example.com",
            "trustsvc subscriptions add --name weekly --schedule '0 8 * * mon' "
            "--timezone Europe/Paris --format slack --webhook-url https://hooks.example/x",
        ),
    )
    create.add_argument("--name", required=True, help="a unique name for the subscription")
    create.add_argument(
        "--schedule", required=True, help="daily, weekly or five cron fields ('0 8 * * mon')"
    )
    create.add_argument("--timezone", default="UTC", help="IANA zone of the schedule")
    create.add_argument(
        "--scope",
        choices=("all", "namespace", "endpoints"),
        default="all",
        help="which endpoints the digest covers",
    )
    create.add_argument("--namespace", help="registry namespace (with --scope namespace)")
    create.add_argument("--endpoint", action="append", default=[], help="endpoint URL (repeatable)")
    create.add_argument(
        "--min-severity",
        choices=("critical", "high", "medium", "low", "info"),
        default="info",
        help="leave out drift below this severity",
    )
    create.add_argument(
        "--format",
        choices=("json", "slack", "email"),
        default="json",
        help="JSON or Slack blocks to a webhook, or e-mail (HTML, text and the CSV)",
    )
    create.add_argument("--webhook-url", help="where json and slack digests are posted")
    create.add_argument("--email", action="append", default=[], help="recipient (repeatable)")
    create.add_argument(
        "--no-empty", action="store_true", help="send nothing for a period with no changes"
    )
    listing = actions.add_parser(
        "list",
        help="subscriptions without their secrets",
        epilog=examples("trustsvc subscriptions list --format json"),
    )
    listing.add_argument(
        "--format", choices=("table", "json"), default="table", help="how to print them"
    )
    gone = actions.add_parser(
        "remove",
        help="delete a subscription and its runs",
        epilog=examples("trustsvc subscriptions remove daily-sec"),
    )
    gone.add_argument("subscription", metavar="ID|NAME", help="the subscription's id or name")
    now = actions.add_parser(
        "run",
        help="build and send a subscription's digest now",
        epilog=examples("trustsvc subscriptions run daily-sec"),
    )
    now.add_argument("subscription", metavar="ID|NAME", help="the subscription's id or name")


def add_report_parsers(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:  # noqa: ANN401
    """The `report` sub-commands (the CLI's parser calls this)."""
    report = commands.add_parser(
        "report",
        help="drift digests on the terminal",
        epilog=examples("trustsvc report drift --since 7d"),
    )
    kinds = report.add_subparsers(dest="report_command", required=True, parser_class=parser_class)
    drift = kinds.add_parser(
        "drift",
        help="what changed across the fleet in a period",
        epilog=examples(
            "trustsvc report drift --since 24h",
            "trustsvc report drift --subscription daily-sec --send",
        ),
    )
    drift.add_argument("--since", default="24h", help="period length: 24h, 7d, 90m")
    drift.add_argument("--subscription", metavar="ID|NAME", help="that subscription's scope")
    drift.add_argument("--send", action="store_true", help="send it now to the subscription")
    drift.add_argument(
        "--format", choices=("text", "json"), default="text", help="how to print the digest"
    )


def add_digest_parsers(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:  # noqa: ANN401
    """`subscriptions` and `report`."""
    add_subscription_parsers(commands, parser_class)
    add_report_parsers(commands, parser_class)
