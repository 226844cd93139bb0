"""Both outcomes for every reputation probe: (probe id, observation, expected outcome)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from probes.domain.dnsbl import ListingKind
from probes.domain.reputation_observation import Listing, ReputationObservation
from probes.model import Outcome

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
T, F = Outcome.TRUE, Outcome.FALSE
MALICIOUS = "domain_listed_as_malicious"
LOW_REPUTATION = "domain_listed_as_low_reputation"


def listing(kind: ListingKind, code: str | None = "127.0.1.4", **changes: object) -> Listing:
    base = Listing(
        source="dbl.example.net",
        kind=kind,
        matched_name="example.com",
        meaning=f"{kind.value} listing",
        code=code,
        reason="https://check.example.net/example.com",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def observation(*listings: Listing, **changes: object) -> ReputationObservation:
    """A clean answer from one zone and one feed; listings and changes make it dirty."""
    base = ReputationObservation(
        observed_at=NOW,
        host="mcp.example.com",
        registrable_domain="example.com",
        listings=listings,
        zones_answered=("dbl.example.net",),
        feeds_checked=("urlhaus",),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


FEED_HIT = listing(ListingKind.MALICIOUS, code=None, source="urlhaus", meaning="feed entry")

REPUTATION_CASES: list[tuple[str, ReputationObservation, Outcome]] = [
    (MALICIOUS, observation(listing(ListingKind.MALICIOUS)), T),
    (MALICIOUS, observation(FEED_HIT, zones_answered=()), T),
    (MALICIOUS, observation(), F),
    (MALICIOUS, observation(listing(ListingKind.LOW_REPUTATION, "127.0.1.2")), F),
    (LOW_REPUTATION, observation(listing(ListingKind.LOW_REPUTATION, "127.0.1.2")), T),
    (LOW_REPUTATION, observation(listing(ListingKind.ABUSED_LEGIT, "127.0.1.102")), T),
    (LOW_REPUTATION, observation(listing(ListingKind.ZERO_REPUTATION, "127.0.2.7")), T),
    (LOW_REPUTATION, observation(listing(ListingKind.UNKNOWN_CODE, "127.0.3.9")), T),
    (LOW_REPUTATION, observation(), F),
    (LOW_REPUTATION, observation(listing(ListingKind.MALICIOUS)), F),
]
