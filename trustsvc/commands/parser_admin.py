"""The administrative commands' parsers: data imports, keys, receipts, the schema.

Split from parser.py (which builds the whole parser) to keep each module small; the same
rules hold: every option has a description and its default, every command examples.
"""

from __future__ import annotations

import argparse
from typing import Any

from trustsvc.auth.principal import Scope

Commands = argparse._SubParsersAction  # noqa: SLF001 - argparse exposes no public name
ParserClass = type[argparse.ArgumentParser]


def examples(*lines: str) -> str:
    """An epilog of example command lines."""
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def format_option(parser: argparse.ArgumentParser, *choices: str) -> None:
    """`--format` with these choices, the first the default."""
    parser.add_argument(
        "--format",
        choices=choices,
        default=choices[0],
        help="output: " + ", ".join(choices) + " (JSON and SARIF go to stdout alone)",
    )


def add_admin_commands(commands: Commands[Any], parser_class: ParserClass) -> None:
    """sync, advisories, keys, receipt, verify, signing-keys and db."""
    _add_data_commands(commands, parser_class)
    _add_keys(commands, parser_class)
    _add_receipt_commands(commands, parser_class)
    db = commands.add_parser("db", help="database schema", epilog=examples("trustsvc db upgrade"))
    db_commands = db.add_subparsers(dest="db_command", required=True, parser_class=parser_class)
    db_commands.add_parser(
        "upgrade",
        help="migrate the schema to the latest revision (TRUSTSVC_DATABASE_URL)",
        epilog=examples(
            "trustsvc db upgrade",
            "TRUSTSVC_DATABASE_URL=postgresql+asyncpg://app@db/trustsvc trustsvc db upgrade",
        ),
    )


def _add_data_commands(commands: Commands[Any], parser_class: ParserClass) -> None:
    sync = commands.add_parser(
        "sync",
        help="import servers from the upstream MCP registry",
        epilog=examples("trustsvc sync", "trustsvc sync --registry http://127.0.0.1:9000 --full"),
    )
    sync.add_argument(
        "--registry",
        metavar="URL",
        help="upstream base URL (replaces TRUSTSVC_REGISTRY_URL; default: that setting, "
        "else the official registry)",
    )
    sync.add_argument(
        "--full",
        action="store_true",
        help="walk every page, deleted rows included (default: from the last watermark)",
    )
    advisories = commands.add_parser(
        "advisories",
        help="OSV advisory data",
        epilog=examples("trustsvc advisories import PyPI-all.zip npm-all.zip"),
    )
    advisory_commands = advisories.add_subparsers(
        dest="advisories_command", required=True, parser_class=parser_class
    )
    advisory_import = advisory_commands.add_parser(
        "import",
        help="import OSV records from zips, folders, .json files or URLs",
        epilog=examples(
            "trustsvc advisories import PyPI-all.zip",
            "trustsvc advisories import ./osv-records/ GHSA-xxxx.json",
        ),
    )
    advisory_import.add_argument(
        "sources",
        nargs="+",
        metavar="PATH|URL",
        help="OSV's per-ecosystem all.zip, a folder of records, a .json file, or an http(s) URL",
    )


def _add_keys(commands: Commands[Any], parser_class: ParserClass) -> None:
    keys = commands.add_parser(
        "keys",
        help="API keys: create, list, revoke",
        epilog=examples("trustsvc keys create --name ci --scope scan", "trustsvc keys list"),
    )
    key_commands = keys.add_subparsers(
        dest="keys_command", required=True, parser_class=parser_class
    )
    key_create = key_commands.add_parser(
        "create",
        help="mint a key and print it once",
        epilog=examples(
            "trustsvc keys create --name ops --scope admin",
            "trustsvc keys create --name agent --scope read --expires-in 30",
        ),
    )
    key_create.add_argument("--name", required=True, help="who or what uses it (audit log)")
    key_create.add_argument(
        "--scope",
        action="append",
        choices=[scope.value for scope in Scope],
        required=True,
        help="read < scan < admin, each including the ones before; repeatable",
    )
    key_create.add_argument(
        "--expires-in", type=float, metavar="DAYS", help="lifetime in days (default: never)"
    )
    key_list = key_commands.add_parser(
        "list",
        help="keys without their secrets",
        epilog=examples("trustsvc keys list", "trustsvc keys list --all --format json"),
    )
    key_list.add_argument("--all", action="store_true", help="include revoked keys")
    format_option(key_list, "table", "json")
    key_revoke = key_commands.add_parser(
        "revoke",
        help="revoke a key by id or name",
        epilog=examples("trustsvc keys revoke ci"),
    )
    key_revoke.add_argument("key", metavar="KEY_ID|NAME", help="the key's id or its name")


def _add_receipt_commands(commands: Commands[Any], parser_class: ParserClass) -> None:
    """receipt, verify and signing-keys: signed scan receipts and their keys."""
    receipt = commands.add_parser(
        "receipt",
        help="print the signed receipt of a stored scan",
        epilog=examples(
            "trustsvc receipt SCAN_ID > receipt.json",
            "trustsvc receipt SCAN_ID --format server-json",
        ),
    )
    receipt.add_argument("scan_id", metavar="SCAN_ID", help="a stored scan's id")
    receipt.add_argument(
        "--format",
        choices=("receipt", "server-json"),
        default="receipt",
        help="the receipt, or a server.json _meta fragment carrying it",
    )
    verify = commands.add_parser(
        "verify",
        help="check a receipt's signature and freshness",
        epilog=examples(
            "trustsvc verify receipt.json",
            "trustsvc verify server.json --keys https://trust.example.com/.well-known/jwks.json",
        ),
    )
    verify.add_argument("file", metavar="FILE", help="a receipt or a server.json; - for stdin")
    verify.add_argument(
        "--keys",
        metavar="URL|FILE",
        help="the issuer's JWKS (default: this installation's key file, TRUSTSVC_SIGNING_KEY_FILE)",
    )
    verify.add_argument(
        "--at", metavar="TIME", help="verify as of this RFC 3339 time (default: now)"
    )
    signing = commands.add_parser(
        "signing-keys",
        help="receipt signing keys: list, rotate",
        epilog=examples("trustsvc signing-keys list", "trustsvc signing-keys rotate"),
    )
    signing_commands = signing.add_subparsers(
        dest="signing_keys_command", required=True, parser_class=parser_class
    )
    signing_list = signing_commands.add_parser(
        "list",
        help="key ids, state and dates",
        epilog=examples("trustsvc signing-keys list --format json"),
    )
    format_option(signing_list, "table", "json")
    signing_rotate = signing_commands.add_parser(
        "rotate",
        help="retire the signing key (it keeps verifying) and start a new one",
        epilog=examples("trustsvc signing-keys rotate --retain-days 30"),
    )
    signing_rotate.add_argument(
        "--retain-days",
        type=float,
        default=90.0,
        metavar="DAYS",
        help="how long retired keys still verify",
    )
