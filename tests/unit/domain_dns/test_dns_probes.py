"""The DNS posture probes, judged from hand-built observations."""

from __future__ import annotations

from dataclasses import replace

import pytest

from probes.domain.dns_client import DnsConfig
from probes.domain.dns_collect import collect_dns
from probes.domain.dns_observation import MAX_TEXT, DnsObservation, DnsProblem
from probes.domain.dns_probes import (
    ADDRESSES,
    CAA_NAME,
    CAA_RECORDS,
    CNAME_CHAIN,
    DMARC_POLICY,
    DMARC_RECORDS,
    DNS_PROBES,
    DNSKEY_COUNT,
    DNSSEC_SIGNED,
    DNSSEC_VALIDATED,
    DOMAIN,
    HOST,
    MX_RECORDS,
    NON_PUBLIC,
    PROBLEMS,
    SPF_RECORDS,
)
from probes.model import Family, Finding, Outcome, Probe, Severity
from tests.unit.domain_dns.dns_cases import (
    DNS_CASES,
    NOW,
    PUBLIC_V4,
    UNSIGNED,
    observation,
    resolving,
)

T, F = Outcome.TRUE, Outcome.FALSE
NA, NAV = Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE
PROBES = {probe.spec.id: probe for probe in DNS_PROBES}
NON_PUBLIC_ID = "domain_resolves_to_non_public_address"
DNSSEC_ID = "domain_lacks_dnssec"
CAA_ID = "domain_lacks_caa"
MAIL_ID = "domain_mail_lacks_spf_or_dmarc"
EXPECTED_SPECS = [
    (NON_PUBLIC_ID, Severity.CRITICAL),
    (DNSSEC_ID, Severity.LOW),
    (CAA_ID, Severity.LOW),
    (MAIL_ID, Severity.LOW),
]


def finding(probe_id: str, seen: DnsObservation) -> Finding:
    probe: Probe[DnsObservation] = PROBES[probe_id]
    findings = probe.judge(seen)
    assert len(findings) == 1
    return findings[0]


def judge(probe_id: str, seen: DnsObservation) -> Outcome:
    return finding(probe_id, seen).outcome


def test_catalogue() -> None:
    assert [(p.spec.id, p.spec.severity) for p in DNS_PROBES] == EXPECTED_SPECS
    assert all(p.spec.family is Family.DOMAIN for p in DNS_PROBES)
    assert all(p.spec.bad_outcome is T for p in DNS_PROBES)
    assert all(p.spec.question.endswith("?") and p.spec.references for p in DNS_PROBES)


def test_every_spec_has_both_polarities() -> None:
    for probe_id in PROBES:
        outcomes = {outcome for pid, _, outcome in DNS_CASES if pid == probe_id}
        assert outcomes == {T, F}, probe_id


@pytest.mark.parametrize(("probe_id", "seen", "expected"), DNS_CASES)
def test_polarity(probe_id: str, seen: DnsObservation, expected: Outcome) -> None:
    judged = finding(probe_id, seen)
    assert judged.outcome is expected
    assert (judged.remediation is not None) is (expected is T)


@pytest.mark.parametrize("probe_id", list(PROBES))
def test_ip_literal_is_not_applicable(probe_id: str) -> None:
    seen = DnsObservation.not_applicable(
        observed_at=NOW, host="192.0.2.7", reason="an IP-literal host has no DNS zone"
    )
    judged = finding(probe_id, seen)
    assert judged.outcome is NA
    assert judged.message == "Not applicable: an IP-literal host has no DNS zone."


@pytest.mark.parametrize("probe_id", list(PROBES))
def test_unavailable_is_never_good(probe_id: str) -> None:
    seen = DnsObservation.unavailable(
        observed_at=NOW,
        host="mcp.example.com",
        registrable_domain="example.com",
        reason="DNS lookups are off",
    )
    judged = finding(probe_id, seen)
    assert judged.outcome is NAV
    assert judged.message == "DNS was not asked: DNS lookups are off."
    assert judged.evidence[DOMAIN] == "example.com"


@pytest.mark.parametrize(
    ("probe_id", "seen", "expected"),
    [
        (NON_PUBLIC_ID, observation(ipv6=None), NAV),
        (NON_PUBLIC_ID, observation(ipv4=None, ipv6=None), NAV),
        (NON_PUBLIC_ID, observation(ipv4=(), ipv6=()), NAV),
        (NON_PUBLIC_ID, observation(ipv4=(), ipv6=(), nxdomain=("mcp.example.com",)), NAV),
        (NON_PUBLIC_ID, observation(ipv4=("10.0.0.1",), ipv6=None, non_public=("x",)), T),
        (DNSSEC_ID, observation(dnskey_count=None, dnssec_signed=None, dnssec_validated=None), NAV),
        (DNSSEC_ID, observation(dnssec_signed=None, dnssec_validated=False), NAV),
        (DNSSEC_ID, observation(**UNSIGNED | {"dnssec_validated": True}), F),
        (CAA_ID, observation(caa=None, caa_name=None), NAV),
        (MAIL_ID, observation(mx=None), NAV),
        (MAIL_ID, observation(mx=()), NA),
        (MAIL_ID, observation(mx=(), spf=(), dmarc=()), NA),
        (MAIL_ID, observation(mx=("0 .",), dmarc=()), NA),
        (MAIL_ID, observation(mx=("0 .", "10 mail.example.com")), F),
        (MAIL_ID, observation(spf=None), NAV),
        (MAIL_ID, observation(dmarc=None), NAV),
        (MAIL_ID, observation(dmarc=("v=DMARC1; p=none", "v=DMARC1; p=reject")), T),
    ],
)
def test_unknowns_and_edges(probe_id: str, seen: DnsObservation, expected: Outcome) -> None:
    assert judge(probe_id, seen) is expected


def test_nxdomain_host_says_so() -> None:
    seen = observation(ipv4=(), ipv6=(), nxdomain=("mcp.example.com",), host="MCP.example.com.")
    assert "(NXDOMAIN)" in finding(NON_PUBLIC_ID, seen).message


def test_non_public_evidence() -> None:
    seen = replace(resolving(PUBLIC_V4, "10.0.0.5", "::1"), cname_chain=("edge.example.net",))
    judged = finding(NON_PUBLIC_ID, seen)
    assert judged.evidence == {
        DOMAIN: "example.com",
        HOST: "mcp.example.com",
        PROBLEMS: None,
        ADDRESSES: f"{PUBLIC_V4}; 10.0.0.5; ::1",
        NON_PUBLIC: "10.0.0.5 is a private address; ::1 is a loopback address",
        CNAME_CHAIN: "edge.example.net",
    }
    assert judged.subject == "host:mcp.example.com"
    assert judged.message == (
        "mcp.example.com resolves to non-public addresses: "
        "10.0.0.5 is a private address; ::1 is a loopback address."
    )


def test_dnssec_and_caa_evidence() -> None:
    dnssec = finding(DNSSEC_ID, observation(dnssec_validated=False))
    assert dnssec.evidence[DNSKEY_COUNT] == 2
    assert dnssec.evidence[DNSSEC_SIGNED] is True
    assert dnssec.evidence[DNSSEC_VALIDATED] is False
    assert dnssec.subject == "domain:example.com"
    unsigned = finding(DNSSEC_ID, observation(**UNSIGNED))
    assert unsigned.message == "example.com publishes no DNSKEY records."
    caa = finding(CAA_ID, observation())
    assert caa.evidence[CAA_RECORDS] == '0 issue "letsencrypt.org"'
    assert caa.evidence[CAA_NAME] == "example.com"
    missing = finding(CAA_ID, observation(caa=(), caa_name=None))
    assert missing.evidence[CAA_RECORDS] == ""
    assert missing.message == "No name from mcp.example.com up to example.com has CAA."


def test_mail_evidence_reads_the_dmarc_policy() -> None:
    seen = observation(dmarc=("v=DMARC1;P=Quarantine; pct=50",))
    judged = finding(MAIL_ID, seen)
    assert judged.outcome is F
    assert judged.evidence[DMARC_POLICY] == "quarantine"
    assert judged.evidence[MX_RECORDS] == "10 mail.example.com"
    assert judged.evidence[SPF_RECORDS] == "v=spf1 mx -all"
    assert judged.evidence[DMARC_RECORDS] == "v=DMARC1;P=Quarantine; pct=50"
    assert finding(MAIL_ID, observation(dmarc=("v=DMARC1; rua=x",))).evidence[DMARC_POLICY] is None


def test_failed_questions_show_in_the_evidence_of_the_probes_that_need_them() -> None:
    seen = observation(
        mx=None,
        caa=None,
        problems=(
            DnsProblem(rdtype="MX", name="example.com", reason="SERVFAIL"),
            DnsProblem(rdtype="CAA", name="mcp.example.com", reason="no usable answer in 3 s"),
        ),
    )
    mail, caa = finding(MAIL_ID, seen), finding(CAA_ID, seen)
    assert mail.outcome is NAV
    assert mail.evidence[PROBLEMS] == "MX example.com: SERVFAIL"
    assert mail.message.endswith("MX example.com: SERVFAIL.")
    assert caa.evidence[PROBLEMS] == "CAA mcp.example.com: no usable answer in 3 s"
    assert finding(DNSSEC_ID, seen).evidence[PROBLEMS] is None


def test_evidence_strings_are_capped() -> None:
    problems = tuple(
        DnsProblem(rdtype="MX", name=f"n{i}.example.com", reason="SERVFAIL" * 10) for i in range(50)
    )
    judged = finding(MAIL_ID, observation(mx=None, problems=problems))
    text = judged.evidence[PROBLEMS]
    assert isinstance(text, str)
    assert len(text) == MAX_TEXT
    assert text.endswith("…")


@pytest.mark.parametrize(
    ("host", "domain", "reason"),
    [
        ("192.0.2.7", None, "an IP-literal host has no DNS zone"),
        ("[2001:db8::1]", None, "an IP-literal host has no DNS zone"),
        ("localhost", None, "localhost has no registrable domain under the public suffix list"),
    ],
)
async def test_collect_without_a_zone_asks_nothing(
    host: str, domain: str | None, reason: str
) -> None:
    nowhere = DnsConfig(nameservers=("127.0.0.1",), port=9, timeout_s=0.01)
    seen = await collect_dns(host, domain, nowhere, observed_at=NOW)
    assert seen.not_applicable_reason == reason
    assert seen.registrable_domain is None
    assert seen.host == host
    assert {judge(probe_id, seen) for probe_id in PROBES} == {NA}


@pytest.mark.parametrize(
    "probe_id", ["domain_lacks_dnssec", "domain_lacks_caa", "domain_mail_lacks_spf_or_dmarc"]
)
def test_a_zone_that_does_not_exist_has_no_posture(probe_id: str) -> None:
    """A resolver answering NXDOMAIN for the domain itself must not read as "unsigned, no CAA"."""
    gone = observation(
        ipv4=(),
        ipv6=(),
        ns=(),
        mx=(),
        caa=(),
        caa_name=None,
        spf=(),
        dmarc=(),
        nxdomain=("mcp.example.com", "example.com", "_dmarc.example.com"),
        **UNSIGNED,
    )
    found = finding(probe_id, gone)
    assert found.outcome is NAV
    assert "does not exist in DNS" in found.message
