"""The `trustsvc` command and its sub-commands (serve, worker, assess, receipt, verify, ...).

Exit codes: 0 done, 2 usage error or refused target (one line, never a traceback), 3 the
verdict reached `--fail-on`, 1 anything unexpected (one line; details with TRUSTSVC_DEBUG=1).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from probes.errors import TargetRejected
from trustsvc.auth.principal import Scope
from trustsvc.commands.digest_args import add_digest_parsers
from trustsvc.commands.errors import EXIT_UNEXPECTED, EXIT_USAGE, UsageError
from trustsvc.config.settings import Settings, SettingsError, load_settings

# Each command's module, imported only when that command runs.
COMMANDS = {
    "serve": "serve",
    "assess": "assess",
    "demo": "demo",
    "check-tools": "check_tools",
    "check-domain": "check_domain",
    "worker": "worker",
    "sync": "sync",
    "advisories": "advisories",
    "keys": "keys",
    "receipt": "receipt",
    "verify": "verify",
    "signing-keys": "signing_keys",
    "db": "db",
    "subscriptions": "subscriptions",
    "report": "report",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line instead of argparse's usage dump."""
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = _Parser(prog="trustsvc", description="Trust intelligence for remote MCP servers.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    serve = commands.add_parser("serve", help="run the REST API")
    _add_bind(serve)

    assess = commands.add_parser("assess", help="probe one endpoint and print the result")
    assess.add_argument("url")
    assess.add_argument("--format", choices=("table", "json", "sarif"), default="table")
    assess.add_argument("--allow-private", action="store_true", help="permit loopback/private")
    assess.add_argument("--ca-file", type=Path, help="extra trust anchors (PEM)")
    assess.add_argument("--timeout", type=float, help="budget per probe family, seconds")
    assess.add_argument("--fail-on", choices=("warn", "block"), help="exit 3 at this verdict")
    assess.add_argument("--store", action="store_true", help="also store it in the database")
    assess.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="send this header to the endpoint's origin only (e.g. a bearer token); repeatable",
    )

    demo = commands.add_parser("demo", help="assess local lab endpoints and serve the API")
    _add_bind(demo)
    demo.add_argument("--no-serve", action="store_true", help="print the table and exit")

    check = commands.add_parser("check-tools", help="judge saved tools/list results offline")
    check.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=(
            "a tools/list result or array of tools (JSON), a .jsonl file with one listing a "
            "line, or a directory of them; - for stdin"
        ),
    )
    check.add_argument("--format", choices=("table", "json", "sarif"), default="table")
    check.add_argument("--fail-on-poisoned", action="store_true", help="exit 3 if any is poisoned")

    domain = commands.add_parser(
        "check-domain", help="a host's lookalike verdict, registration, DNS and reputation facts"
    )
    domain.add_argument("name", help="a host name or URL")
    domain.add_argument("--format", choices=("table", "json"), default="table")
    domain.add_argument(
        "--offline", action="store_true", help="the lexical lookalike check only: no network"
    )

    worker = commands.add_parser(
        "worker", help="run the periodic jobs: re-probe due endpoints, webhooks, registry sync"
    )
    worker.add_argument(
        "--once", action="store_true", help="one round (queue, sweep, deliveries), then exit"
    )
    worker.add_argument(
        "--metrics-port",
        type=int,
        metavar="PORT",
        help="serve Prometheus metrics on /metrics here (default: TRUSTSVC_METRICS_PORT)",
    )
    worker.add_argument(
        "--metrics-host", metavar="ADDRESS", help="bind address (default: TRUSTSVC_METRICS_HOST)"
    )

    sync = commands.add_parser("sync", help="import servers from the upstream MCP registry")
    sync.add_argument("--registry", help="upstream base URL (default: TRUSTSVC_REGISTRY_URL)")
    sync.add_argument("--full", action="store_true", help="walk every page, deleted rows included")

    advisories = commands.add_parser("advisories", help="OSV advisory data")
    advisory_commands = advisories.add_subparsers(
        dest="advisories_command", required=True, parser_class=_Parser
    )
    advisory_import = advisory_commands.add_parser(
        "import", help="import OSV records from zips, folders, .json files or URLs"
    )
    advisory_import.add_argument("sources", nargs="+", metavar="PATH|URL")

    keys = commands.add_parser("keys", help="API keys: create, list, revoke")
    key_commands = keys.add_subparsers(dest="keys_command", required=True, parser_class=_Parser)
    key_create = key_commands.add_parser("create", help="mint a key and print it once")
    key_create.add_argument("--name", required=True, help="who or what uses it (audit log)")
    key_create.add_argument(
        "--scope",
        action="append",
        choices=[scope.value for scope in Scope],
        required=True,
        help="read < scan < admin, each including the ones before; repeatable",
    )
    key_create.add_argument("--expires-in", type=float, metavar="DAYS", help="default: never")
    key_list = key_commands.add_parser("list", help="keys without their secrets")
    key_list.add_argument("--all", action="store_true", help="include revoked keys")
    key_list.add_argument("--format", choices=("table", "json"), default="table")
    key_revoke = key_commands.add_parser("revoke", help="revoke a key by id or name")
    key_revoke.add_argument("key", metavar="KEY_ID|NAME")

    _add_receipt_commands(commands)

    _add_db_commands(commands)
    add_digest_parsers(commands, _Parser)
    return parser


def _add_db_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    db_commands.add_parser("upgrade", help="migrate the schema to the latest revision")


def _add_receipt_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    """receipt, verify and signing-keys: signed scan receipts and their keys."""
    receipt = commands.add_parser("receipt", help="print the signed receipt of a stored scan")
    receipt.add_argument("scan_id", metavar="SCAN_ID")
    receipt.add_argument(
        "--format",
        choices=("receipt", "server-json"),
        default="receipt",
        help="the receipt, or a server.json _meta fragment carrying it",
    )

    verify = commands.add_parser("verify", help="check a receipt's signature and freshness")
    verify.add_argument("file", metavar="FILE", help="a receipt or a server.json; - for stdin")
    verify.add_argument(
        "--keys", metavar="URL|FILE", help="the issuer's JWKS (default: this installation's keys)"
    )
    verify.add_argument("--at", metavar="TIME", help="verify as of this RFC 3339 time")

    signing = commands.add_parser("signing-keys", help="receipt signing keys: list, rotate")
    signing_commands = signing.add_subparsers(
        dest="signing_keys_command", required=True, parser_class=_Parser
    )
    signing_list = signing_commands.add_parser("list", help="key ids, state and dates")
    signing_list.add_argument("--format", choices=("table", "json"), default="table")
    signing_rotate = signing_commands.add_parser(
        "rotate", help="retire the signing key (it keeps verifying) and start a new one"
    )
    signing_rotate.add_argument(
        "--retain-days",
        type=float,
        default=90.0,
        metavar="DAYS",
        help="how long retired keys still verify (default 90)",
    )


def _add_bind(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command and return its exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Migrations run at every start on SQLite; their progress lines are noise in a terminal.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # sslyze's bundled trust stores hold a root with a non-positive serial; cryptography warns
    # on every load. It is not about the endpoint, so it must not reach the user's terminal.
    warnings.filterwarnings("ignore", message=".*serial number which wasn't positive.*")
    try:
        args = build_parser().parse_args(argv)
        settings = load_settings(os.environ)
        return _dispatch(args, settings)
    except (UsageError, SettingsError) as exc:
        print(f"trustsvc: error: {exc}", file=sys.stderr)  # noqa: T201 - CLI output
        return EXIT_USAGE
    except TargetRejected as exc:
        print(f"trustsvc: refused: {exc.detail}", file=sys.stderr)  # noqa: T201 - CLI output
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("TRUSTSVC_DEBUG"):
            raise
        print(f"trustsvc: failed: {type(exc).__name__}: {exc}", file=sys.stderr)  # noqa: T201
        return EXIT_UNEXPECTED


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    module = importlib.import_module(f"trustsvc.commands.{COMMANDS[args.command]}")
    code: int = module.run(args, settings)
    return code
