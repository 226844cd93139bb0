"""DNSSEC really runs here: dnspython 2.8 verifies the lab's signatures and rejects tampering.

sslyze caps cryptography below 47 and dnspython 2.9 needs newer, so a careless upgrade would
leave dnspython without its crypto backend; these tests fail loudly if that happens.
"""

from __future__ import annotations

import datetime as dt

import dns.asyncquery
import dns.dnssec
import dns.exception
import dns.message
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest

from probes.domain.dns_client import DnsConfig
from probes.domain.dns_collect import _Reply, _self_signed, collect_dns
from probes.domain.dns_probes import DNS_PROBES
from probes.model import Outcome
from tests.integration.domain_dns.conftest import PUBLIC_V4, now, observe
from tests.servers.dnslab import DnsLab

ZONE = dns.name.from_text("signed-lab.org")
HOST = dns.name.from_text("mcp.signed-lab.org")
IN = dns.rdataclass.IN
LACKS_DNSSEC = DNS_PROBES[1]


async def ask_bind(
    lab: DnsLab, name: dns.name.Name, rdtype: dns.rdatatype.RdataType, *, dnssec: bool = True
) -> dns.message.Message:
    query = dns.message.make_query(name, rdtype, want_dnssec=dnssec)
    return await dns.asyncquery.tcp(query, lab.host, port=lab.port, timeout=2.0)


async def zone_keys(lab: DnsLab) -> tuple[dns.message.Message, dns.rrset.RRset]:
    response = await ask_bind(lab, ZONE, dns.rdatatype.DNSKEY)
    return response, response.find_rrset(response.answer, ZONE, IN, dns.rdatatype.DNSKEY)


async def test_signatures_verify_and_tampering_is_rejected(lab: DnsLab) -> None:
    _, keys = await zone_keys(lab)
    anchor = lab.anchors["signed-lab.org"].split(maxsplit=3)[3]
    assert dns.rdata.from_text(IN, dns.rdatatype.DNSKEY, anchor) in keys
    response = await ask_bind(lab, HOST, dns.rdatatype.A)
    address = response.find_rrset(response.answer, HOST, IN, dns.rdatatype.A)
    signature = response.find_rrset(response.answer, HOST, IN, dns.rdatatype.RRSIG, dns.rdatatype.A)
    assert [rdata.to_text() for rdata in address] == [PUBLIC_V4]
    dns.dnssec.validate(address, signature, {ZONE: keys})  # raises if it does not verify
    forged = dns.rrset.from_text(HOST, address.ttl, IN, dns.rdatatype.A, "93.184.216.35")
    with pytest.raises(dns.exception.ValidationFailure, match="no RRSIGs validated"):
        dns.dnssec.validate(forged, signature, {ZONE: keys})


async def test_collector_sees_signed_and_validated_only_for_the_signed_zone(
    via_unbound: DnsConfig,
) -> None:
    signed = await observe("mcp.signed-lab.org", "signed-lab.org", via_unbound)
    assert (signed.dnskey_count, signed.dnssec_signed, signed.dnssec_validated) == (2, True, True)
    plain = await observe("mcp.posture-lab.com", "posture-lab.com", via_unbound)
    assert (plain.dnskey_count, plain.dnssec_signed, plain.dnssec_validated) == (0, False, False)


async def test_authoritative_answers_are_signed_but_never_validated(via_bind: DnsConfig) -> None:
    seen = await observe("mcp.signed-lab.org", "signed-lab.org", via_bind)
    assert (seen.dnskey_count, seen.dnssec_signed, seen.dnssec_validated) == (2, True, False)
    (finding,) = LACKS_DNSSEC.judge(seen)
    assert finding.outcome is Outcome.FALSE
    assert "self-consistent" in finding.message


async def test_signatures_are_checked_at_the_observation_time(
    via_bind: DnsConfig, via_unbound: DnsConfig
) -> None:
    """A year on, the lab's 30-day signatures have expired: the in-process check says so."""
    later = now() + dt.timedelta(days=365)
    seen = await collect_dns("mcp.signed-lab.org", "signed-lab.org", via_bind, observed_at=later)
    assert (seen.dnskey_count, seen.dnssec_signed, seen.dnssec_validated) == (2, False, False)
    (finding,) = LACKS_DNSSEC.judge(seen)
    assert finding.outcome is Outcome.TRUE
    assert "no signature over them verifies" in finding.message
    resolver = await collect_dns(
        "mcp.signed-lab.org", "signed-lab.org", via_unbound, observed_at=later
    )
    assert resolver.dnssec_validated is True  # unbound judges by its own clock
    assert LACKS_DNSSEC.judge(resolver)[0].outcome is Outcome.FALSE


async def test_a_changed_or_unsigned_key_set_is_not_signed(lab: DnsLab) -> None:
    response, keys = await zone_keys(lab)
    at = now().timestamp()
    assert _self_signed(_Reply("signed-lab.org", "DNSKEY", keys, response), at) is True
    ksk_only = dns.rrset.from_rdata_list(
        ZONE, keys.ttl, [rdata for rdata in keys if rdata.to_text().startswith("257 ")]
    )
    assert len(ksk_only) == 1
    assert _self_signed(_Reply("signed-lab.org", "DNSKEY", ksk_only, response), at) is False
    bare = await ask_bind(lab, ZONE, dns.rdatatype.DNSKEY, dnssec=False)
    bare_keys = bare.find_rrset(bare.answer, ZONE, IN, dns.rdatatype.DNSKEY)
    assert _self_signed(_Reply("signed-lab.org", "DNSKEY", bare_keys, bare), at) is False
