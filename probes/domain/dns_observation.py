"""What the DNS says about an endpoint's host and its zone: the observation the DNS probes judge.

Every answer keeps three states apart: None means the question failed (timeout, SERVFAIL,
REFUSED, garbage), an empty tuple means the name answered with no such record, and records
mean records. Failures are kept as problems so a finding can say why it is NOT_AVAILABLE:
"the resolver did not answer" must never read as "the zone has no CAA".
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from probes.netpolicy import NetworkPolicy

MAX_RECORDS = 20  # kept per list: a hostile zone can answer with hundreds of records
MAX_TEXT = 600  # characters kept per record and per evidence string

_STRICT = NetworkPolicy()  # the default policy refuses every non-public address


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """`text` cut to `limit` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def capped(items: Iterable[str]) -> tuple[str, ...]:
    """At most MAX_RECORDS distinct items in first-seen order, each clipped."""
    kept: dict[str, None] = {}
    for item in items:
        kept.setdefault(clip(item))
        if len(kept) == MAX_RECORDS:
            break
    return tuple(kept)


def non_public_addresses(addresses: Iterable[str]) -> tuple[str, ...]:
    """Why each refused address is refused, judged like the SSRF guard with its default policy.

    Callers pass every address of the answer, not a capped list: a hostile zone would put its
    loopback address after the first twenty.
    """
    reasons = []
    parsed = sorted({ipaddress.ip_address(text) for text in addresses}, key=_order)
    for address in parsed:
        reason = _STRICT.refusal(address)
        if reason is not None:
            reasons.append(reason)
    return capped(reasons)


def _order(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> tuple[int, int]:
    return address.version, int(address)


@dataclass(frozen=True, slots=True, kw_only=True)
class DnsProblem:
    """One question that got no usable answer: its type, the name asked, and what went wrong."""

    rdtype: str
    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.rdtype} {self.name}: {self.reason}"


@dataclass(frozen=True, slots=True, kw_only=True)
class DnsObservation:
    """The host's addresses and its registrable domain's posture records.

    Attributes:
        ipv4 / ipv6: the host's A / AAAA addresses (after any CNAME chain), capped.
        non_public: why each non-public address of the full answers is refused.
        cname_chain: the names the host's CNAMEs lead through, in order.
        nxdomain: the asked names that do not exist.
        ns / mx: the domain's NS targets and MX records ("10 mail.example.com.", "0 .").
        caa / caa_name: CAA records of the closest ancestor of the host that has any.
        spf / dmarc: the `v=spf1` TXT records of the domain, `v=DMARC1` ones of `_dmarc`.
        dnskey_count: DNSKEY records at the domain.
        dnssec_signed: the DNSKEY set's RRSIG verifies against the set itself.
        dnssec_validated: the configured resolver set AD on the DNSKEY answer.
        problems: the questions that failed.
    """

    observed_at: dt.datetime
    host: str
    registrable_domain: str | None
    ipv4: tuple[str, ...] | None = None
    ipv6: tuple[str, ...] | None = None
    non_public: tuple[str, ...] = ()
    cname_chain: tuple[str, ...] = ()
    nxdomain: tuple[str, ...] = ()
    ns: tuple[str, ...] | None = None
    mx: tuple[str, ...] | None = None
    caa: tuple[str, ...] | None = None
    caa_name: str | None = None
    spf: tuple[str, ...] | None = None
    dmarc: tuple[str, ...] | None = None
    dnskey_count: int | None = None
    dnssec_signed: bool | None = None
    dnssec_validated: bool | None = None
    problems: tuple[DnsProblem, ...] = ()
    not_applicable_reason: str | None = None
    unavailable_reason: str | None = None

    @classmethod
    def unavailable(
        cls,
        *,
        observed_at: dt.datetime,
        host: str,
        registrable_domain: str | None,
        reason: str,
    ) -> DnsObservation:
        """An observation where DNS could not be asked at all; every probe is NOT_AVAILABLE."""
        return cls(
            observed_at=observed_at,
            host=host,
            registrable_domain=registrable_domain,
            unavailable_reason=reason,
        )

    @classmethod
    def not_applicable(cls, *, observed_at: dt.datetime, host: str, reason: str) -> DnsObservation:
        """An observation for a host with no zone (an IP literal); every probe is N/A."""
        return cls(
            observed_at=observed_at,
            host=host,
            registrable_domain=None,
            not_applicable_reason=reason,
        )

    def problems_of(self, *rdtypes: str) -> tuple[DnsProblem, ...]:
        """The failed questions of the given types."""
        return tuple(problem for problem in self.problems if problem.rdtype in rdtypes)
