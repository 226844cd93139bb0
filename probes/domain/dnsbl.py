"""Domain blocklist (DNSBL) zones: one query per name, and what each return code means.

The vocabulary is Spamhaus DBL/ZRD's (scoring.md section 5.6), which most domain lists share;
generic lists answer 127.0.0.2. Error codes are the zone refusing to answer (public resolver,
rate limit, a typo in the zone name), so they make the zone unavailable and never a listing:
reading a refusal as "listed" would block every endpoint the day a resolver is misconfigured.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum

import dns.asyncresolver
import dns.exception
import dns.name
import dns.resolver

MAX_REASON_CHARS = 300
_ZONE_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]+")
_LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")
_SPAMHAUS_ERRORS = ipaddress.IPv4Network("127.255.255.0/24")
_ZRD_PREFIX = bytes((127, 0, 2))  # ZRD answers 127.0.2.2-24, one code per hour since first seen


class ListingKind(StrEnum):
    """What a return code says about the name; ERROR means the zone did not answer."""

    MALICIOUS = "malicious"
    ABUSED_LEGIT = "abused_legit"
    ZERO_REPUTATION = "zero_reputation"
    LOW_REPUTATION = "low_reputation"
    UNKNOWN_CODE = "unknown_code"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for the worst listing: evidence shows the worst one first."""
        return list(ListingKind).index(self)


@dataclass(frozen=True, slots=True)
class CodeMeaning:
    """One return code read against the DBL table."""

    kind: ListingKind
    meaning: str


_DBL_CODES: dict[str, CodeMeaning] = {
    "127.0.1.2": CodeMeaning(ListingKind.LOW_REPUTATION, "low-reputation domain"),
    "127.0.1.4": CodeMeaning(ListingKind.MALICIOUS, "phishing domain"),
    "127.0.1.5": CodeMeaning(ListingKind.MALICIOUS, "malware domain"),
    "127.0.1.6": CodeMeaning(ListingKind.MALICIOUS, "botnet C&C domain"),
    "127.0.1.102": CodeMeaning(ListingKind.ABUSED_LEGIT, "abused legitimate domain"),
    "127.0.1.103": CodeMeaning(ListingKind.ABUSED_LEGIT, "abused legitimate redirector"),
    "127.0.1.104": CodeMeaning(ListingKind.ABUSED_LEGIT, "abused legitimate domain (phishing)"),
    "127.0.1.105": CodeMeaning(ListingKind.ABUSED_LEGIT, "abused legitimate domain (malware)"),
    "127.0.1.106": CodeMeaning(ListingKind.ABUSED_LEGIT, "abused legitimate domain (C&C)"),
    "127.0.1.255": CodeMeaning(ListingKind.ERROR, "error: IP query against a domain list"),
    "127.255.255.252": CodeMeaning(ListingKind.ERROR, "error: typing error in the zone name"),
    "127.255.255.254": CodeMeaning(
        ListingKind.ERROR, "error: query refused (public or open resolver, or generic rDNS)"
    ),
    "127.255.255.255": CodeMeaning(ListingKind.ERROR, "error: excessive number of queries"),
    # URIBL and SURBL answer 127.0.0.1 to a blocked resolver; no list uses it as a listing.
    "127.0.0.1": CodeMeaning(ListingKind.ERROR, "error: query blocked by the list"),
    "127.0.0.2": CodeMeaning(ListingKind.LOW_REPUTATION, "listed (generic DNSBL answer)"),
}


def classify_code(code: str) -> CodeMeaning:
    """The meaning of one A-record answer from a domain list."""
    try:
        address = ipaddress.IPv4Address(code)
    except ValueError:
        return CodeMeaning(ListingKind.ERROR, "error: the answer is not an IPv4 address")
    known = _DBL_CODES.get(str(address))
    if known is not None:
        return known
    if address not in _LOOPBACK:
        # A DNSBL only answers 127/8; anything else is a resolver rewriting NXDOMAIN.
        return CodeMeaning(
            ListingKind.ERROR, "error: answer outside 127.0.0.0/8 (NXDOMAIN rewritten?)"
        )
    if address in _SPAMHAUS_ERRORS:
        return CodeMeaning(ListingKind.ERROR, "error: the list refused the query")
    if address.packed[:3] == _ZRD_PREFIX and 2 <= address.packed[3] <= 24:  # noqa: PLR2004
        return CodeMeaning(
            ListingKind.ZERO_REPUTATION, "zero-reputation domain (first seen in the last 24 h)"
        )
    return CodeMeaning(ListingKind.UNKNOWN_CODE, "listed with a return code of unknown meaning")


@dataclass(frozen=True, slots=True)
class DnsblZone:
    """A domain list queried as `<name>.<zone>`; `label` replaces the zone in evidence.

    A Spamhaus DQS zone embeds the account key (`<key>.dbl.dq.spamhaus.net`): give it a label
    so the key never reaches stored findings.
    """

    zone: str
    label: str | None = None

    def __post_init__(self) -> None:
        zone = self.zone.strip().rstrip(".").lower()
        labels = zone.split(".")
        if len(labels) < 2 or not all(map(_ZONE_LABEL.match, labels)):  # noqa: PLR2004
            raise ValueError(f"DNSBL zone {self.zone!r} is not a domain name")
        object.__setattr__(self, "zone", zone)

    @property
    def display(self) -> str:
        """The name evidence and problems use for this zone."""
        return self.label or self.zone


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneAnswer:
    """One zone's answer for one name: `problem` set means the zone could not say."""

    zone: str
    name: str
    codes: tuple[str, ...] = ()
    reason: str | None = None
    problem: str | None = None

    @property
    def listings(self) -> tuple[tuple[str, CodeMeaning], ...]:
        """(code, meaning) of each listing code; none when the zone failed."""
        if self.problem is not None:
            return ()
        return tuple((code, classify_code(code)) for code in self.codes)


def _problem_text(exc: dns.exception.DNSException) -> str:
    if isinstance(exc, dns.resolver.LifetimeTimeout):
        return "timed out"
    if isinstance(exc, dns.resolver.NoNameservers):
        # Each error is (server, tcp, port, rcode text or exception, response).
        said = sorted({str(error[3])[:80] for error in exc.kwargs.get("errors", [])})
        return f"the resolver failed: {', '.join(said) or 'no answer'}"
    if isinstance(exc, dns.name.NameTooLong):
        return "the query name is too long"
    return f"DNS error: {type(exc).__name__}"


def _reason(answer: dns.resolver.Answer) -> str | None:
    texts = [
        b"".join(rdata.strings).decode("utf-8", "replace")
        for rdata in answer
        if hasattr(rdata, "strings")
    ]
    joined = _UNPRINTABLE.sub(" ", " | ".join(texts)).strip()
    return joined[:MAX_REASON_CHARS] or None


async def _txt(resolver: dns.asyncresolver.Resolver, qname: str) -> str | None:
    try:
        return _reason(await resolver.resolve(qname, "TXT"))
    except (dns.exception.DNSException, OSError):
        return None  # the reason text is a courtesy; the A answer already decided


async def query_zone(
    resolver: dns.asyncresolver.Resolver, zone: DnsblZone, name: str
) -> ZoneAnswer:
    """Ask `zone` about `name`; never raises for DNS trouble (it becomes `problem`)."""
    qname = f"{name}.{zone.zone}."
    try:
        answer = await resolver.resolve(qname, "A")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return ZoneAnswer(zone=zone.display, name=name)
    except dns.exception.DNSException as exc:
        return ZoneAnswer(zone=zone.display, name=name, problem=_problem_text(exc))
    except OSError as exc:
        return ZoneAnswer(zone=zone.display, name=name, problem=f"network error: {exc.strerror}")
    codes = tuple(sorted({rdata.to_text() for rdata in answer}))
    errors = [code for code in codes if classify_code(code).kind is ListingKind.ERROR]
    if errors:
        detail = ", ".join(f"{code} ({classify_code(code).meaning})" for code in errors)
        return ZoneAnswer(zone=zone.display, name=name, codes=codes, problem=f"answered {detail}")
    return ZoneAnswer(zone=zone.display, name=name, codes=codes, reason=await _txt(resolver, qname))
