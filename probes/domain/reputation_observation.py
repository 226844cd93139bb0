"""Blocklist facts about an endpoint's domain: which source listed which name, and which failed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from probes.domain.dnsbl import ListingKind


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
