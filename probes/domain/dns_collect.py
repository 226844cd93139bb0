"""Collect a DnsObservation: every question at once, each failure kept as data, never raised.

Host questions (A, AAAA and the CNAME chain they follow, CAA from the host upwards) go to the
host; zone questions (NS, MX, SPF TXT, `_dmarc` TXT, DNSKEY) to the registrable domain. DNSSEC
is seen twice: the resolver's AD bit (a validated chain, when the operator runs a validating
resolver) and an in-process check that the DNSKEY set's RRSIG verifies against the set itself.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import re
from dataclasses import dataclass

import dns.asyncresolver
import dns.dnssec
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.resolver
import dns.rrset
from dns.rdtypes.ANY.CNAME import CNAME
from dns.rdtypes.ANY.MX import MX
from dns.rdtypes.ANY.NS import NS
from dns.rdtypes.ANY.TXT import TXT
from dns.rdtypes.IN.A import A
from dns.rdtypes.IN.AAAA import AAAA

from probes.domain.dns_client import DnsConfig, make_resolver
from probes.domain.dns_observation import (
    DnsObservation,
    DnsProblem,
    capped,
    clip,
    non_public_addresses,
)

GRACE_S = 0.5  # beyond the resolver's own lifetime, in case a TCP retry overruns it
MAX_CAA_NAMES = 10  # names asked from the host upwards; deeper hosts leave CAA unknown
_SPF = re.compile(r"v=spf1(\s|$)", re.IGNORECASE)
_DMARC = re.compile(r"v\s*=\s*DMARC1\s*(;|$)", re.IGNORECASE)
_CHAIN_TYPES = (dns.rdatatype.RRSIG, dns.rdatatype.DNAME)  # may accompany any answer


@dataclass(frozen=True, slots=True)
class _Reply:
    """One question's outcome: an answer (maybe empty), NXDOMAIN, or a problem."""

    name: str
    rdtype: str
    rrset: dns.rrset.RRset | None = None
    response: dns.message.Message | None = None
    cnames: tuple[str, ...] = ()
    nxdomain: bool = False
    problem: str | None = None

    @property
    def rdatas(self) -> list[object] | None:
        """The records; empty for NODATA and NXDOMAIN, None when the question failed."""
        if self.problem is not None:
            return None
        return [] if self.rrset is None else list(self.rrset)


def _text(name: dns.name.Name) -> str:
    return "." if name == dns.name.root else name.to_text(omit_final_dot=True).lower()


def _describe(exc: Exception, timeout_s: float) -> str:
    """A short reason: the rcodes or errors each server gave, or the timeout."""
    if isinstance(exc, dns.exception.Timeout | TimeoutError):
        return f"no usable answer within {timeout_s:g} s"
    if isinstance(exc, dns.resolver.NoNameservers):
        errors = exc.kwargs.get("errors") or []
        reasons = [err[3] if isinstance(err[3], str) else _named(err[3]) for err in errors]
        return clip("; ".join(dict.fromkeys(reasons)) or "no nameserver answered", 200)
    return clip(_named(exc), 200)


def _named(exc: object) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


async def _ask(
    resolver: dns.asyncresolver.Resolver, name: str, rdtype: str, timeout_s: float
) -> _Reply:
    try:
        async with asyncio.timeout(timeout_s + GRACE_S):
            answer = await resolver.resolve(name, rdtype, raise_on_no_answer=False, search=False)
    except dns.resolver.NXDOMAIN:
        return _Reply(name, rdtype, nxdomain=True)
    except (dns.exception.DNSException, OSError, EOFError) as exc:  # TimeoutError is an OSError
        return _Reply(name, rdtype, problem=_describe(exc, timeout_s))
    chain = answer.chaining_result.cnames
    if answer.rrset is None and any(
        rrset.rdtype not in _CHAIN_TYPES and rrset not in chain for rrset in answer.response.answer
    ):
        # dnspython reads records that answer another question as "no such record".
        return _Reply(name, rdtype, problem="the answer section does not answer the question")
    cnames = tuple(
        _text(rdata.target) for rrset in chain for rdata in rrset if isinstance(rdata, CNAME)
    )
    return _Reply(name, rdtype, answer.rrset, answer.response, cnames)


def _ancestors(host: str, domain: str) -> list[str]:
    """The host, its parents, down to the registrable domain (RFC 8659 climbs this way)."""
    if host != domain and not host.endswith(f".{domain}"):
        return [host]
    labels = host.removesuffix(domain).rstrip(".").split(".") if host != domain else []
    return [".".join([*labels[i:], domain]) for i in range(len(labels))] + [domain]


def _closest_caa(replies: list[_Reply]) -> tuple[tuple[str, ...] | None, str | None]:
    """The CAA set of the closest name that has one; unknown if a closer question failed."""
    for reply in replies:
        rdatas = reply.rdatas
        if rdatas is None:
            return None, None
        if rdatas:
            return capped(sorted(str(rdata) for rdata in rdatas)), reply.name
    return (), None


def _txt(reply: _Reply, pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    rdatas = reply.rdatas
    if rdatas is None:
        return None
    texts = [
        b"".join(rdata.strings).decode("utf-8", "replace")
        for rdata in rdatas
        if isinstance(rdata, TXT)
    ]
    return capped(sorted(text for text in texts if pattern.match(text)))


def _self_signed(reply: _Reply, now: float) -> bool | None:
    """Whether an RRSIG over the DNSKEY set verifies with the set; None if it cannot be checked.

    Raises:
        ImportError: dnspython lost its cryptography backend (a broken install, not DNS data).
    """
    keys, response = reply.rrset, reply.response
    if keys is None or response is None:
        return False
    sigs = response.get_rrset(
        response.answer, keys.name, dns.rdataclass.IN, dns.rdatatype.RRSIG, dns.rdatatype.DNSKEY
    )
    if sigs is None:
        return False
    try:
        dns.dnssec.validate(keys, sigs, {keys.name: keys}, now=now)
    except dns.exception.ValidationFailure:
        return False
    except dns.exception.DNSException:  # e.g. an algorithm the library does not implement
        return None
    return True


def _dnssec(reply: _Reply, now: float) -> tuple[int | None, bool | None, bool | None]:
    """(DNSKEY count, self-signed, resolver-validated) from the DNSKEY question."""
    rdatas = reply.rdatas
    if rdatas is None:
        return None, None, None
    validated = reply.response is not None and bool(reply.response.flags & dns.flags.AD)
    return len(rdatas), _self_signed(reply, now), validated


def _ns(reply: _Reply) -> tuple[str, ...] | None:
    rdatas = reply.rdatas
    if rdatas is None:
        return None
    return capped(sorted(_text(rdata.target) for rdata in rdatas if isinstance(rdata, NS)))


def _mx(reply: _Reply) -> tuple[str, ...] | None:
    """MX as "preference exchange" by preference; a null MX (RFC 7505) reads "0 ."."""
    rdatas = reply.rdatas
    if rdatas is None:
        return None
    found = sorted(
        (rdata.preference, _text(rdata.exchange)) for rdata in rdatas if isinstance(rdata, MX)
    )
    return capped(f"{preference} {exchange}" for preference, exchange in found)


def _addresses(reply: _Reply) -> tuple[list[str] | None, tuple[str, ...] | None]:
    """Every address (for the non-public check) and the capped, sorted list (for evidence)."""
    rdatas = reply.rdatas
    if rdatas is None:
        return None, None
    found = [rdata.address for rdata in rdatas if isinstance(rdata, A | AAAA)]
    return found, capped(sorted(found, key=ipaddress.ip_address))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


async def collect_dns(
    host: str, registrable_domain: str | None, config: DnsConfig, *, observed_at: dt.datetime
) -> DnsObservation:
    """Ask every question concurrently, each bounded by `config.timeout_s`; never raises for DNS.

    IP-literal hosts and hosts without a registrable domain are not applicable.
    """
    name = host.strip().rstrip(".").lower()
    if _is_ip(name) or registrable_domain is None:
        reason = "an IP-literal host has no DNS zone"
        if not _is_ip(name):
            reason = f"{host} has no registrable domain under the public suffix list"
        return DnsObservation.not_applicable(observed_at=observed_at, host=host, reason=reason)
    domain = registrable_domain.strip().rstrip(".").lower()
    resolver = make_resolver(config)
    ancestors = _ancestors(name, domain)
    questions = [
        (name, "A"),
        (name, "AAAA"),
        (domain, "NS"),
        (domain, "MX"),
        (domain, "TXT"),
        (f"_dmarc.{domain}", "TXT"),
        (domain, "DNSKEY"),
        *((ancestor, "CAA") for ancestor in ancestors[:MAX_CAA_NAMES]),
    ]
    asked = await asyncio.gather(
        *(_ask(resolver, *question, config.timeout_s) for question in questions)
    )
    skipped = [
        _Reply(ancestor, "CAA", problem=f"not asked: more than {MAX_CAA_NAMES} names")
        for ancestor in ancestors[MAX_CAA_NAMES:]
    ]
    replies = [*asked, *skipped]
    a, aaaa, ns, mx, txt, dmarc, dnskey = replies[:7]
    all_v4, ipv4 = _addresses(a)
    all_v6, ipv6 = _addresses(aaaa)
    caa, caa_name = _closest_caa(replies[7:])
    dnskey_count, signed, validated = _dnssec(dnskey, observed_at.timestamp())
    return DnsObservation(
        observed_at=observed_at,
        host=host,
        registrable_domain=registrable_domain,
        ipv4=ipv4,
        ipv6=ipv6,
        non_public=non_public_addresses([*(all_v4 or ()), *(all_v6 or ())]),
        cname_chain=capped(a.cnames or aaaa.cnames),
        nxdomain=capped(reply.name for reply in replies if reply.nxdomain),
        ns=_ns(ns),
        mx=_mx(mx),
        caa=caa,
        caa_name=caa_name,
        spf=_txt(txt, _SPF),
        dmarc=_txt(dmarc, _DMARC),
        dnskey_count=dnskey_count,
        dnssec_signed=signed,
        dnssec_validated=validated,
        problems=tuple(
            DnsProblem(rdtype=reply.rdtype, name=reply.name, reason=reply.problem)
            for reply in replies
            if reply.problem is not None
        ),
    )
