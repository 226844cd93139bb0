"""The probes' outcomes end to end: the lab's zones, collected through unbound, then judged."""

from __future__ import annotations

import pytest

from probes.domain.dns_client import DnsConfig
from probes.domain.dns_probes import (
    CAA_NAME,
    CAA_RECORDS,
    DMARC_POLICY,
    DNS_PROBES,
    DNSSEC_SIGNED,
    DNSSEC_VALIDATED,
    NON_PUBLIC,
    PROBLEMS,
    SPF_RECORDS,
)
from probes.model import Outcome
from tests.integration.domain_dns.conftest import DEEP_HOST, observe, outcomes

T, F = Outcome.TRUE, Outcome.FALSE
NA, NAV = Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE
IDS = [probe.spec.id for probe in DNS_PROBES]


@pytest.mark.parametrize(
    ("host", "domain", "expected"),
    [
        # non-public, lacks DNSSEC, lacks CAA, mail lacks SPF/DMARC
        ("mcp.posture-lab.com", "posture-lab.com", [F, T, F, F]),
        ("mcp.signed-lab.org", "signed-lab.org", [F, F, F, F]),
        ("mcp.nomail-lab.net", "nomail-lab.net", [F, T, T, NA]),
        ("mcp.nullmx-lab.net", "nullmx-lab.net", [F, T, T, NA]),
        ("mcp.private-lab.io", "private-lab.io", [T, T, T, T]),
        ("rebind.private-lab.io", "private-lab.io", [T, T, T, T]),
        ("public.private-lab.io", "private-lab.io", [F, T, T, T]),
        ("mcp.big-lab.dev", "big-lab.dev", [T, T, F, T]),
        ("missing.posture-lab.com", "posture-lab.com", [NAV, T, F, F]),
        (DEEP_HOST, "posture-lab.com", [F, T, NAV, F]),
        ("mcp.broken-lab.dev", "broken-lab.dev", [NAV, NAV, NAV, NAV]),
        ("mcp.outside-lab.com", "outside-lab.com", [NAV, NAV, NAV, NAV]),
    ],
)
async def test_outcomes(
    via_unbound: DnsConfig, host: str, domain: str, expected: list[Outcome]
) -> None:
    seen = await observe(host, domain, via_unbound)
    assert list(outcomes(seen).values()) == expected
    assert list(outcomes(seen)) == IDS


async def test_findings_carry_the_evidence(via_unbound: DnsConfig) -> None:
    seen = await observe("mcp.private-lab.io", "private-lab.io", via_unbound)
    findings = {p.spec.id: p.judge(seen)[0] for p in DNS_PROBES}
    non_public = findings["domain_resolves_to_non_public_address"]
    assert non_public.evidence[NON_PUBLIC] == (
        "10.0.0.5 is a private address; 192.168.7.20 is a private address; "
        "::1 is a loopback address"
    )
    assert non_public.subject == "host:mcp.private-lab.io"
    assert non_public.remediation is not None
    mail = findings["domain_mail_lacks_spf_or_dmarc"]
    assert mail.evidence[SPF_RECORDS] == ""
    assert mail.evidence[DMARC_POLICY] is None
    assert "not exactly one SPF or DMARC" in mail.message


async def test_good_findings_name_what_was_found(via_unbound: DnsConfig) -> None:
    seen = await observe("api.eu.posture-lab.com", "posture-lab.com", via_unbound)
    findings = {p.spec.id: p.judge(seen)[0] for p in DNS_PROBES}
    caa = findings["domain_lacks_caa"]
    assert caa.outcome is F
    assert caa.evidence[CAA_RECORDS] == '0 issue "pki.goog"'
    assert caa.evidence[CAA_NAME] == "eu.posture-lab.com"
    assert caa.remediation is None
    mail = findings["domain_mail_lacks_spf_or_dmarc"]
    assert mail.evidence[DMARC_POLICY] == "reject"
    signed = await observe("mcp.signed-lab.org", "signed-lab.org", via_unbound)
    dnssec = DNS_PROBES[1].judge(signed)[0]
    assert (dnssec.evidence[DNSSEC_SIGNED], dnssec.evidence[DNSSEC_VALIDATED]) == (True, True)


async def test_failed_questions_are_in_the_evidence(via_unbound: DnsConfig) -> None:
    seen = await observe("mcp.broken-lab.dev", "broken-lab.dev", via_unbound)
    for probe in DNS_PROBES:
        (finding,) = probe.judge(seen)
        assert finding.outcome is NAV
        assert "SERVFAIL" in str(finding.evidence[PROBLEMS]), probe.spec.id
        assert "SERVFAIL" in finding.message, probe.spec.id
