"""Is the endpoint's domain on a blocklist? DNSBL zones and offline feeds, and their probes.

A zone that times out, refuses or answers an error code is a failed source, never a listing,
and "nothing answered" is NOT_AVAILABLE, never clean. Offline feeds only list malicious names,
so they answer the malicious question but not the low-reputation one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from probes.domain.dns_client import DnsConfig, make_resolver
from probes.domain.dnsbl import DnsblZone, ListingKind, ZoneAnswer, query_zone
from probes.domain.feeds import BlocklistFeed
from probes.domain.registration import domain_spec
from probes.model import EvidenceValue, Finding, Outcome, Probe, ProbeSpec, Severity

MAX_EVIDENCE_CHARS = 600
NO_SOURCE = "no reputation source is configured"
_REFERENCES = ("OWASP-MCP04", "ATT&CK T1583.001")


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    """One source listing one name: a zone's return code, or an offline feed entry."""

    source: str
    kind: ListingKind
    matched_name: str
    meaning: str
    code: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReputationObservation:
    """The blocklist lookups for one target.

    `zones_answered` and `feeds_checked` are the sources that could say "not listed";
    `zones_failed` could not, and `problems` says why ("<zone>: timed out").
    """

    observed_at: dt.datetime
    host: str
    registrable_domain: str | None
    listings: tuple[Listing, ...] = ()
    zones_answered: tuple[str, ...] = ()
    zones_failed: tuple[str, ...] = ()
    feeds_checked: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
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
    ) -> ReputationObservation:
        """No lookup could be made (for instance no source is configured)."""
        return cls(
            observed_at=observed_at,
            host=host,
            registrable_domain=registrable_domain,
            unavailable_reason=reason,
        )

    @classmethod
    def not_applicable(
        cls, *, observed_at: dt.datetime, host: str, reason: str
    ) -> ReputationObservation:
        """The host has no registrable domain to look up (an IP literal)."""
        return cls(
            observed_at=observed_at,
            host=host,
            registrable_domain=None,
            not_applicable_reason=reason,
        )


# Evidence keys (stored findings are queried by these names).
DOMAIN = "registrable_domain"
HOST = "host"
LIST = "list"
CATEGORY = "category"
CODE = "code"
MEANING = "meaning"
MATCHED_NAME = "matched_name"
REASON = "reason"
LISTINGS = "listings"
ALL_LISTINGS = "all_listings"
SOURCES_ANSWERED = "sources_answered"
SOURCES_FAILED = "sources_failed"

MALICIOUS_KINDS = frozenset({ListingKind.MALICIOUS})
LOW_REPUTATION_KINDS = frozenset(
    {
        ListingKind.LOW_REPUTATION,
        ListingKind.ABUSED_LEGIT,
        ListingKind.ZERO_REPUTATION,
        ListingKind.UNKNOWN_CODE,
    }
)


def _zone_listings(answers: Sequence[ZoneAnswer]) -> list[Listing]:
    return [
        Listing(
            source=answer.zone,
            kind=meaning.kind,
            matched_name=answer.name,
            meaning=meaning.meaning,
            code=code,
            reason=answer.reason,
        )
        for answer in answers
        for code, meaning in answer.listings
    ]


def _feed_listings(feeds: Sequence[BlocklistFeed], host: str, domain: str) -> list[Listing]:
    listings = []
    for feed in feeds:
        matched = feed.match(host, domain)
        if matched is not None:
            meaning = "malicious (an offline feed entry)"
            listing = Listing(
                source=feed.name, kind=ListingKind.MALICIOUS, matched_name=matched, meaning=meaning
            )
            listings.append(listing)
    return listings


async def collect_reputation(
    host: str,
    registrable_domain: str | None,
    *,
    zones: Sequence[DnsblZone],
    feeds: Sequence[BlocklistFeed],
    dns: DnsConfig,
    observed_at: dt.datetime,
) -> ReputationObservation:
    """Ask every zone about the registrable domain and the host, and match every feed.

    Never raises for DNS trouble: each failed zone is recorded in `problems`.
    """
    host = host.rstrip(".").lower()
    if registrable_domain is None:
        reason = "the host has no registrable domain (an IP literal or a bare name)"
        return ReputationObservation.not_applicable(
            observed_at=observed_at, host=host, reason=reason
        )
    domain = registrable_domain.rstrip(".").lower()
    if not zones and not feeds:
        return ReputationObservation.unavailable(
            observed_at=observed_at, host=host, registrable_domain=domain, reason=NO_SOURCE
        )
    names = (domain,) if host == domain else (domain, host)
    resolver = make_resolver(dns)
    answers = await asyncio.gather(
        *(query_zone(resolver, zone, name) for zone in zones for name in names)
    )
    failed = [answer for answer in answers if answer.problem is not None]
    failed_zones = {answer.zone for answer in failed}
    listings = _zone_listings(answers) + _feed_listings(feeds, host, domain)
    return ReputationObservation(
        observed_at=observed_at,
        host=host,
        registrable_domain=domain,
        listings=tuple(sorted(listings, key=lambda listing: listing.kind.rank)),
        zones_answered=tuple(z.display for z in zones if z.display not in failed_zones),
        zones_failed=tuple(z.display for z in zones if z.display in failed_zones),
        feeds_checked=tuple(feed.name for feed in feeds),
        problems=tuple(f"{answer.zone} ({answer.name}): {answer.problem}" for answer in failed),
    )


def _joined(items: Sequence[str]) -> str | None:
    return "; ".join(items)[:MAX_EVIDENCE_CHARS] or None


def _evidence(observation: ReputationObservation) -> dict[str, EvidenceValue]:
    return {
        DOMAIN: observation.registrable_domain,
        HOST: observation.host,
        SOURCES_ANSWERED: _joined(observation.zones_answered + observation.feeds_checked),
        SOURCES_FAILED: _joined(observation.problems),
    }


def _listing_evidence(hits: Sequence[Listing]) -> dict[str, EvidenceValue]:
    worst = hits[0]
    summary = [f"{hit.source}: {hit.matched_name} {hit.code or hit.kind.value}" for hit in hits]
    return {
        LIST: worst.source,
        CATEGORY: worst.kind.value,
        CODE: worst.code,
        MEANING: worst.meaning,
        MATCHED_NAME: worst.matched_name,
        REASON: worst.reason,
        LISTINGS: len(hits),
        ALL_LISTINGS: _joined(summary),
    }


def _judge(
    spec: ProbeSpec,
    observation: ReputationObservation,
    kinds: frozenset[ListingKind],
    *,
    feeds_answer: bool,
) -> Finding:
    evidence = _evidence(observation)
    if observation.registrable_domain is None:
        reason = observation.not_applicable_reason or "the host has no registrable domain"
        return spec.finding(Outcome.NOT_APPLICABLE, f"Not applicable: {reason}.", evidence=evidence)
    if observation.unavailable_reason is not None:
        message = f"No reputation data: {observation.unavailable_reason}."
        return spec.finding(Outcome.NOT_AVAILABLE, message, evidence=evidence)
    hits = [listing for listing in observation.listings if listing.kind in kinds]
    if hits:
        worst = hits[0]
        code = f" ({worst.code})" if worst.code else ""
        message = f"{worst.matched_name} is listed by {worst.source}: {worst.meaning}{code}."
        return spec.judged(True, message, evidence=evidence | _listing_evidence(hits))  # noqa: FBT003
    answered = observation.zones_answered + (observation.feeds_checked if feeds_answer else ())
    if not answered:
        if observation.zones_failed:
            message = "No reputation data: every configured source failed."
        else:
            message = "No reputation data: no DNSBL zone is configured (feeds list no such names)."
        return spec.finding(Outcome.NOT_AVAILABLE, message, evidence=evidence)
    message = f"Not listed by {', '.join(answered)}."
    if observation.zones_failed:
        message += f" Not checked: {', '.join(observation.zones_failed)} failed."
    return spec.judged(False, message, evidence=evidence)  # noqa: FBT003


LISTED_AS_MALICIOUS = domain_spec(
    "domain_listed_as_malicious",
    question="Is the endpoint's domain or host listed as phishing, malware or botnet C&C?",
    rationale=(
        "Blocklists such as the Spamhaus DBL and URLhaus list names seen serving phishing, "
        "malware or botnet control; an MCP endpoint on such a name is hostile or compromised."
    ),
    severity=Severity.CRITICAL,
    remediation="Do not connect; if you own the domain, clean it up and request delisting.",
    references=_REFERENCES,
)

LISTED_AS_LOW_REPUTATION = domain_spec(
    "domain_listed_as_low_reputation",
    question="Is the endpoint's domain listed as low reputation, abused or newly seen?",
    rationale=(
        "DBL low-reputation and abused-legitimate codes and ZRD's first-seen-today codes mark "
        "names that are currently dangerous, though not proven to belong to an attacker."
    ),
    severity=Severity.HIGH,
    remediation="Treat the endpoint with caution until the listing expires or is explained.",
    references=_REFERENCES,
)


def listed_as_malicious(observation: ReputationObservation) -> list[Finding]:
    """TRUE for a DBL phishing, malware or C&C code, or any offline feed entry."""
    return [_judge(LISTED_AS_MALICIOUS, observation, MALICIOUS_KINDS, feeds_answer=True)]


def listed_as_low_reputation(observation: ReputationObservation) -> list[Finding]:
    """TRUE for DBL low-reputation, abused-legit, ZRD, generic or unknown listing codes."""
    spec = LISTED_AS_LOW_REPUTATION
    return [_judge(spec, observation, LOW_REPUTATION_KINDS, feeds_answer=False)]


REPUTATION_PROBES: tuple[Probe[ReputationObservation], ...] = (
    Probe(LISTED_AS_MALICIOUS, listed_as_malicious),
    Probe(LISTED_AS_LOW_REPUTATION, listed_as_low_reputation),
)
