"""Ask DNSBL zones and match offline feeds for one host.

A zone that times out, refuses or answers an error code is a failed source, never a listing;
each failure is recorded, never raised.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

from probes.domain.dns_client import DnsConfig, make_resolver
from probes.domain.dnsbl import DnsblZone, ListingKind, ZoneAnswer, query_zone
from probes.domain.feeds import BlocklistFeed
from probes.domain.reputation_observation import Listing, ReputationObservation

NO_SOURCE = "no reputation source is configured"


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
