"""`trustsvc assess URL`: probe one endpoint and print the result (stored with --store).

This module is the light half: options, headers and the URL's policy check, so a refused
URL answers before the scan machinery (SQLAlchemy, sslyze, the families) is imported.
trustsvc/commands/assess_run.py probes, prints and stores.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import re

from probes.errors import Unreachable
from probes.netpolicy import resolve_target, system_resolver
from probes.target import EndpointUrl, Target, parse_endpoint_url
from trustsvc.commands.errors import UsageError
from trustsvc.config.settings import Settings
from trustsvc.config.trust import checked_ca_file

_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 token


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Assess `args.url`; exit 3 when the verdict reaches `--fail-on`."""
    settings = _assess_settings(args, settings)
    endpoint, target, unresolved = asyncio.run(_check(args.url, settings))
    from trustsvc.commands.assess_run import assess  # noqa: PLC0415 - see the module note

    return assess(args, settings, endpoint, target, unresolved)


async def _check(raw_url: str, settings: Settings) -> tuple[EndpointUrl, Target | None, str | None]:
    """Normalise and policy-check the URL (TargetRejected); an unresolved host is a result."""
    endpoint = parse_endpoint_url(raw_url)
    try:
        target = await resolve_target(endpoint, settings.probes.policy, system_resolver)
    except Unreachable as exc:
        return endpoint, None, exc.detail
    return endpoint, target, None


def _assess_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    probes = settings.probes
    if args.allow_private:
        probes = dataclasses.replace(
            probes, policy=dataclasses.replace(probes.policy, allow_private=True)
        )
    if args.ca_file is not None:
        probes = dataclasses.replace(probes, ca_file=checked_ca_file(args.ca_file, "--ca-file"))
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
