"""`trustsvc assess URL`: probe one endpoint and print the result (stored with --store)."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import re
from collections.abc import Mapping

import msgspec

from probes.model import ProbeSpec
from trustsvc.commands.errors import EXIT_OK, EXIT_VERDICT, UsageError
from trustsvc.config.settings import Settings
from trustsvc.reports.build import to_json
from trustsvc.reports.sarif import to_sarif
from trustsvc.reports.schema import ScanReport
from trustsvc.reports.text import report_text
from trustsvc.scans.families import probe_context, probe_families
from trustsvc.scans.service import ScanService
from trustsvc.services import open_services

_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 token
VERDICT_RANK = {"allow": 0, "warn": 1, "block": 2}


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Assess `args.url`; exit 3 when the verdict reaches `--fail-on`."""
    return asyncio.run(_assess(args, _assess_settings(args, settings)))


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
            ctx.close()
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
