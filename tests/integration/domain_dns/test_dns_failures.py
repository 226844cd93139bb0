"""DNS trouble becomes data: NXDOMAIN, REFUSED, SERVFAIL, silence and garbage never raise."""

from __future__ import annotations

import time

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from probes.domain.dns_client import DnsConfig
from probes.domain.dns_observation import DnsObservation
from probes.domain.dns_probes import DNS_PROBES
from probes.model import Outcome
from tests.integration.domain_dns.conftest import Reply, observe, outcomes, udp_server

NAV = Outcome.NOT_AVAILABLE
QUESTIONS = 9  # A, AAAA, NS, MX, TXT, _dmarc TXT, DNSKEY, CAA at the host and at the domain
TIMEOUT_S = 0.3
BUDGET_S = 1.5  # generous for a loaded CI box, still well under nine timeouts in a row
SILENT = "no usable answer within 0.3 s"  # dnspython drops what it cannot parse


def loopback(port: int) -> DnsConfig:
    return DnsConfig(nameservers=("127.0.0.1",), port=port, timeout_s=TIMEOUT_S)


def reasons(seen: DnsObservation) -> set[str]:
    return {problem.reason for problem in seen.problems}


def all_unknown(seen: DnsObservation) -> None:
    assert (seen.ipv4, seen.ipv6, seen.ns, seen.mx, seen.caa, seen.spf, seen.dmarc) == (None,) * 7
    assert (seen.dnskey_count, seen.dnssec_signed, seen.dnssec_validated) == (None,) * 3
    assert len(seen.problems) == QUESTIONS
    assert set(outcomes(seen).values()) == {NAV}


def with_rcode(rcode: dns.rcode.Rcode) -> Reply:
    def reply(wire: bytes) -> bytes:
        response = dns.message.make_response(dns.message.from_wire(wire))
        response.set_rcode(rcode)
        return response.to_wire()

    return reply


def truncated(wire: bytes) -> bytes:
    """TC set: dnspython retries over TCP, where nothing listens."""
    response = dns.message.make_response(dns.message.from_wire(wire))
    response.flags |= dns.flags.TC
    return response.to_wire()


def off_topic(wire: bytes) -> bytes:
    """NOERROR with a record for another name: dnspython alone would read 'no such record'."""
    response = dns.message.make_response(dns.message.from_wire(wire))
    response.answer.append(dns.rrset.from_text("elsewhere.example.", 60, "IN", "A", "10.9.9.9"))
    return response.to_wire()


def junk(wire: bytes) -> bytes:
    del wire
    return b"\x13\x37 not dns at all"


def cut_short(wire: bytes) -> bytes:
    """The query's id and a response header claiming an answer, then the bytes stop."""
    return wire[:2] + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x03ab"


def wrong_id(wire: bytes) -> bytes:
    response = dns.message.make_response(dns.message.from_wire(wire))
    response.id ^= 0xFFFF
    return response.to_wire()


def private_a_else_servfail(wire: bytes) -> bytes:
    query = dns.message.from_wire(wire)
    response = dns.message.make_response(query)
    question = query.question[0]
    if question.rdtype == dns.rdatatype.A:
        response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", "10.1.2.3"))
    else:
        response.set_rcode(dns.rcode.SERVFAIL)
    return response.to_wire()


async def test_nxdomain_host_is_data_not_failure(via_unbound: DnsConfig) -> None:
    seen = await observe("missing.posture-lab.com", "posture-lab.com", via_unbound)
    assert (seen.ipv4, seen.ipv6) == ((), ())
    assert seen.nxdomain == ("missing.posture-lab.com",)
    assert seen.problems == ()
    (finding,) = DNS_PROBES[0].judge(seen)
    assert finding.outcome is NAV
    assert "NXDOMAIN" in finding.message


async def test_refused_outside_the_lab(via_unbound: DnsConfig) -> None:
    seen = await observe("mcp.outside-lab.com", "outside-lab.com", via_unbound)
    all_unknown(seen)
    assert reasons(seen) == {"REFUSED"}


async def test_servfail_from_a_zone_bind_could_not_load(via_unbound: DnsConfig) -> None:
    seen = await observe("mcp.broken-lab.dev", "broken-lab.dev", via_unbound)
    all_unknown(seen)
    assert reasons(seen) == {"SERVFAIL"}


async def test_silent_server_times_out_within_budget(silent_port: int) -> None:
    started = time.monotonic()
    seen = await observe("mcp.posture-lab.com", "posture-lab.com", loopback(silent_port))
    elapsed = time.monotonic() - started
    assert TIMEOUT_S <= elapsed < BUDGET_S  # concurrent: one timeout, not nine
    all_unknown(seen)
    assert reasons(seen) == {SILENT}


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (with_rcode(dns.rcode.SERVFAIL), "SERVFAIL"),
        (with_rcode(dns.rcode.FORMERR), "FORMERR"),
        (with_rcode(dns.rcode.NOTIMP), "NOTIMP"),
        (with_rcode(dns.rcode.REFUSED), "REFUSED"),
        (junk, SILENT),
        (cut_short, SILENT),
        (wrong_id, SILENT),
        (truncated, "Truncated; ConnectionRefusedError"),
        (off_topic, "the answer section does not answer the question"),
    ],
    ids=["servfail", "formerr", "notimp", "refused", "junk", "cut", "wrong-id", "tc", "off-topic"],
)
async def test_hostile_server(reply: Reply, expected: str) -> None:
    async with udp_server(reply) as (port, server):
        started = time.monotonic()
        seen = await observe("mcp.posture-lab.com", "posture-lab.com", loopback(port))
        elapsed = time.monotonic() - started
    assert server.queries >= QUESTIONS
    assert elapsed < BUDGET_S
    all_unknown(seen)
    (reason,) = reasons(seen)
    assert reason.startswith(expected)


async def test_one_answered_question_is_still_judged() -> None:
    """A private A is conclusive even while every other question fails."""
    async with udp_server(private_a_else_servfail) as (port, _):
        seen = await observe("mcp.posture-lab.com", "posture-lab.com", loopback(port))
    assert seen.ipv4 == ("10.1.2.3",)
    assert seen.ipv6 is None
    assert seen.non_public == ("10.1.2.3 is a private address",)
    assert list(outcomes(seen).values()) == [Outcome.TRUE, NAV, NAV, NAV]


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("bad..name.posture-lab.com", "EmptyLabel"),
        (f"{'x' * 64}.posture-lab.com", "LabelTooLong"),
    ],
)
async def test_unaskable_host_names_are_problems(
    via_unbound: DnsConfig, host: str, reason: str
) -> None:
    seen = await observe(host, "posture-lab.com", via_unbound)
    assert (seen.ipv4, seen.ipv6) == (None, None)
    assert {(p.rdtype, p.reason.split(":")[0]) for p in seen.problems} == {
        ("A", reason),
        ("AAAA", reason),
        ("CAA", reason),
    }
    assert seen.mx == ("10 mail.posture-lab.com", "20 backup-mail.posture-lab.com")
    assert list(outcomes(seen).values()) == [NAV, Outcome.TRUE, NAV, Outcome.FALSE]
