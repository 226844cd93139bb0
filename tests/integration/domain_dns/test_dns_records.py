"""Every record type the collector asks, read through unbound and straight from BIND."""

from __future__ import annotations

import pytest

from probes.domain.dns_client import DnsConfig
from probes.domain.dns_observation import MAX_RECORDS, MAX_TEXT
from tests.integration.domain_dns.conftest import (
    BIG_ADDRESSES,
    DEEP_HOST,
    PUBLIC_V4,
    PUBLIC_V6,
    observe,
)


@pytest.fixture(params=["unbound", "bind"])
def config(
    request: pytest.FixtureRequest, via_unbound: DnsConfig, via_bind: DnsConfig
) -> DnsConfig:
    return via_unbound if request.param == "unbound" else via_bind


async def test_every_record_type(config: DnsConfig) -> None:
    seen = await observe("mcp.posture-lab.com", "posture-lab.com", config)
    assert seen.host == "mcp.posture-lab.com"
    assert seen.registrable_domain == "posture-lab.com"
    assert seen.ipv4 == (PUBLIC_V4,)
    assert seen.ipv6 == (PUBLIC_V6,)
    assert seen.non_public == ()
    assert seen.cname_chain == ()
    assert seen.ns == ("ns1.posture-lab.com", "ns2.posture-lab.com")
    assert seen.mx == ("10 mail.posture-lab.com", "20 backup-mail.posture-lab.com")
    assert seen.spf == ("v=spf1 mx -all",)  # the verification TXT is not SPF
    assert seen.dmarc == ("v=DMARC1; p=reject; rua=mailto:dmarc@posture-lab.com",)
    assert seen.caa == ('0 iodef "mailto:security@posture-lab.com"', '0 issue "letsencrypt.org"')
    assert seen.caa_name == "posture-lab.com"
    assert seen.dnskey_count == 0
    assert seen.dnssec_signed is False
    assert seen.dnssec_validated is False
    assert seen.nxdomain == ()
    assert seen.problems == ()
    assert seen.not_applicable_reason is None
    assert seen.unavailable_reason is None


async def test_cname_chain_is_followed_and_recorded(config: DnsConfig) -> None:
    seen = await observe("chain.posture-lab.com", "posture-lab.com", config)
    assert seen.cname_chain == ("hop1.posture-lab.com", "hop2.posture-lab.com")
    assert seen.ipv4 == (PUBLIC_V4,)
    assert seen.ipv6 == ()  # hop2 has no AAAA: a real absence, not a failure
    assert seen.problems == ()


async def test_caa_comes_from_the_closest_ancestor(config: DnsConfig) -> None:
    seen = await observe("api.eu.posture-lab.com", "posture-lab.com", config)
    assert seen.caa == ('0 issue "pki.goog"',)
    assert seen.caa_name == "eu.posture-lab.com"


async def test_caa_of_a_host_too_deep_to_climb_is_unknown(config: DnsConfig) -> None:
    seen = await observe(DEEP_HOST, "posture-lab.com", config)
    assert seen.caa is None
    assert seen.caa_name is None
    assert [str(problem) for problem in seen.problems] == [
        "CAA posture-lab.com: not asked: more than 10 names"
    ]


async def test_zone_without_mail_or_caa(config: DnsConfig) -> None:
    seen = await observe("mcp.nomail-lab.net", "nomail-lab.net", config)
    assert seen.mx == ()
    assert seen.spf == ()
    assert seen.dmarc == ()
    assert seen.caa == ()
    assert seen.nxdomain == ("_dmarc.nomail-lab.net",)
    assert seen.problems == ()


async def test_null_mx_is_read(config: DnsConfig) -> None:
    seen = await observe("mcp.nullmx-lab.net", "nullmx-lab.net", config)
    assert seen.mx == ("0 .",)


async def test_non_public_addresses_are_named(config: DnsConfig) -> None:
    seen = await observe("mcp.private-lab.io", "private-lab.io", config)
    assert seen.ipv4 == ("10.0.0.5", "192.168.7.20")
    assert seen.ipv6 == ("::1",)
    assert seen.non_public == (
        "10.0.0.5 is a private address",
        "192.168.7.20 is a private address",
        "::1 is a loopback address",
    )


async def test_cname_into_loopback_and_metadata(config: DnsConfig) -> None:
    rebind = await observe("rebind.private-lab.io", "private-lab.io", config)
    assert rebind.cname_chain == ("inner.private-lab.io",)
    assert rebind.non_public == ("127.0.0.1 is a loopback address",)
    meta = await observe("meta.private-lab.io", "private-lab.io", config)
    assert meta.non_public == ("169.254.169.254 is a cloud metadata address",)


async def test_hostile_volume_is_capped_but_fully_checked(config: DnsConfig) -> None:
    """100 A, 100 TXT and 60 CAA records arrive over TCP; lists keep 20, the check sees all."""
    seen = await observe("mcp.big-lab.dev", "big-lab.dev", config)
    assert seen.problems == ()
    assert seen.ipv4 is not None
    assert len(seen.ipv4) == MAX_RECORDS
    assert seen.ipv4[0] == BIG_ADDRESSES[0]
    assert "100.64.0.1" not in seen.ipv4  # the last address, cut from the list...
    assert seen.non_public == ("100.64.0.1 is a carrier-grade NAT address",)  # ...still judged
    assert seen.caa is not None
    assert len(seen.caa) == MAX_RECORDS
    assert seen.spf == (
        "v=spf1 include:other.example -all",
        "v=spf1 ip4:93.184.0.0/16 -all",
    )
    assert seen.dmarc == ("v=DMARC1; p=none",)
    assert all(len(record) <= MAX_TEXT for record in seen.caa)


async def test_trailing_dot_and_case_are_normalised_for_questions(config: DnsConfig) -> None:
    seen = await observe("MCP.Posture-Lab.com.", "posture-lab.com.", config)
    assert seen.host == "MCP.Posture-Lab.com."  # the caller's names are echoed unchanged
    assert seen.registrable_domain == "posture-lab.com."
    assert seen.ipv4 == (PUBLIC_V4,)
    assert seen.caa_name == "posture-lab.com"
