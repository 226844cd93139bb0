"""The reputation probes: is the endpoint's domain on a blocklist?

A zone that times out, refuses or answers an error code is a failed source, never a listing,
and "nothing answered" is NOT_AVAILABLE, never clean. Offline feeds only list malicious names,
so they answer the malicious question but not the low-reputation one.
"""

from __future__ import annotations

from collections.abc import Sequence

from probes.domain.dnsbl import ListingKind
from probes.domain.judging import domain_spec
from probes.domain.reputation_observation import Listing, ReputationObservation
from probes.model import EvidenceValue, Finding, Outcome, Probe, ProbeSpec, Severity

MAX_EVIDENCE_CHARS = 600
_REFERENCES = ("ATT&CK T1583.001",)


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
