"""The `trustsvc` argument parser, whose help teaches.

Every option says what it does, its default, and which TRUSTSVC_* setting it replaces;
every command's help ends with examples. Built from argparse and light modules only, so
`--help` answers at once (cli.py's note).
tests/unit/test_cli_help.py checks that no option lacks a description or an example.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from trustsvc.commands.errors import UsageError
from trustsvc.commands.parser_admin import add_admin_commands, examples, format_option
from trustsvc.config.env import MAX_PORT, shown

Commands = argparse._SubParsersAction  # noqa: SLF001 - argparse exposes no public name


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples' lines; appends a default the help text does not already give."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if "default" in text or default in (None, False, argparse.SUPPRESS) or default == []:
            return text
        return f"{text} (default: %(default)s)"


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - argparse's own
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """One line instead of argparse's usage dump."""
        raise UsageError(f"{message} (see `{self.prog} --help`)")


class _Version(argparse.Action):
    """`--version`: the package and the scoring policy, imported only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        del kwargs
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            default=argparse.SUPPRESS,
            help="print the version and the scoring policy version, then exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> NoReturn:
        from trustsvc import __version__  # noqa: PLC0415 - only when asked
        from trustsvc.scoring.policy import POLICY  # noqa: PLC0415 - only when asked

        print(f"trustsvc {__version__} (scoring policy {POLICY.version})")  # noqa: T201
        parser.exit()


def tcp_port(raw: str) -> int:
    """An argparse type: a TCP port to listen on, 1-65535."""
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{shown(raw, 40)!r} is not a port number") from None
    if not 1 <= value <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"{value} is out of range: a port is 1-{MAX_PORT}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = _Parser(
        prog="trustsvc",
        description="Trust intelligence for remote MCP servers.",
        epilog=examples(
            "trustsvc demo --no-serve",
            "trustsvc assess https://mcp.example.com/mcp --fail-on block",
        ),
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser, metavar="COMMAND"
    )
    _add_serving(commands)
    _add_assess(commands)
    _add_offline_checks(commands)
    add_admin_commands(commands, _Parser)
    return parser


def _add_bind(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on; any non-loopback one needs API keys (see `keys create`)",
    )
    parser.add_argument("--port", type=tcp_port, default=8000, help="TCP port to listen on")


def _add_serving(commands: Commands[_Parser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the REST API",
        epilog=examples("trustsvc serve", "trustsvc serve --host 0.0.0.0 --port 8080"),
    )
    _add_bind(serve)
    demo = commands.add_parser(
        "demo",
        help="assess local lab endpoints and serve the API",
        epilog=examples("trustsvc demo", "trustsvc demo --no-serve"),
    )
    _add_bind(demo)
    demo.add_argument("--no-serve", action="store_true", help="print the table and exit")
    worker = commands.add_parser(
        "worker",
        help="run the periodic jobs: re-probe due endpoints, webhooks, registry sync",
        epilog=examples("trustsvc worker", "trustsvc worker --once"),
    )
    worker.add_argument(
        "--once", action="store_true", help="one round (queue, sweep, deliveries), then exit"
    )
    worker.add_argument(
        "--metrics-port",
        type=int,
        metavar="PORT",
        help="serve Prometheus metrics on /metrics here, 0 for any free port (replaces "
        "TRUSTSVC_METRICS_PORT; default: that setting, else no metrics server)",
    )
    worker.add_argument(
        "--metrics-host",
        metavar="ADDRESS",
        help="the metrics server's bind address (replaces TRUSTSVC_METRICS_HOST; "
        "default: that setting)",
    )


def _add_assess(commands: Commands[_Parser]) -> None:
    assess = commands.add_parser(
        "assess",
        help="probe one endpoint and print the result",
        epilog=examples(
            "trustsvc assess https://mcp.example.com/mcp",
            "trustsvc assess https://mcp.example.com/mcp --header 'Authorization: Bearer T'",
            "trustsvc assess https://mcp.example.com/ --format sarif --fail-on block > out.sarif",
        ),
    )
    assess.add_argument("url", help="the endpoint URL, as an MCP client would connect to it")
    format_option(assess, "table", "json", "sarif")
    assess.add_argument(
        "--allow-private",
        action="store_true",
        help="permit loopback and private addresses (refused by default; replaces "
        "TRUSTSVC_ALLOW_PRIVATE_TARGETS for this run)",
    )
    assess.add_argument(
        "--ca-file",
        type=Path,
        metavar="PEM",
        help="extra trust anchors for a private PKI (replaces TRUSTSVC_CA_FILE; "
        "default: that setting, else the system's roots only)",
    )
    assess.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="budget per probe family (replaces TRUSTSVC_FAMILY_BUDGET_S; default: 60)",
    )
    assess.add_argument(
        "--fail-on",
        choices=("warn", "block"),
        help="exit 3 when the verdict is at least this, or nothing could be assessed "
        "(default: never)",
    )
    assess.add_argument(
        "--store", action="store_true", help="also store it in the database (TRUSTSVC_DATABASE_URL)"
    )
    assess.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="send this header to the endpoint's origin only (e.g. a bearer token); "
        "repeatable (default: none)",
    )


def _add_offline_checks(commands: Commands[_Parser]) -> None:
    check = commands.add_parser(
        "check-tools",
        help="judge saved tools/list results offline",
        epilog=examples(
            "trustsvc check-tools tools.json",
            "curl -s URL | trustsvc check-tools - --format json --fail-on-poisoned",
        ),
    )
    check.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=(
            "a tools/list result or array of tools (JSON), a .jsonl file with one listing a "
            "line, or a directory of them; - for stdin"
        ),
    )
    format_option(check, "table", "json", "sarif")
    check.add_argument(
        "--fail-on-poisoned", action="store_true", help="exit 3 if any definition is poisoned"
    )
    domain = commands.add_parser(
        "check-domain",
        help="a host's lookalike verdict, registration, DNS and reputation facts",
        epilog=examples(
            "trustsvc check-domain --offline anthrop1c.com",
            "trustsvc check-domain https://mcp.example.com/mcp --format json",
        ),
    )
    domain.add_argument("name", help="a host name or URL")
    format_option(domain, "table", "json")
    domain.add_argument(
        "--offline",
        action="store_true",
        help="the lexical lookalike check only: no network (TRUSTSVC_DOMAIN_LOOKUPS=off "
        "keeps the lookups off for every command)",
    )
