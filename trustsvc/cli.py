"""The `trustsvc` command: serve, worker, assess, check-tools, check-domain, demo, sync, keys, db.

Exit codes: 0 done, 2 usage error or refused target (one line, never a traceback), 3 the
verdict reached `--fail-on`, 1 anything unexpected (one line; details with TRUSTSVC_DEBUG=1).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import re
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import msgspec

from probes.errors import TargetRejected
from probes.model import ProbeSpec
from trustsvc.auth.cli import (
    BindRefused,
    bind_settings,
    create_key,
    is_loopback,
    list_keys,
    revoke_key,
)
from trustsvc.auth.principal import Scope
from trustsvc.auth.repository import KeyRequestError
from trustsvc.config.access import AuthMode
from trustsvc.config.domain import domain_sources
from trustsvc.config.env import MAX_PORT
from trustsvc.config.settings import Settings, SettingsError, load_settings
from trustsvc.observability.logs import configure_logging
from trustsvc.reports.build import to_json
from trustsvc.reports.sarif import to_sarif
from trustsvc.reports.schema import ScanReport
from trustsvc.reports.text import report_text
from trustsvc.scans.families import probe_context, probe_families
from trustsvc.scans.service import ScanService
from trustsvc.services import open_services

_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 token
EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_VERDICT = 3
VERDICT_RANK = {"allow": 0, "warn": 1, "block": 2}


class UsageError(Exception):
    """Bad command-line input: reported in one line with exit code 2."""


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

    check = commands.add_parser("check-tools", help="judge a saved tools/list result offline")
    check.add_argument("path", help="a tools/list result or array of tools (JSON); - for stdin")
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

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    db_commands.add_parser("upgrade", help="migrate the schema to the latest revision")
    return parser


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


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:  # noqa: C901, PLR0911 - one per command
    if args.command == "check-tools":
        return _check_tools(args)
    if args.command == "check-domain":
        return _check_domain(args, settings)
    if args.command == "assess":
        return asyncio.run(_assess(args, _assess_settings(args, settings)))
    if args.command == "serve":
        from trustsvc.serve import serve  # noqa: PLC0415 - uvicorn is only needed here

        configure_logging(settings.observability)
        serve(asyncio.run(_bind(settings, args.host)), host=args.host, port=args.port)
        return EXIT_OK
    if args.command == "keys":
        return asyncio.run(_keys(args, settings))
    if args.command == "demo":
        from trustsvc.demo import run_demo  # noqa: PLC0415 - lab servers only for the demo

        if not args.no_serve:
            settings = asyncio.run(_bind(settings, args.host))
        return asyncio.run(
            run_demo(settings, host=args.host, port=args.port, serve=not args.no_serve)
        )
    if args.command == "sync":
        return asyncio.run(_sync(args, settings))
    if args.command == "worker":
        return _worker(args, settings)
    if args.command == "advisories":
        return asyncio.run(_advisories(args, settings))
    return asyncio.run(_db(settings))


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    from trustsvc.workercli import run_worker  # noqa: PLC0415 - only this command

    observability = settings.observability
    if args.metrics_port is not None:
        if not 0 <= args.metrics_port <= MAX_PORT:
            raise UsageError(f"--metrics-port must be a port number, got {args.metrics_port}")
        observability = dataclasses.replace(observability, metrics_port=args.metrics_port)
    if args.metrics_host:
        observability = dataclasses.replace(observability, metrics_host=args.metrics_host)
    configure_logging(observability)
    settings = dataclasses.replace(settings, observability=observability)
    return asyncio.run(run_worker(settings, once=args.once))


def _assess_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    probes = settings.probes
    if args.allow_private:
        probes = dataclasses.replace(
            probes, policy=dataclasses.replace(probes.policy, allow_private=True)
        )
    if args.ca_file is not None:
        if not args.ca_file.is_file():
            raise UsageError(f"--ca-file {args.ca_file} is not a readable file")
        probes = dataclasses.replace(probes, ca_file=args.ca_file)
    if args.header:
        probes = dataclasses.replace(probes, extra_headers=_headers(args.header))
    if args.timeout is not None:
        if args.timeout <= 0:
            raise UsageError("--timeout must be positive")
        limits = dataclasses.replace(
            probes.limits,
            family_budget_s=args.timeout,
            network_timeout_s=min(probes.limits.network_timeout_s, args.timeout / 2),
        )
        probes = dataclasses.replace(probes, limits=limits)
    return dataclasses.replace(settings, probes=probes)


def _headers(raw: list[str]) -> dict[str, str]:
    """Parse `NAME: VALUE` options; the error names the header, never its value."""
    headers: dict[str, str] = {}
    for item in raw:
        name, sep, value = item.partition(":")
        name, value = name.strip(), value.strip()
        if not sep or not _HEADER_NAME.fullmatch(name) or not value or "\n" in value:
            shown = name if _HEADER_NAME.fullmatch(name) else "(invalid name)"
            raise UsageError(f"--header {shown}: expected 'NAME: VALUE'")
        headers[name] = value
    return headers


async def _assess(args: argparse.Namespace, settings: Settings) -> int:
    if args.store:
        async with open_services(settings) as services:
            report = await services.scans.run(args.url, reason="cli")
            catalogue = services.scans.catalogue
    else:
        families = probe_families(settings)
        ctx = probe_context(settings)
        try:
            service = ScanService(ctx=ctx, families=families)
            report = await service.assess(await service.prepare(args.url))
            catalogue = service.catalogue
        finally:
            ctx.executor.shutdown(wait=False, cancel_futures=True)
    _print_report(report, args.format, catalogue)
    if args.fail_on and VERDICT_RANK[report.verdict] >= VERDICT_RANK[args.fail_on]:
        return EXIT_VERDICT
    return EXIT_OK


def _print_report(report: ScanReport, fmt: str, specs: Mapping[str, ProbeSpec]) -> None:
    if fmt == "json":
        text = json.dumps(msgspec.json.decode(to_json(report)), indent=2)
    elif fmt == "sarif":
        text = json.dumps(to_sarif(report, specs), indent=2)
    else:
        text = report_text(report, specs)
    print(text)  # noqa: T201 - CLI output


def _check_tools(args: argparse.Namespace) -> int:
    from trustsvc import checktools  # noqa: PLC0415 - only this command needs it

    try:
        text, source = checktools.read_source(args.path)
        check = checktools.check_tools(checktools.parse_tool_list(text))
    except checktools.ToolsInputError as exc:
        raise UsageError(str(exc)) from exc
    print(checktools.render(check, args.format, source))  # noqa: T201 - CLI output
    return EXIT_VERDICT if args.fail_on_poisoned and check.poisoned else EXIT_OK


def _check_domain(args: argparse.Namespace, settings: Settings) -> int:
    from trustsvc import checkdomain  # noqa: PLC0415 - only this command needs it

    sources = domain_sources(settings.domain)
    try:
        verdict = checkdomain.check_domain(args.name, sources.trusted)
    except TargetRejected as exc:
        raise UsageError(f"{args.name!r} is not a usable host or URL: {exc.detail}") from exc
    facts = None
    if not args.offline:
        ctx = probe_context(settings)
        try:
            facts = asyncio.run(checkdomain.network_facts(args.name, sources, ctx))
        finally:
            ctx.executor.shutdown(wait=False, cancel_futures=True)
    print(checkdomain.render(verdict, args.format, facts))  # noqa: T201 - CLI output
    return EXIT_OK


async def _sync(args: argparse.Namespace, settings: Settings) -> int:
    from trustsvc.registry.cli import run_sync  # noqa: PLC0415 - only this command needs it

    report = await run_sync(settings, registry_url=args.registry, full=args.full)
    print(  # noqa: T201 - CLI output
        f"sync {report.status}: {report.mode}, {report.pages} pages, {report.rows} rows "
        f"({report.added} added, {report.changed} changed, {report.unchanged} unchanged, "
        f"{report.rejected} rejected); run {report.id}"
    )
    if report.error:
        print(f"trustsvc: sync failed: {report.error}", file=sys.stderr)  # noqa: T201
        return EXIT_UNEXPECTED
    return EXIT_OK


async def _advisories(args: argparse.Namespace, settings: Settings) -> int:
    from trustsvc.advisories.cli import run_import  # noqa: PLC0415 - only this command
    from trustsvc.advisories.importer import AdvisorySourceError  # noqa: PLC0415

    try:
        summaries = await run_import(settings, list(args.sources))
    except AdvisorySourceError as exc:
        raise UsageError(str(exc)) from exc
    for summary in summaries:
        print(summary.line())  # noqa: T201 - CLI output
    return EXIT_OK


async def _bind(settings: Settings, host: str) -> Settings:
    try:
        bound = await bind_settings(settings, host)
    except BindRefused as exc:
        raise UsageError(str(exc)) from exc
    if bound.access.mode is AuthMode.OPEN and not is_loopback(host):
        print(  # noqa: T201 - CLI output
            f"trustsvc: warning: serving on {host} WITHOUT authentication (TRUSTSVC_AUTH=open)",
            file=sys.stderr,
        )
    return bound


async def _keys(args: argparse.Namespace, settings: Settings) -> int:
    try:
        if args.keys_command == "create":
            scopes = [Scope(scope) for scope in args.scope]
            text = await create_key(settings, args.name, scopes, args.expires_in)
        elif args.keys_command == "list":
            text = await list_keys(
                settings, include_revoked=args.all, as_json=args.format == "json"
            )
        else:
            text = await revoke_key(settings, args.key)
    except KeyRequestError as exc:
        raise UsageError(str(exc)) from exc
    print(text)  # noqa: T201 - CLI output
    return EXIT_OK


async def _db(settings: Settings) -> int:
    from trustsvc.store.db import make_engine  # noqa: PLC0415
    from trustsvc.store.migrate import upgrade  # noqa: PLC0415

    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    print("database schema is up to date")  # noqa: T201 - CLI output
    return EXIT_OK
