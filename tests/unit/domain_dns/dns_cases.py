"""Both outcomes for every DNS posture probe: (probe id, observation, expected outcome)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import replace

from probes.domain.dns_observation import DnsObservation, non_public_addresses
from probes.model import Outcome

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
T, F = Outcome.TRUE, Outcome.FALSE
PUBLIC_V4 = "93.184.216.34"
PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946"


def observation(**changes: object) -> DnsObservation:
    """A healthy, signed, mail-handling zone; changes alter one fact at a time."""
    base = DnsObservation(
        observed_at=NOW,
        host="mcp.example.com",
        registrable_domain="example.com",
        ipv4=(PUBLIC_V4,),
        ipv6=(PUBLIC_V6,),
        ns=("ns1.example.com", "ns2.example.com"),
        mx=("10 mail.example.com",),
        caa=('0 issue "letsencrypt.org"',),
        caa_name="example.com",
        spf=("v=spf1 mx -all",),
        dmarc=("v=DMARC1; p=reject",),
        dnskey_count=2,
        dnssec_signed=True,
        dnssec_validated=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def resolving(*addresses: str) -> DnsObservation:
    """The healthy observation with the host resolving to exactly `addresses`."""
    return observation(
        ipv4=tuple(a for a in addresses if ipaddress.ip_address(a).version == 4),
        ipv6=tuple(a for a in addresses if ipaddress.ip_address(a).version == 6),
        non_public=non_public_addresses(addresses),
    )


UNSIGNED = {"dnskey_count": 0, "dnssec_signed": False, "dnssec_validated": False}

DNS_CASES: list[tuple[str, DnsObservation, Outcome]] = [
    ("domain_resolves_to_non_public_address", resolving("10.0.0.5"), T),
    ("domain_resolves_to_non_public_address", resolving(PUBLIC_V4, "::1"), T),
    ("domain_resolves_to_non_public_address", resolving(PUBLIC_V4, "::ffff:169.254.169.254"), T),
    ("domain_resolves_to_non_public_address", resolving("100.64.1.1", PUBLIC_V6), T),
    ("domain_resolves_to_non_public_address", observation(), F),
    ("domain_resolves_to_non_public_address", resolving(PUBLIC_V4), F),
    ("domain_lacks_dnssec", observation(**UNSIGNED), T),
    ("domain_lacks_dnssec", observation(dnssec_signed=False, dnssec_validated=False), T),
    ("domain_lacks_dnssec", observation(), F),
    ("domain_lacks_dnssec", observation(dnssec_validated=False), F),
    ("domain_lacks_dnssec", observation(dnssec_signed=None), F),
    ("domain_lacks_caa", observation(caa=(), caa_name=None), T),
    ("domain_lacks_caa", observation(), F),
    ("domain_lacks_caa", observation(caa=('0 issue "pki.goog"',), caa_name="eu.example.com"), F),
    ("domain_mail_lacks_spf_or_dmarc", observation(spf=()), T),
    ("domain_mail_lacks_spf_or_dmarc", observation(dmarc=()), T),
    ("domain_mail_lacks_spf_or_dmarc", observation(spf=("v=spf1 -all", "v=spf1 mx -all")), T),
    ("domain_mail_lacks_spf_or_dmarc", observation(spf=(), dmarc=None), T),
    ("domain_mail_lacks_spf_or_dmarc", observation(), F),
    ("domain_mail_lacks_spf_or_dmarc", observation(dmarc=("v=DMARC1; p=none",)), F),
]
