"""Both outcomes for every registration probe: (probe id, observation, expected outcome)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from probes.domain.registration_observation import (
    RegistrationFacts,
    RegistrationObservation,
    RegistrationSource,
)
from probes.model import Outcome

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
T, F = Outcome.TRUE, Outcome.FALSE


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def facts(**overrides: object) -> RegistrationFacts:
    """An established, healthy RDAP record; overrides change one fact at a time."""
    base = RegistrationFacts(
        source=RegistrationSource.RDAP,
        registered_at=days_ago(3000),
        expires_at=days_ago(-300),
        last_changed_at=days_ago(40),
        registrar="Example Registrar, Inc.",
        registrar_iana_id="292",
        statuses=("client transfer prohibited", "active"),
        dnssec_delegated=True,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def observation(
    record: RegistrationFacts | None = None, **changes: object
) -> RegistrationObservation:
    base = RegistrationObservation(
        observed_at=NOW,
        host="mcp.example.com",
        registrable_domain="example.com",
        facts=facts() if record is None else record,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


REGISTRATION_CASES: list[tuple[str, RegistrationObservation, Outcome]] = [
    ("domain_registered_within_7_days", observation(facts(registered_at=days_ago(2))), T),
    ("domain_registered_within_7_days", observation(facts(registered_at=days_ago(8))), F),
    ("domain_registered_within_30_days", observation(facts(registered_at=days_ago(29))), T),
    ("domain_registered_within_30_days", observation(facts(registered_at=days_ago(31))), F),
    ("domain_registered_within_90_days", observation(facts(registered_at=days_ago(60))), T),
    ("domain_registered_within_90_days", observation(), F),
    ("domain_expires_within_30_days", observation(facts(expires_at=days_ago(-10))), T),
    ("domain_expires_within_30_days", observation(), F),
    (
        "domain_on_registry_hold_or_pending_delete",
        observation(facts(statuses=("client hold", "active"))),
        T,
    ),
    ("domain_on_registry_hold_or_pending_delete", observation(), F),
    ("domain_recently_transferred", observation(facts(transferred_at=days_ago(12))), T),
    ("domain_recently_transferred", observation(), F),
]
