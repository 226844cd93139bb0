"""`trustsvc check-domain`: what the domain family sees for a host or URL, without a scan.

The lexical lookalike verdict always comes first and needs no network. Unless `--offline`
is given, the same collector a scan uses then asks the configured sources (RDAP or WHOIS,
the resolver, blocklists and feeds) and the document adds their facts and the domain
probes' findings. Nothing is stored and the endpoint itself is never contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import enum
import json
from typing import TYPE_CHECKING, Any

from probes.domain.lookalike import LookalikeVerdict, detect_lookalike, endpoint_of
from probes.domain.trusted import TrustedList, default_trusted
from probes.errors import TargetRejected
from trustsvc.commands.errors import EXIT_OK, UsageError
from trustsvc.config.domain import domain_sources, trusted_list
from trustsvc.config.settings import Settings

if TYPE_CHECKING:
    from probes.context import ProbeContext
    from probes.domain.observation import DomainObservation
    from probes.domain.sources import DomainSources

# `--offline` imports only the lexical check; the collector, the probes and the scan's
# context (aiohttp, dnspython, python-whois) are imported when the network is asked.

OFFLINE_NOTE = "offline: network facts (registration, DNS, reputation) were not asked"


def check_domain(name: str, trusted: TrustedList | None = None) -> LookalikeVerdict:
    """The lexical verdict for a host or URL; raises TargetRejected for unusable input."""
    return detect_lookalike(name, trusted if trusted is not None else default_trusted())


async def network_facts(name: str, sources: DomainSources, ctx: ProbeContext) -> dict[str, Any]:
    """The domain collector's facts and the probes' findings for `name`.

    The endpoint is not connected to, so the target carries no addresses: only the sources
    (registries, resolver, blocklists) are asked, each under the network policy.
    """
    from probes.domain.collect import DomainCollector  # noqa: PLC0415 - see the module note
    from probes.domain.family import DOMAIN_PROBES  # noqa: PLC0415
    from probes.family import FamilySpec  # noqa: PLC0415
    from probes.model import Family  # noqa: PLC0415
    from probes.runner import judge_observation  # noqa: PLC0415
    from probes.target import Target  # noqa: PLC0415

    target = Target(endpoint=endpoint_of(name), addresses=())
    collector = DomainCollector(sources)
    observation = await collector(target, ctx)
    family = FamilySpec(Family.DOMAIN, collector, DOMAIN_PROBES)
    findings = judge_observation(family, observation)
    return {
        **_facts(observation),
        "findings": [
            {"probe_id": f.probe_id, "outcome": f.outcome.value, "message": f.message}
            for f in findings
        ],
    }


def as_document(verdict: LookalikeVerdict, facts: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON document `--format json` prints; `facts` None means offline."""
    return {
        "domain": verdict.domain,
        "registrable_domain": verdict.registrable_domain,
        "lookalike_of": verdict.lookalike_of,
        "technique": verdict.technique,
        "engine": verdict.engine,
        "applicable": verdict.applicable,
        "reason": verdict.reason,
        "network_facts": facts,
        "note": OFFLINE_NOTE if facts is None else None,
    }


def render(verdict: LookalikeVerdict, fmt: str, facts: dict[str, Any] | None = None) -> str:
    """The verdict (and facts) as JSON, or as aligned `key: value` lines and a findings list."""
    document = as_document(verdict, facts)
    if fmt == "json":
        return json.dumps(document, indent=2)
    head = {key: value for key, value in document.items() if key != "network_facts"}
    width = max(map(len, head))
    lines = [f"{key:<{width}}  {'-' if value is None else value}" for key, value in head.items()]
    if facts is not None:
        lines.append("")
        lines += [f"{f['outcome']:<14}  {f['probe_id']}: {f['message']}" for f in facts["findings"]]
    return "\n".join(lines)


def _facts(observation: DomainObservation) -> dict[str, Any]:
    parts = ("registration", "dns", "reputation")
    return {part: _plain(getattr(observation, part)) for part in parts}


def _plain(value: object) -> Any:  # noqa: ANN401 - JSON-shaped, whatever the dataclass holds
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list | frozenset | set):
        return [_plain(item) for item in value]
    return value


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print what the domain family sees for `args.name`."""
    sources = None if args.offline else domain_sources(settings.domain)
    trusted = trusted_list(settings.domain) if sources is None else sources.trusted
    try:
        verdict = check_domain(args.name, trusted)
    except TargetRejected as exc:
        raise UsageError(f"{args.name!r} is not a usable host or URL: {exc.detail}") from exc
    facts = None
    if sources is not None:
        from trustsvc.scans.families import probe_context  # noqa: PLC0415 - network only

        ctx = probe_context(settings)
        try:
            facts = asyncio.run(network_facts(args.name, sources, ctx))
        finally:
            ctx.close()
    print(render(verdict, args.format, facts))  # noqa: T201 - CLI output
    return EXIT_OK
