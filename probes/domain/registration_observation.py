"""Registration facts about an endpoint's registrable domain, as the family observed them.

RDAP (RFC 9083) is the first source and python-whois the fallback; which one answered is kept
with the facts, and a date a source did not give stays None, never a default.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

# EPP status codes (RFC 5731 section 2.3) and their RDAP spellings (RFC 8056) that mean the
# domain does not resolve or is about to be released.
HOLD_STATUSES = frozenset({"clienthold", "serverhold", "pendingdelete", "redemptionperiod"})
_STATUS_WORD = re.compile(r"[^a-z]")


class RegistrationSource(StrEnum):
    """Which source answered: RDAP, or the WHOIS fallback for TLDs without RDAP."""

    RDAP = "rdap"
    WHOIS = "whois"


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrationFacts:
    """What one source said about a domain; None means the source did not say.

    `found` is False when the registry answered that it has no such domain (RDAP 404): the
    probes then stay NOT_AVAILABLE, since a live endpoint on an unknown domain is either very
    new (registry data lags a day) or served from a TLD the source does not cover.
    """

    source: RegistrationSource
    found: bool = True
    registered_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    last_changed_at: dt.datetime | None = None
    transferred_at: dt.datetime | None = None
    registrar: str | None = None
    registrar_iana_id: str | None = None
    statuses: tuple[str, ...] = ()
    dnssec_delegated: bool | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrationObservation:
    """The registration lookup for one target; `facts` None means no source could answer."""

    observed_at: dt.datetime
    host: str
    registrable_domain: str | None
    facts: RegistrationFacts | None = None
    not_applicable_reason: str | None = None
    unavailable_reason: str | None = None


def normalise_status(raw: str) -> str:
    """RDAP "client hold" and WHOIS "clientHold https://icann.org/epp#clientHold" as one key."""
    first = raw.strip().split(" http", 1)[0].split("(", 1)[0]
    return _STATUS_WORD.sub("", first.lower())
