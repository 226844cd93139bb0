"""DNSBL lookups against BIND (directly and through unbound): every code class and failure."""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence

import pytest

from probes.domain.dns_client import DnsConfig
from probes.domain.dnsbl import DnsblZone
from probes.domain.feeds import BlocklistFeed
from probes.domain.reputation_collect import NO_SOURCE, collect_reputation
from probes.domain.reputation_observation import ReputationObservation
from probes.domain.reputation_probes import (
    ALL_LISTINGS,
    CATEGORY,
    CODE,
    LIST,
    LISTINGS,
    MATCHED_NAME,
    MEANING,
    REASON,
    REPUTATION_PROBES,
    SOURCES_ANSWERED,
    SOURCES_FAILED,
)
from probes.model import Finding, Outcome
from tests.integration.domain_reputation.conftest import (
    DBL,
    GENERIC,
    NOW,
    OUTSIDE,
    PHISH_REASON,
    queries_received,
)

T, F, NA, NAV = Outcome.TRUE, Outcome.FALSE, Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE
MALICIOUS, LOW = (probe.spec.id for probe in REPUTATION_PROBES)


async def lookup(
    dns: DnsConfig,
    host: str,
    domain: str | None = None,
    zones: Sequence[DnsblZone] = (DBL,),
    feeds: Sequence[BlocklistFeed] = (),
) -> ReputationObservation:
    registrable = host if domain is None else domain
    return await collect_reputation(
        host, registrable, zones=zones, feeds=feeds, dns=dns, observed_at=NOW
    )


def findings(seen: ReputationObservation) -> dict[str, Finding]:
    return {probe.spec.id: probe.judge(seen)[0] for probe in REPUTATION_PROBES}


def outcomes(seen: ReputationObservation) -> tuple[Outcome, Outcome]:
    found = findings(seen)
    return found[MALICIOUS].outcome, found[LOW].outcome


@pytest.fixture(params=["unbound", "bind"])
def dns(request: pytest.FixtureRequest) -> DnsConfig:
    config: DnsConfig = request.getfixturevalue(f"via_{request.param}")
    return config


LISTED = [
    ("phish-lab.com", (T, F), "127.0.1.4", "malicious", "phishing domain"),
    ("malware-lab.com", (T, F), "127.0.1.5", "malicious", "malware domain"),
    ("botnet-lab.com", (T, F), "127.0.1.6", "malicious", "botnet C&C domain"),
    ("spammy-lab.com", (F, T), "127.0.1.2", "low_reputation", "low-reputation domain"),
    ("abused-lab.org", (F, T), "127.0.1.103", "abused_legit", "abused legitimate redirector"),
    (
        "new-lab.com",
        (F, T),
        "127.0.2.5",
        "zero_reputation",
        "zero-reputation domain (first seen in the last 24 h)",
    ),
    (
        "odd-lab.com",
        (F, T),
        "127.0.1.77",
        "unknown_code",
        "listed with a return code of unknown meaning",
    ),
]


@pytest.mark.parametrize(
    ("domain", "expected", "code", "category", "meaning"), LISTED, ids=[c[0] for c in LISTED]
)
async def test_listing_codes(
    dns: DnsConfig,
    domain: str,
    expected: tuple[Outcome, Outcome],
    code: str,
    category: str,
    meaning: str,
) -> None:
    seen = await lookup(dns, domain)
    assert outcomes(seen) == expected
    assert seen.zones_answered == (DBL.zone,)
    assert seen.problems == ()
    bad = next(f for f in findings(seen).values() if f.outcome is T)
    assert bad.evidence[LIST] == DBL.zone
    assert bad.evidence[CODE] == code
    assert bad.evidence[CATEGORY] == category
    assert bad.evidence[MEANING] == meaning
    assert bad.evidence[MATCHED_NAME] == domain
    assert bad.evidence[LISTINGS] == 1


async def test_reason_text_comes_from_txt(dns: DnsConfig) -> None:
    phish = findings(await lookup(dns, "phish-lab.com"))[MALICIOUS]
    assert phish.evidence[REASON] == PHISH_REASON
    assert phish.message == f"phish-lab.com is listed by {DBL.zone}: phishing domain (127.0.1.4)."
    spammy = findings(await lookup(dns, "spammy-lab.com"))[LOW]
    assert spammy.evidence[REASON] == "low reputationsecond string"  # one record's strings join
    no_txt = findings(await lookup(dns, "abused-lab.org"))[LOW]
    assert no_txt.evidence[REASON] is None


async def test_unlisted_domain_is_clean(dns: DnsConfig) -> None:
    seen = await lookup(dns, "clean-lab.com")
    assert outcomes(seen) == (F, F)
    assert (seen.listings, seen.problems) == ((), ())
    finding = findings(seen)[MALICIOUS]
    assert finding.message == f"Not listed by {DBL.zone}."
    assert finding.evidence[SOURCES_ANSWERED] == DBL.zone
    assert finding.evidence[SOURCES_FAILED] is None


ERRORS = [
    ("refused-lab.com", "127.255.255.254 (error: query refused (public or open resolver"),
    ("ratelimited-lab.com", "127.255.255.255 (error: excessive number of queries)"),
    ("typo-lab.com", "127.255.255.252 (error: typing error in the zone name)"),
    ("ipquery-lab.com", "127.0.1.255 (error: IP query against a domain list)"),
    ("weird-lab.com", "10.1.2.3 (error: answer outside 127.0.0.0/8 (NXDOMAIN rewritten?))"),
    ("mixed-lab.com", "127.255.255.254 (error: query refused"),
]


@pytest.mark.parametrize(("domain", "problem"), ERRORS, ids=[c[0] for c in ERRORS])
async def test_error_codes_are_a_failed_zone_never_a_listing(
    dns: DnsConfig, domain: str, problem: str
) -> None:
    seen = await lookup(dns, domain)
    assert outcomes(seen) == (NAV, NAV)
    assert seen.listings == ()
    assert (seen.zones_answered, seen.zones_failed) == ((), (DBL.zone,))
    (recorded,) = seen.problems
    assert recorded.startswith(f"{DBL.zone} ({domain}): answered ")
    assert problem in recorded
    assert findings(seen)[MALICIOUS].evidence[SOURCES_FAILED] == recorded


async def test_error_code_in_one_zone_while_another_answers(dns: DnsConfig) -> None:
    seen = await lookup(dns, "refused-lab.com", zones=(DBL, GENERIC))
    assert outcomes(seen) == (F, F)
    assert (seen.zones_answered, seen.zones_failed) == ((GENERIC.zone,), (DBL.zone,))
    message = findings(seen)[LOW].message
    assert message == f"Not listed by {GENERIC.zone}. Not checked: {DBL.zone} failed."


async def test_generic_zone(dns: DnsConfig) -> None:
    seen = await lookup(dns, "generic-lab.net", zones=(DBL, GENERIC))
    assert outcomes(seen) == (F, T)
    low = findings(seen)[LOW]
    assert (low.evidence[LIST], low.evidence[CODE]) == (GENERIC.zone, "127.0.0.2")
    assert low.evidence[MEANING] == "listed (generic DNSBL answer)"
    assert low.evidence[REASON] == "listed by the generic lab list"


async def test_listed_by_two_zones(dns: DnsConfig) -> None:
    seen = await lookup(dns, "spammy-lab.com", zones=(DBL, GENERIC))
    low = findings(seen)[LOW]
    assert low.outcome is T
    assert low.evidence[LISTINGS] == 2
    assert low.evidence[ALL_LISTINGS] == (
        f"{DBL.zone}: spammy-lab.com 127.0.1.2; {GENERIC.zone}: spammy-lab.com 127.0.0.2"
    )


async def test_host_listed_through_its_registrable_domain(dns: DnsConfig) -> None:
    seen = await lookup(dns, "MCP.Phish-Lab.com.", "phish-lab.com")
    assert seen.host == "mcp.phish-lab.com"
    assert outcomes(seen) == (T, F)
    assert findings(seen)[MALICIOUS].evidence[MATCHED_NAME] == "phish-lab.com"


async def test_host_listed_when_its_domain_is_not(dns: DnsConfig) -> None:
    seen = await lookup(dns, "mcp.hostonly-lab.com", "hostonly-lab.com")
    assert outcomes(seen) == (T, F)
    malicious = findings(seen)[MALICIOUS]
    assert malicious.evidence[MATCHED_NAME] == "mcp.hostonly-lab.com"
    assert malicious.evidence[CODE] == "127.0.1.5"
    clean_sibling = await lookup(dns, "api.hostonly-lab.com", "hostonly-lab.com")
    assert outcomes(clean_sibling) == (F, F)


async def test_zone_outside_the_lab_is_refused(via_unbound: DnsConfig) -> None:
    seen = await lookup(via_unbound, "phish-lab.com", zones=(OUTSIDE,))
    assert outcomes(seen) == (NAV, NAV)
    assert seen.problems == (f"{OUTSIDE.zone} (phish-lab.com): the resolver failed: REFUSED",)
    assert findings(seen)[MALICIOUS].message == (
        "No reputation data: every configured source failed."
    )


async def test_one_zone_refused_while_another_answers(via_unbound: DnsConfig) -> None:
    seen = await lookup(via_unbound, "mcp.phish-lab.com", "phish-lab.com", zones=(OUTSIDE, DBL))
    assert outcomes(seen) == (T, F)
    assert (seen.zones_answered, seen.zones_failed) == ((DBL.zone,), (OUTSIDE.zone,))
    assert seen.problems == (
        f"{OUTSIDE.zone} (phish-lab.com): the resolver failed: REFUSED",
        f"{OUTSIDE.zone} (mcp.phish-lab.com): the resolver failed: REFUSED",
    )


async def test_a_silent_resolver_times_out_within_bounds(silent_port: int) -> None:
    dns = DnsConfig(nameservers=("127.0.0.1",), port=silent_port, timeout_s=0.3)
    started = time.monotonic()
    seen = await lookup(dns, "mcp.phish-lab.com", "phish-lab.com", zones=(DBL, GENERIC))
    elapsed = time.monotonic() - started
    assert elapsed < 1.5
    assert outcomes(seen) == (NAV, NAV)
    assert seen.zones_failed == (DBL.zone, GENERIC.zone)
    assert len(seen.problems) == 4
    assert all(problem.endswith(": timed out") for problem in seen.problems)


async def test_label_replaces_the_zone_in_evidence(via_bind: DnsConfig) -> None:
    labelled = DnsblZone(DBL.zone, label="lab-dbl")
    seen = await lookup(via_bind, "phish-lab.com", zones=(labelled,))
    malicious = findings(seen)[MALICIOUS]
    assert malicious.evidence[LIST] == "lab-dbl"
    assert DBL.zone not in str(malicious.evidence)
    assert DBL.zone not in malicious.message


async def test_no_registrable_domain_is_not_applicable(
    silent_sink: socket.socket, silent_port: int
) -> None:
    dns = DnsConfig(nameservers=("127.0.0.1",), port=silent_port, timeout_s=5.0)
    seen = await collect_reputation(
        "203.0.113.7", None, zones=(DBL,), feeds=(), dns=dns, observed_at=NOW
    )
    assert queries_received(silent_sink) == 0
    assert outcomes(seen) == (NA, NA)
    assert seen.not_applicable_reason is not None


async def test_no_source_configured_is_not_available(via_bind: DnsConfig) -> None:
    seen = await lookup(via_bind, "phish-lab.com", zones=())
    assert outcomes(seen) == (NAV, NAV)
    assert seen.unavailable_reason == NO_SOURCE
