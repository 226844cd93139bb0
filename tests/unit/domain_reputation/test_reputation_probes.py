"""The reputation probes, judged from hand-built observations."""

from __future__ import annotations

import pytest

from probes.domain.dnsbl import ListingKind
from probes.domain.reputation_collect import NO_SOURCE
from probes.domain.reputation_observation import ReputationObservation
from probes.domain.reputation_probes import (
    ALL_LISTINGS,
    CATEGORY,
    CODE,
    HOST,
    LIST,
    LISTINGS,
    MATCHED_NAME,
    MEANING,
    REASON,
    REPUTATION_PROBES,
    SOURCES_ANSWERED,
    SOURCES_FAILED,
)
from probes.model import Family, Finding, Outcome, Severity
from tests.unit.domain_reputation.reputation_cases import (
    FEED_HIT,
    LOW_REPUTATION,
    MALICIOUS,
    NOW,
    REPUTATION_CASES,
    listing,
    observation,
)

NA, NAV, T, F = Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE, Outcome.TRUE, Outcome.FALSE
PROBES = {probe.spec.id: probe for probe in REPUTATION_PROBES}
FAILED = ("dbl.example.net (example.com): timed out",)


def judge(probe_id: str, seen: ReputationObservation) -> Finding:
    findings = PROBES[probe_id].judge(seen)
    assert len(findings) == 1
    return findings[0]


def outcomes(seen: ReputationObservation) -> list[Outcome]:
    return [judge(probe_id, seen).outcome for probe_id in PROBES]


def test_catalogue() -> None:
    specs = [(p.spec.id, p.spec.severity) for p in REPUTATION_PROBES]
    assert specs == [(MALICIOUS, Severity.CRITICAL), (LOW_REPUTATION, Severity.HIGH)]
    assert all(p.spec.family is Family.DOMAIN for p in REPUTATION_PROBES)
    assert all(p.spec.bad_outcome is Outcome.TRUE for p in REPUTATION_PROBES)
    assert all(p.spec.question.endswith("?") for p in REPUTATION_PROBES)


def test_every_spec_has_both_polarities() -> None:
    for probe_id, probe in PROBES.items():
        seen = {outcome for pid, _, outcome in REPUTATION_CASES if pid == probe_id}
        assert {probe.spec.bad_outcome, probe.spec.good_outcome} <= seen, probe_id


@pytest.mark.parametrize(
    ("probe_id", "seen", "expected"),
    REPUTATION_CASES,
    ids=[f"{pid}-{i}" for i, (pid, _, _) in enumerate(REPUTATION_CASES)],
)
def test_case(probe_id: str, seen: ReputationObservation, expected: Outcome) -> None:
    finding = judge(probe_id, seen)
    assert finding.outcome is expected
    assert (finding.remediation is not None) is (expected is T)


def test_malicious_evidence_names_list_code_meaning_name_and_reason() -> None:
    hit = listing(ListingKind.MALICIOUS, matched_name="mcp.example.com", meaning="phishing")
    finding = judge(MALICIOUS, observation(hit))
    assert finding.evidence[LIST] == "dbl.example.net"
    assert finding.evidence[CODE] == "127.0.1.4"
    assert finding.evidence[CATEGORY] == "malicious"
    assert finding.evidence[MEANING] == "phishing"
    assert finding.evidence[MATCHED_NAME] == "mcp.example.com"
    assert finding.evidence[REASON] == "https://check.example.net/example.com"
    assert finding.evidence[LISTINGS] == 1
    assert finding.evidence[HOST] == "mcp.example.com"
    assert finding.message == "mcp.example.com is listed by dbl.example.net: phishing (127.0.1.4)."


def test_feed_listing_evidence_has_no_code() -> None:
    finding = judge(MALICIOUS, observation(FEED_HIT))
    assert (finding.evidence[LIST], finding.evidence[CODE]) == ("urlhaus", None)
    assert finding.evidence[ALL_LISTINGS] == "urlhaus: example.com malicious"


def test_several_listings_are_counted_worst_first() -> None:
    seen = observation(
        listing(ListingKind.ABUSED_LEGIT, "127.0.1.102"),
        listing(ListingKind.ZERO_REPUTATION, "127.0.2.3", source="zrd.example.net"),
    )
    finding = judge(LOW_REPUTATION, seen)
    assert finding.evidence[LISTINGS] == 2
    assert finding.evidence[CODE] == "127.0.1.102"
    assert finding.evidence[ALL_LISTINGS] == (
        "dbl.example.net: example.com 127.0.1.102; zrd.example.net: example.com 127.0.2.3"
    )


def test_not_applicable_without_registrable_domain() -> None:
    seen = ReputationObservation.not_applicable(
        observed_at=NOW, host="203.0.113.7", reason="the host is an IP literal"
    )
    assert outcomes(seen) == [NA, NA]
    assert judge(MALICIOUS, seen).message == "Not applicable: the host is an IP literal."


def test_no_source_configured_is_not_available() -> None:
    seen = ReputationObservation.unavailable(
        observed_at=NOW, host="mcp.example.com", registrable_domain="example.com", reason=NO_SOURCE
    )
    assert outcomes(seen) == [NAV, NAV]
    assert judge(MALICIOUS, seen).message == f"No reputation data: {NO_SOURCE}."


def test_every_source_failed_is_not_available() -> None:
    seen = observation(
        zones_answered=(), zones_failed=("dbl.example.net",), feeds_checked=(), problems=FAILED
    )
    assert outcomes(seen) == [NAV, NAV]
    finding = judge(MALICIOUS, seen)
    assert finding.message == "No reputation data: every configured source failed."
    assert finding.evidence[SOURCES_FAILED] == FAILED[0]


def test_feeds_alone_cannot_clear_low_reputation() -> None:
    seen = observation(zones_answered=())
    assert outcomes(seen) == [F, NAV]
    assert "no DNSBL zone is configured" in judge(LOW_REPUTATION, seen).message


def test_a_failed_zone_is_recorded_when_another_source_answered() -> None:
    seen = observation(zones_failed=("zrd.example.net",), problems=FAILED)
    finding = judge(LOW_REPUTATION, seen)
    assert finding.outcome is F
    assert finding.message == (
        "Not listed by dbl.example.net. Not checked: zrd.example.net failed."
    )
    assert finding.evidence[SOURCES_ANSWERED] == "dbl.example.net; urlhaus"
    assert finding.evidence[SOURCES_FAILED] == FAILED[0]


def test_a_listing_counts_even_when_other_zones_failed() -> None:
    hit = listing(ListingKind.MALICIOUS)
    seen = observation(hit, zones_failed=("zrd.example.net",), problems=FAILED)
    assert outcomes(seen) == [T, F]


def test_error_kind_never_counts_as_a_listing() -> None:
    # The collector never builds ERROR listings; if one slipped in, neither probe reads it.
    assert outcomes(observation(listing(ListingKind.ERROR, "127.255.255.254"))) == [F, F]
