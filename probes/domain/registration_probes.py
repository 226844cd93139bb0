"""The registration probes: how old the registrable domain is, and whether it is held or moving.

RDAP (RFC 9083) is the first source and python-whois the fallback; which one answered is
recorded on every finding. A missing date makes its probes NOT_AVAILABLE: "no data" must never
read as "old domain", because a fresh phishing domain is exactly what hides its data.
"""

from __future__ import annotations

import datetime as dt

from probes.domain.judging import domain_spec
from probes.domain.registration_observation import (
    HOLD_STATUSES,
    RegistrationObservation,
    RegistrationSource,
    normalise_status,
)
from probes.model import (
    EvidenceValue,
    Finding,
    Outcome,
    Probe,
    ProbeSpec,
    Severity,
)

# Evidence keys (stored findings are queried by these names).
SOURCE = "source"
DOMAIN = "registrable_domain"
FOUND = "found"
REGISTERED_AT = "registered_at"
EXPIRES_AT = "expires_at"
LAST_CHANGED_AT = "last_changed_at"
TRANSFERRED_AT = "transferred_at"
REGISTRAR = "registrar"
REGISTRAR_IANA_ID = "registrar_iana_id"
STATUSES = "statuses"
DNSSEC_DELEGATED = "dnssec_delegated"
AGE_DAYS = "age_days"
DAYS_TO_EXPIRY = "days_to_expiry"
DAYS_SINCE_TRANSFER = "days_since_transfer"
PROBLEMS = "problems"

TRANSFER_WINDOW_DAYS = 90
EXPIRY_WINDOW_DAYS = 30
_REFERENCES = ("ATT&CK T1583.001",)


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _days(later: dt.datetime, earlier: dt.datetime) -> float:
    return round((later - earlier).total_seconds() / 86400, 2)


def _evidence(observation: RegistrationObservation) -> dict[str, EvidenceValue]:
    facts = observation.facts
    evidence: dict[str, EvidenceValue] = {DOMAIN: observation.registrable_domain}
    if facts is None:
        return evidence
    evidence |= {
        SOURCE: facts.source.value,
        FOUND: facts.found,
        REGISTERED_AT: _iso(facts.registered_at),
        EXPIRES_AT: _iso(facts.expires_at),
        LAST_CHANGED_AT: _iso(facts.last_changed_at),
        TRANSFERRED_AT: _iso(facts.transferred_at),
        REGISTRAR: facts.registrar,
        REGISTRAR_IANA_ID: facts.registrar_iana_id,
        STATUSES: ", ".join(facts.statuses)[:600],
        DNSSEC_DELEGATED: facts.dnssec_delegated,
        PROBLEMS: "; ".join(facts.problems)[:600] or None,
    }
    return evidence


def _unjudgeable(spec: ProbeSpec, observation: RegistrationObservation) -> Finding | None:
    """NOT_APPLICABLE for IP literals, NOT_AVAILABLE when no source gave registration data."""
    evidence = _evidence(observation)
    if observation.registrable_domain is None:
        reason = observation.not_applicable_reason or "the host has no registrable domain"
        return spec.finding(Outcome.NOT_APPLICABLE, f"Not applicable: {reason}.", evidence=evidence)
    facts = observation.facts
    if facts is None:
        reason = observation.unavailable_reason or "no registration source answered"
        return spec.finding(
            Outcome.NOT_AVAILABLE, f"No registration data: {reason}.", evidence=evidence
        )
    if not facts.found:
        message = (
            f"The {facts.source.value} source has no record of {observation.registrable_domain}."
        )
        return spec.finding(Outcome.NOT_AVAILABLE, message, evidence=evidence)
    return None


def _missing(spec: ProbeSpec, observation: RegistrationObservation, what: str) -> list[Finding]:
    message = f"The registration data does not give {what}, so it cannot be judged."
    return [spec.finding(Outcome.NOT_AVAILABLE, message, evidence=_evidence(observation))]


def _registered_within(days: int, severity: Severity) -> Probe[RegistrationObservation]:
    spec = domain_spec(
        f"domain_registered_within_{days}_days",
        question=(
            f"Was the endpoint's registrable domain registered, or did it change hands, less "
            f"than {days} days ago?"
        ),
        rationale=(
            "Most malicious domains are used within days of registration; newly registered "
            "domain lists use 7- and 30-day windows (counting transfers and re-registrations, "
            "which make an old name new), and 90 days still marks an unproven name."
        ),
        severity=severity,
        remediation="Serve the endpoint from an established domain, or wait out the window.",
        references=_REFERENCES,
    )

    def judge(observation: RegistrationObservation) -> list[Finding]:
        unjudgeable = _unjudgeable(spec, observation)
        if unjudgeable is not None:
            return [unjudgeable]
        facts = observation.facts
        assert facts is not None  # noqa: S101 - _unjudgeable returned for None
        if facts.registered_at is None and facts.transferred_at is None:
            return _missing(spec, observation, "a registration date")
        evidence = _evidence(observation)
        ages: list[float] = []
        parts: list[str] = []
        if facts.registered_at is not None:
            age = evidence[AGE_DAYS] = _days(observation.observed_at, facts.registered_at)
            ages.append(age)
            parts.append(f"registered {age:g} days ago ({facts.registered_at.date()})")
        if facts.transferred_at is not None:
            since = evidence[DAYS_SINCE_TRANSFER] = _days(
                observation.observed_at, facts.transferred_at
            )
            ages.append(since)
            parts.append(f"changed hands {since:g} days ago ({facts.transferred_at.date()})")
        # A date in the future (clock skew, a hostile record) counts as new.
        message = f"The domain was {' and '.join(parts)}."
        return [spec.judged(min(ages) < days, message, evidence=evidence)]

    return Probe(spec, judge)


REGISTERED_WITHIN_7_DAYS = _registered_within(7, Severity.HIGH)
REGISTERED_WITHIN_30_DAYS = _registered_within(30, Severity.MEDIUM)
REGISTERED_WITHIN_90_DAYS = _registered_within(90, Severity.LOW)

EXPIRES_SOON = domain_spec(
    "domain_expires_within_30_days",
    question=f"Does the registrable domain expire within {EXPIRY_WINDOW_DAYS} days?",
    rationale=(
        "A lapsing domain can be re-registered by anyone, who then receives the endpoint's "
        "traffic; an unrenewed domain also suggests an abandoned service."
    ),
    severity=Severity.LOW,
    remediation="Renew the domain and enable auto-renewal.",
    references=_REFERENCES,
)


def expires_within_30_days(observation: RegistrationObservation) -> list[Finding]:
    """TRUE when the expiration date is less than 30 days after the observation (or past)."""
    unjudgeable = _unjudgeable(EXPIRES_SOON, observation)
    if unjudgeable is not None:
        return [unjudgeable]
    assert observation.facts is not None  # noqa: S101 - _unjudgeable returned for None
    expires_at = observation.facts.expires_at
    if expires_at is None:
        return _missing(EXPIRES_SOON, observation, "an expiration date")
    left = _days(expires_at, observation.observed_at)
    evidence = _evidence(observation) | {DAYS_TO_EXPIRY: left}
    message = f"The domain expires in {left:g} days ({expires_at.date()})."
    return [EXPIRES_SOON.judged(left < EXPIRY_WINDOW_DAYS, message, evidence=evidence)]


ON_HOLD = domain_spec(
    "domain_on_registry_hold_or_pending_delete",
    question="Is the domain on client or server hold, pending delete, or in redemption?",
    rationale=(
        "A held domain is removed from the DNS, often for abuse; pending delete and "
        "redemption mean it is about to be released to the next registrant."
    ),
    severity=Severity.HIGH,
    remediation="Resolve the hold with the registrar, or move the endpoint to a healthy domain.",
    references=_REFERENCES,
)


def on_registry_hold_or_pending_delete(observation: RegistrationObservation) -> list[Finding]:
    """TRUE when any status is clientHold, serverHold, pendingDelete or redemptionPeriod."""
    unjudgeable = _unjudgeable(ON_HOLD, observation)
    if unjudgeable is not None:
        return [unjudgeable]
    assert observation.facts is not None  # noqa: S101 - _unjudgeable returned for None
    statuses = observation.facts.statuses
    if not statuses:  # registries always report at least "active"; none means not told
        return _missing(ON_HOLD, observation, "any status")
    held = [status for status in statuses if normalise_status(status) in HOLD_STATUSES]
    if held:
        message = f"The registry reports the domain as {', '.join(held)}."
    else:
        message = "No hold, pending-delete or redemption status is reported."
    return [ON_HOLD.judged(bool(held), message, evidence=_evidence(observation))]


TRANSFERRED = domain_spec(
    "domain_recently_transferred",
    question=(
        f"Was the domain transferred or re-registered in the last {TRANSFER_WINDOW_DAYS} days?"
    ),
    rationale=(
        "An ownership change makes an old name new again: expired and caught domains keep "
        "their reputation while a stranger now controls them."
    ),
    severity=Severity.MEDIUM,
    remediation="Confirm the new owner is the publisher before trusting the endpoint.",
    references=_REFERENCES,
)


def recently_transferred(observation: RegistrationObservation) -> list[Finding]:
    """TRUE for a transfer or reregistration event in the window; WHOIS cannot say (N/A)."""
    unjudgeable = _unjudgeable(TRANSFERRED, observation)
    if unjudgeable is not None:
        return [unjudgeable]
    facts = observation.facts
    assert facts is not None  # noqa: S101 - _unjudgeable returned for None
    if facts.transferred_at is None:
        # RDAP lists the domain's events; with its registration event present and no transfer,
        # none happened. WHOIS has no transfer date, and an RDAP record without events says
        # nothing.
        if facts.source is not RegistrationSource.RDAP or facts.registered_at is None:
            return _missing(TRANSFERRED, observation, "its transfer history")
        message = "The registry lists no transfer or reregistration event."
        return [TRANSFERRED.judged(False, message, evidence=_evidence(observation))]  # noqa: FBT003
    since = _days(observation.observed_at, facts.transferred_at)
    evidence = _evidence(observation) | {DAYS_SINCE_TRANSFER: since}
    message = f"The domain changed hands {since:g} days ago ({facts.transferred_at.date()})."
    return [TRANSFERRED.judged(since < TRANSFER_WINDOW_DAYS, message, evidence=evidence)]


REGISTRATION_PROBES: tuple[Probe[RegistrationObservation], ...] = (
    REGISTERED_WITHIN_7_DAYS,
    REGISTERED_WITHIN_30_DAYS,
    REGISTERED_WITHIN_90_DAYS,
    Probe(EXPIRES_SOON, expires_within_30_days),
    Probe(ON_HOLD, on_registry_hold_or_pending_delete),
    Probe(TRANSFERRED, recently_transferred),
)
