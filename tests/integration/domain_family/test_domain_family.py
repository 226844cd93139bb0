"""The domain family end to end, as a deployment configures it.

Settings name a real DNS lab (BIND behind a validating unbound), a loopback RDAP server with
documents dated relative to now, a DNS blocklist zone and a feed file; the family built from
them is judged and scored. Targets are pinned to 127.0.0.1 and never resolved: the lab's
A records are only read, never connected to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from probes.context import ProbeContext
from probes.domain.collect import DomainCollector
from probes.family import FamilySpec
from probes.model import Family, Finding, Outcome
from probes.runner import run_families
from probes.target import Target, parse_endpoint_url
from tests.integration.domain_family.conftest import DBL
from tests.servers.dnslab import DnsLab
from trustsvc.config.domain import DomainSettings
from trustsvc.config.settings import Settings
from trustsvc.scans.families import probe_families
from trustsvc.scans.service import ScanService
from trustsvc.scoring.types import Verdict


async def pinned(host: str, port: int) -> list[str]:
    """Every target host is the loopback machine; the DNS lab answers the family's questions."""
    del host, port
    return ["127.0.0.1"]


def deployment(lab: DnsLab, rdap_url: str, feed: Path) -> Settings:
    return Settings(
        domain=DomainSettings(
            lookups=True,
            nameservers=("127.0.0.1",),
            dns_port=lab.resolver_port,
            dns_timeout_s=2.0,
            rdap_base_url=rdap_url,
            whois=False,
            dnsbl_zones=(DBL,),
            feeds=(feed,),
        )
    )


def domain_of(families: tuple[FamilySpec[Any], ...]) -> FamilySpec[Any]:
    return next(family for family in families if family.family is Family.DOMAIN)


def target(url: str) -> Target:
    return Target(endpoint=parse_endpoint_url(url), addresses=("127.0.0.1",))


async def judged(family: FamilySpec[Any], url: str, ctx: ProbeContext) -> dict[str, Finding]:
    result = await run_families(target(url), ctx, [family])
    assert [a.status for a in result.attempts] == ["completed"], result.attempts
    return {finding.probe_id: finding for finding in result.findings}


def outcomes(findings: dict[str, Finding]) -> dict[str, Outcome]:
    return {probe_id: finding.outcome for probe_id, finding in findings.items()}


async def test_an_established_signed_domain_is_clean_on_every_probe(
    lab: DnsLab, rdap: tuple[str, list[str]], feed: Path, ctx: ProbeContext
) -> None:
    family = domain_of(probe_families(deployment(lab, rdap[0], feed), pinned))
    found = await judged(family, "https://mcp.old-lab.com/mcp", ctx)
    assert set(outcomes(found).values()) == {Outcome.FALSE}, outcomes(found)
    assert found["domain_lacks_dnssec"].evidence["dnssec_validated"] is True
    assert found["domain_registered_within_90_days"].evidence["source"] == "rdap"
    assert found["domain_registered_within_90_days"].evidence["age_days"] == pytest.approx(
        9000, abs=1
    )


async def test_a_week_old_lookalike_warns_and_is_capped_at_d(
    lab: DnsLab, rdap: tuple[str, list[str]], feed: Path, ctx: ProbeContext
) -> None:
    families = probe_families(deployment(lab, rdap[0], feed), pinned)
    service = ScanService(ctx=ctx, families=(domain_of(families),), resolver=pinned)
    report = await service.assess(await service.prepare("https://mcp.npnjs.com/mcp"))
    by_id = {finding.probe_id: finding for finding in report.findings}
    assert by_id["domain_registered_within_7_days"].outcome == "true"
    assert by_id["domain_is_lookalike_of_trusted_domain"].evidence["lookalike_of"] == "npmjs.com"
    assert by_id["domain_lacks_caa"].outcome == "true"
    gates = {gate.id for gate in report.gates}
    assert {"domain.new_7d", "domain.new_30d", "domain.lookalike"} <= gates
    assert "domain.dbl_malicious" not in gates
    assert report.verdict == Verdict.WARN
    identity = next(d for d in report.dimensions if d.name == "identity")
    assert identity.score == 0  # age base 10, lookalike -40
    assert identity.evidence["base"] == 10


async def test_a_phishing_listing_blocks_and_a_feed_listing_is_malicious(
    lab: DnsLab, rdap: tuple[str, list[str]], feed: Path, ctx: ProbeContext
) -> None:
    families = probe_families(deployment(lab, rdap[0], feed), pinned)
    service = ScanService(ctx=ctx, families=(domain_of(families),), resolver=pinned)
    report = await service.assess(await service.prepare("https://mcp.phish-lab.com/"))
    listed = next(f for f in report.findings if f.probe_id == "domain_listed_as_malicious")
    assert listed.outcome == "true"
    assert (listed.evidence["list"], listed.evidence["code"]) == (DBL, "127.0.1.4")
    assert report.verdict == Verdict.BLOCK
    assert "domain.dbl_malicious" in {gate.id for gate in report.gates}

    found = await judged(domain_of(families), "https://mcp.feedlisted.org/", ctx)
    assert found["domain_listed_as_malicious"].outcome is Outcome.TRUE
    assert found["domain_listed_as_malicious"].evidence["list"] == "urlhaus"


async def test_registration_is_asked_once_per_registrable_domain(
    lab: DnsLab, rdap: tuple[str, list[str]], feed: Path, ctx: ProbeContext
) -> None:
    family = domain_of(probe_families(deployment(lab, rdap[0], feed), pinned))
    first = await judged(family, "https://mcp.old-lab.com/", ctx)
    second = await judged(family, "https://api.old-lab.com/", ctx)
    assert rdap[1] == ["old-lab.com"]
    collector = family.collect
    assert isinstance(collector, DomainCollector)
    assert (collector.registrations.hits, collector.registrations.misses) == (1, 1)
    assert (collector.dns.misses, collector.reputation.misses) == (2, 2)
    age = "domain_registered_within_90_days"
    assert first[age].evidence["age_days"] == second[age].evidence["age_days"]
    assert second[age].subject == first[age].subject


async def test_a_registry_outage_leaves_the_other_parts_measured(
    lab: DnsLab, feed: Path, ctx: ProbeContext
) -> None:
    closed = "http://127.0.0.1:9/"  # discard port: nothing listens
    family = domain_of(probe_families(deployment(lab, closed, feed), pinned))
    found = outcomes(await judged(family, "https://mcp.old-lab.com/", ctx))
    registration = [pid for pid in found if pid.startswith("domain_registered")]
    assert {found[pid] for pid in registration} == {Outcome.NOT_AVAILABLE}
    assert found["domain_lacks_dnssec"] is Outcome.FALSE
    assert found["domain_listed_as_malicious"] is Outcome.FALSE
    assert found["domain_is_lookalike_of_trusted_domain"] is Outcome.FALSE


async def test_built_in_code_the_settings_ask_no_network_source(ctx: ProbeContext) -> None:
    family = domain_of(probe_families(Settings(), pinned))
    found = await judged(family, "https://mcp.npnjs.com/", ctx)
    assert found["domain_is_lookalike_of_trusted_domain"].outcome is Outcome.TRUE
    registered = found["domain_registered_within_7_days"]
    assert registered.outcome is Outcome.NOT_AVAILABLE
    assert "turned off" in registered.message
    assert found["domain_lacks_caa"].outcome is Outcome.NOT_AVAILABLE
    assert "no reputation source" in found["domain_listed_as_malicious"].message


@pytest.mark.parametrize("url", ["https://127.0.0.1:8443/mcp", "https://[::1]:8443/mcp"])
async def test_ip_literal_hosts_have_no_domain_facts(
    url: str, lab: DnsLab, rdap: tuple[str, list[str]], feed: Path, ctx: ProbeContext
) -> None:
    family = domain_of(probe_families(deployment(lab, rdap[0], feed), pinned))
    found = outcomes(await judged(family, url, ctx))
    assert set(found.values()) == {Outcome.NOT_APPLICABLE}
    assert rdap[1] == []


async def test_trailing_dots_and_unicode_hosts_are_asked_by_their_canonical_name(
    lab: DnsLab, rdap: tuple[str, list[str]], feed: Path, ctx: ProbeContext
) -> None:
    family = domain_of(probe_families(deployment(lab, rdap[0], feed), pinned))
    dotted = await judged(family, "https://MCP.NPNJS.COM./mcp", ctx)
    assert dotted["domain_registered_within_7_days"].outcome is Outcome.TRUE
    # U+0430 (Cyrillic a) for the first letter: a homoglyph the registry does not know.
    spoof = await judged(family, "https://mcp.\u0430nthropic.com/", ctx)
    lookalike = spoof["domain_is_lookalike_of_trusted_domain"]
    assert lookalike.outcome is Outcome.TRUE
    assert lookalike.evidence["lookalike_of"] == "anthropic.com"
    registered = spoof["domain_registered_within_7_days"]
    assert registered.outcome is Outcome.NOT_AVAILABLE  # RDAP 404: unknown, never "old"
    assert "no record" in registered.message
    assert rdap[1] == ["npnjs.com", "xn--nthropic-06g.com"]
