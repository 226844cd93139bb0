"""The heavy half of `trustsvc assess`: probe an approved target, print, store, gate."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Mapping

import msgspec

from probes.model import ProbeSpec
from probes.target import EndpointUrl, Target
from trustsvc.commands.errors import EXIT_OK, EXIT_VERDICT
from trustsvc.config.settings import Settings
from trustsvc.reports.build import to_json
from trustsvc.reports.findings import could_not_assess
from trustsvc.reports.sarif import to_sarif
from trustsvc.reports.schema import ScanReport
from trustsvc.reports.text import report_text
from trustsvc.scans.families import probe_context, probe_families
from trustsvc.scans.service import PreparedTarget, ScanService
from trustsvc.services import open_services

VERDICT_RANK = {"allow": 0, "warn": 1, "block": 2}


def assess(
    args: argparse.Namespace,
    settings: Settings,
    endpoint: EndpointUrl,
    target: Target | None,
    unresolved: str | None,
) -> int:
    """Probe the checked target; exit 3 when the verdict reaches `--fail-on`."""
    prepared = PreparedTarget(endpoint=endpoint, target=target, unresolved_detail=unresolved)
    return asyncio.run(_assess(args, settings, prepared))


async def _assess(args: argparse.Namespace, settings: Settings, prepared: PreparedTarget) -> int:
    if args.store:
        async with open_services(settings) as services:
            scan_id = await services.scans.start(prepared, reason="cli")
            report = await services.scans.finish(scan_id, prepared)
            catalogue = services.scans.catalogue
    else:
        families = probe_families(settings)
        ctx = probe_context(settings)
        try:
            service = ScanService(ctx=ctx, families=families)
            report = await service.assess(prepared)
            catalogue = service.catalogue
        finally:
            ctx.close()
    _print_report(report, args.format, catalogue)
    if args.fail_on and (
        VERDICT_RANK[report.verdict] >= VERDICT_RANK[args.fail_on] or could_not_assess(report)
    ):
        return EXIT_VERDICT  # fail closed: an unmeasured endpoint passes no threshold
    return EXIT_OK


def _print_report(report: ScanReport, fmt: str, specs: Mapping[str, ProbeSpec]) -> None:
    if fmt == "json":
        text = json.dumps(msgspec.json.decode(to_json(report)), indent=2)
    elif fmt == "sarif":
        text = json.dumps(to_sarif(report, specs), indent=2)
    else:
        text = report_text(report, specs)
    print(text)  # noqa: T201 - CLI output
