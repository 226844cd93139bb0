"""The registration probes, judged from hand-built observations."""

from __future__ import annotations

import pytest

from probes.domain.registration_observation import (
    RegistrationFacts,
    RegistrationObservation,
    RegistrationSource,
    normalise_status,
)
from probes.domain.registration_probes import REGISTRATION_PROBES
from probes.model import Family, Outcome, Probe, Severity
from tests.unit.domain_registration.registration_cases import (
    NOW,
    REGISTRATION_CASES,
    days_ago,
    facts,
    observation,
)

NA, NAV = Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE
PROBES = {probe.spec.id: probe for probe in REGISTRATION_PROBES}
EXPECTED_SPECS = [
    ("domain_registered_within_7_days", Severity.HIGH),
    ("domain_registered_within_30_days", Severity.MEDIUM),
    ("domain_registered_within_90_days", Severity.LOW),
    ("domain_expires_within_30_days", Severity.LOW),
    ("domain_on_registry_hold_or_pending_delete", Severity.HIGH),
    ("domain_recently_transferred", Severity.MEDIUM),
]


def judge(probe_id: str, seen: RegistrationObservation) -> Outcome:
    probe: Probe[RegistrationObservation] = PROBES[probe_id]
    findings = probe.judge(seen)
    assert len(findings) == 1
    return findings[0].outcome


def test_catalogue() -> None:
    assert [(p.spec.id, p.spec.severity) for p in REGISTRATION_PROBES] == EXPECTED_SPECS
    assert all(p.spec.family is Family.DOMAIN for p in REGISTRATION_PROBES)
    assert all(p.spec.bad_outcome is Outcome.TRUE for p in REGISTRATION_PROBES)


def test_every_spec_has_both_polarities() -> None:
    for probe_id in PROBES:
        outcomes = {outcome for pid, _, outcome in REGISTRATION_CASES if pid == probe_id}
        assert outcomes == {Outcome.TRUE, Outcome.FALSE}, probe_id


@pytest.mark.parametrize(("probe_id", "seen", "expected"), REGISTRATION_CASES)
def test_polarity(probe_id: str, seen: RegistrationObservation, expected: Outcome) -> None:
    assert judge(probe_id, seen) is expected


@pytest.mark.parametrize("probe_id", list(PROBES))
def test_ip_literal_is_not_applicable(probe_id: str) -> None:
    seen = observation(
        host="127.0.0.1", registrable_domain=None, facts=None, not_applicable_reason="IP literal"
    )
    assert judge(probe_id, seen) is NA


@pytest.mark.parametrize("probe_id", list(PROBES))
def test_no_facts_and_not_found_are_not_available(probe_id: str) -> None:
    assert judge(probe_id, observation(facts=None, unavailable_reason="no RDAP")) is NAV
    not_found = RegistrationFacts(source=RegistrationSource.RDAP, found=False)
    assert judge(probe_id, observation(not_found)) is NAV


@pytest.mark.parametrize("probe_id", list(PROBES))
def test_an_empty_record_never_reads_as_old(probe_id: str) -> None:
    empty = RegistrationFacts(source=RegistrationSource.RDAP)
    assert judge(probe_id, observation(empty)) is NAV


def test_whois_cannot_say_there_was_no_transfer() -> None:
    whois_facts = facts(source=RegistrationSource.WHOIS)
    assert judge("domain_recently_transferred", observation(whois_facts)) is NAV


def test_old_transfer_and_reregistration_are_false() -> None:
    seen = observation(facts(transferred_at=days_ago(400)))
    assert judge("domain_recently_transferred", seen) is Outcome.FALSE


def test_future_registration_date_counts_as_new_and_expired_as_expiring() -> None:
    assert (
        judge("domain_registered_within_7_days", observation(facts(registered_at=days_ago(-2))))
        is Outcome.TRUE
    )
    assert (
        judge("domain_expires_within_30_days", observation(facts(expires_at=days_ago(5))))
        is Outcome.TRUE
    )


def test_evidence_records_source_dates_and_age() -> None:
    seen = observation(facts(registered_at=days_ago(3), statuses=("server hold",)))
    finding = PROBES["domain_registered_within_7_days"].judge(seen)[0]
    assert finding.evidence["source"] == "rdap"
    assert finding.evidence["registered_at"] == days_ago(3).isoformat()
    assert finding.evidence["age_days"] == 3.0
    assert finding.evidence["registrar"] == "Example Registrar, Inc."
    assert finding.evidence["statuses"] == "server hold"
    assert finding.remediation is not None
    assert seen.observed_at == NOW


@pytest.mark.parametrize(
    ("raw", "held"),
    [
        ("client hold", True),
        ("serverHold https://icann.org/epp#serverHold", True),
        ("pending delete", True),
        ("redemptionPeriod", True),
        ("client transfer prohibited", False),
        ("active", False),
        ("clientHoldish", False),
    ],
)
def test_status_normalisation(raw: str, held: bool) -> None:  # noqa: FBT001 - a table column
    assert (
        normalise_status(raw) in {"clienthold", "serverhold", "pendingdelete", "redemptionperiod"}
    ) is held
