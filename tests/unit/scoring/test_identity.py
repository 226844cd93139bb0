"""The identity evaluator and the domain gates, from literal domain findings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

import pytest

from probes.auth.family import AUTH_PROBES
from probes.domain.family import DOMAIN_FAMILY
from probes.domain.registration_observation import (
    RegistrationFacts,
    RegistrationObservation,
    RegistrationSource,
)
from probes.domain.registration_probes import REGISTRATION_PROBES
from probes.model import Finding, Outcome
from trustsvc.scoring.aggregate import score_findings
from trustsvc.scoring.dimensions import EVALUATORS, DimensionInput
from trustsvc.scoring.dimensions.identity import (
    AGE_PROBE,
    DEDUCTIONS,
    MAIL_PROBE,
    TRANSFER_PROBE,
    age_base,
    evaluate_identity,
)
from trustsvc.scoring.policy import POLICY
from trustsvc.scoring.types import Dimension, DimensionResult, TrustScore, Verdict

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
SPECS = {spec.id: spec for spec in DOMAIN_FAMILY.specs}
WITHIN = {f"domain_registered_within_{days}_days": days for days in (7, 30, 90)}
EXPIRY = "domain_expires_within_30_days"
HOLD = "domain_on_registry_hold_or_pending_delete"
REGISTRATION = (*WITHIN, EXPIRY, HOLD, TRANSFER_PROBE)
DNSSEC = "domain_lacks_dnssec"
CAA = "domain_lacks_caa"
MALICIOUS = "domain_listed_as_malicious"
LOW_REP = "domain_listed_as_low_reputation"
LOOKALIKE = "domain_is_lookalike_of_trusted_domain"
TRUE, FALSE = Outcome.TRUE, Outcome.FALSE
NA, UNKNOWN = Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE
# No mail (no MX) and no DNSSEC/CAA answer: the score is the base minus deductions, nothing else.
PLAIN = {MAIL_PROBE: NA, DNSSEC: UNKNOWN, CAA: UNKNOWN}
# (age in days, base); a registration date in the future counts as new.
BANDS = [(6.9, 10.0), (7, 35.0), (29.9, 35.0), (30, 60.0), (89, 60.0), (90, 80.0), (364, 80.0)]
BANDS += [(365, 100.0), (0, 10.0), (-2, 10.0)]


def registration_findings(age: float | None, transfer: float | None) -> dict[str, Finding]:
    """The real registration probes' findings for a domain this old, changed hands this long ago."""
    facts = RegistrationFacts(
        source=RegistrationSource.RDAP,
        registered_at=None if age is None else NOW - dt.timedelta(days=age),
        transferred_at=None if transfer is None else NOW - dt.timedelta(days=transfer),
        expires_at=NOW + dt.timedelta(days=400),
        statuses=("active",),
    )
    seen = RegistrationObservation(
        observed_at=NOW, host="mcp.example.com", registrable_domain="example.com", facts=facts
    )
    return {probe.spec.id: probe.judge(seen)[0] for probe in REGISTRATION_PROBES}


def domain_findings(
    outcomes: Mapping[str, Outcome] = MappingProxyType({}),
    *,
    age: float | None = 4000.0,
    transfer: float | None = None,
) -> list[Finding]:
    """All 13 domain findings, good unless the age, transfer or an override says otherwise."""
    assert set(outcomes) <= set(SPECS), set(outcomes) - set(SPECS)
    judged = registration_findings(age, transfer)
    found = []
    for probe_id, spec in SPECS.items():
        finding = judged.get(probe_id) or spec.finding(spec.good_outcome, f"{probe_id} is good")
        outcome = outcomes.get(probe_id, finding.outcome)
        if outcome is not finding.outcome:
            kept = finding.evidence if outcome.conclusive else {}
            finding = spec.finding(outcome, f"{probe_id} is {outcome}", evidence=kept)
        found.append(finding)
    return found


def identity(found: list[Finding]) -> DimensionResult:
    data = DimensionInput(
        dimension=Dimension.IDENTITY,
        weight=20.0,
        findings=tuple(found),
        specs=SPECS,
        policy=POLICY,
    )
    return evaluate_identity(data)


AUTH_SPECS = {probe.spec.id: probe.spec for probe in AUTH_PROBES}
CLEAN_AUTH = [
    spec.judged(False, "clean", evidence={"auth_model": "oauth"}) for spec in AUTH_SPECS.values()
]
# A scan whose other 80% of weight is measured and clean (access stands in for it).
CLEAN_REST = dataclasses.replace(
    POLICY, weights=MappingProxyType({Dimension.IDENTITY: 20.0, Dimension.ACCESS: 80.0})
)


def scan(
    outcomes: Mapping[str, Outcome] = MappingProxyType({}),
    *,
    age: float | None = 4000.0,
    transfer: float | None = None,
) -> TrustScore:
    found = [*domain_findings(outcomes, age=age, transfer=transfer), *CLEAN_AUTH]
    return score_findings(found, SPECS | AUTH_SPECS, CLEAN_REST)


def gate_ids(score: TrustScore) -> list[str]:
    return [gate.id for gate in score.gates]


def test_identity_is_wired_to_this_evaluator_over_13_domain_specs() -> None:
    assert EVALUATORS[Dimension.IDENTITY] is evaluate_identity
    assert len(SPECS) == 13


@pytest.mark.parametrize(("age", "base"), BANDS)
def test_age_base_bands(age: float, base: float) -> None:
    assert age_base(age) == base


@pytest.mark.parametrize(("age", "base"), BANDS)
def test_the_age_base_is_the_score_of_an_otherwise_plain_domain(age: float, base: float) -> None:
    result = identity(domain_findings(PLAIN, age=age))
    assert result.score == base
    assert result.coverage == pytest.approx(10 / 12)  # mail N/A; DNSSEC, CAA unanswered
    assert result.evidence == {"age_days": age, "base": base}
    assert result.cited == ((AGE_PROBE,) if base < 100 else ())


@pytest.mark.parametrize(
    ("age", "transfer", "base"), [(5000, 20, 35.0), (50, 20, 35.0), (5000, 400, 100.0)]
)
def test_a_transfer_resets_the_age(age: float, transfer: float, base: float) -> None:
    result = identity(domain_findings(PLAIN, age=age, transfer=transfer))
    assert (result.score, result.evidence) == (base, {"age_days": min(age, transfer), "base": base})


def test_a_base_lowered_by_a_transfer_cites_the_transfer() -> None:
    assert TRANSFER_PROBE in identity(domain_findings(PLAIN, age=5000, transfer=20)).cited


def test_a_recent_transfer_resets_an_unknown_registration_age() -> None:
    # RDAP can list a transfer event without a registration date: the name changed hands 5 days
    # ago, so it is at most 5 days "old" to its new owner; unknown must not read as old.
    result = identity(domain_findings(PLAIN, age=None, transfer=5))
    assert (result.score, result.evidence) == (10.0, {"age_days": 5.0, "base": 10.0})


@pytest.mark.parametrize(("probe_id", "points"), sorted(DEDUCTIONS.items()))
def test_each_deduction_costs_exactly_its_points_and_is_cited(probe_id: str, points: float) -> None:
    result = identity(domain_findings({**PLAIN, probe_id: TRUE}))
    assert result.score == 100.0 - points
    assert result.cited == (probe_id,)
    assert f"-{points:g} {probe_id}" in result.reason


def test_deductions_add_up_and_stop_at_zero() -> None:
    assert identity(domain_findings({**PLAIN, HOLD: TRUE, EXPIRY: TRUE})).score == 50.0
    result = identity(domain_findings({**PLAIN, MALICIOUS: TRUE, LOOKALIKE: TRUE}))
    assert (result.score, result.cited) == (0.0, (MALICIOUS, LOOKALIKE))


def test_no_bonus_below_90() -> None:
    result = identity(domain_findings({MAIL_PROBE: NA}, age=300))
    assert result.score == 80.0
    assert "(good)" not in result.reason


def test_bonuses_lift_a_score_of_90_and_are_capped_at_100() -> None:
    result = identity(domain_findings({MAIL_PROBE: TRUE}))
    assert result.score == 100.0
    assert result.cited == (MAIL_PROBE,)
    assert result.reason == (
        f"Domain identity: age 4000 d: base 100; -2 {MAIL_PROBE}; "
        f"+5 {DNSSEC} (good); +5 {CAA} (good): 100."
    )
    assert identity(domain_findings({EXPIRY: TRUE, MAIL_PROBE: NA})).score == 100.0  # 90 + 10
    assert identity(domain_findings({EXPIRY: TRUE, MAIL_PROBE: TRUE})).score == 88.0  # < 90


def test_a_bad_hygiene_outcome_earns_no_bonus() -> None:
    result = identity(domain_findings({EXPIRY: TRUE, MAIL_PROBE: NA, DNSSEC: TRUE}))
    assert result.score == 95.0  # 100 - 10 + 5 for CAA only
    assert DNSSEC not in result.reason
    assert identity(domain_findings({EXPIRY: TRUE, MAIL_PROBE: NA, DNSSEC: UNKNOWN})).score == 95.0


@pytest.mark.parametrize(
    ("mail", "score"), [(NA, 80.0), (UNKNOWN, 80.0), (FALSE, 82.0), (TRUE, 78.0)]
)
def test_mail_counts_two_points_only_when_conclusive(mail: Outcome, score: float) -> None:
    assert identity(domain_findings({MAIL_PROBE: mail}, age=300)).score == score


def test_unknown_registration_starts_at_100_with_lower_coverage() -> None:
    result = identity(domain_findings(dict.fromkeys(REGISTRATION, UNKNOWN), age=None))
    assert result.score == 100.0
    assert result.evidence == {"age_days": None, "base": 100.0}
    assert result.coverage == pytest.approx(7 / 13)
    assert result.reason.startswith("Domain identity: age unknown: base 100")


def test_an_ip_literal_is_not_measured() -> None:
    result = identity([spec.finding(NA, "IP literal") for spec in SPECS.values()])
    assert (result.score, result.coverage, result.cited) == (None, 0.0, ())
    assert result.reason == "Not measured: none of the identity probes gave an answer."


def test_the_aggregate_reports_the_same_identity_result() -> None:
    found = domain_findings({LOOKALIKE: TRUE}, age=40)
    score = score_findings(found, SPECS)
    result = next(d for d in score.dimensions if d.name is Dimension.IDENTITY)
    assert result == identity(found)
    assert (result.score, result.cited) == (22.0, (AGE_PROBE, LOOKALIKE))  # 60 + 2 - 40


def test_a_clean_old_domain_fires_no_gate() -> None:
    score = scan()
    assert (score.grade, score.verdict, score.score, score.gates) == ("A", Verdict.ALLOW, 100, ())


def test_a_three_day_old_domain_caps_at_d_and_warns() -> None:
    score = scan(age=3)
    assert gate_ids(score) == ["domain.new_7d", "domain.new_30d"]
    assert (score.grade, score.verdict, score.score) == ("D", Verdict.WARN, 54)


def test_a_three_day_old_domain_alone_never_blocks() -> None:
    assert scan(age=3).verdict is Verdict.WARN
    alone = score_findings(domain_findings(age=3), SPECS)  # real weights, only identity measured
    assert (alone.grade, alone.verdict) == ("?", Verdict.WARN)
    assert {gate.verdict for gate in alone.gates} == {Verdict.WARN}


def test_a_change_of_hands_days_ago_caps_like_a_new_registration() -> None:
    # domain.new_7d: "registered (or changed hands) less than a week ago".
    score = scan(age=5000, transfer=3)
    assert {"domain.new_7d", "domain.new_30d"} <= set(gate_ids(score))
    assert score.grade == "D"


def test_a_young_lookalike_caps_at_d() -> None:
    score = scan({LOOKALIKE: TRUE}, age=40)
    gate = next(g for g in score.gates if g.id == "domain.lookalike")
    assert (gate.cap, gate.verdict, gate.probe_ids) == ("D", Verdict.WARN, (LOOKALIKE, AGE_PROBE))
    assert (score.grade, score.verdict, score.score) == ("D", Verdict.WARN, 54)


def test_an_old_lookalike_is_only_unconfirmed() -> None:
    score = scan({LOOKALIKE: TRUE}, age=4000)
    assert gate_ids(score) == ["domain.lookalike_unconfirmed"]
    assert (score.gates[0].cap, score.gates[0].verdict) == ("B", Verdict.WARN)
    assert (score.grade, score.verdict, score.score) == ("B", Verdict.WARN, 84)


def test_a_lookalike_of_unknown_age_is_only_unconfirmed() -> None:
    score = scan({LOOKALIKE: TRUE, **dict.fromkeys(REGISTRATION, UNKNOWN)}, age=None)
    assert gate_ids(score) == ["domain.lookalike_unconfirmed"]
    assert (score.grade, score.verdict) == ("B", Verdict.WARN)


def test_a_malicious_listing_blocks() -> None:
    score = scan({MALICIOUS: TRUE})
    assert gate_ids(score) == ["domain.dbl_malicious"]
    assert (score.grade, score.verdict, score.score) == ("F", Verdict.BLOCK, 39)


def test_a_low_reputation_listing_caps_at_c() -> None:
    score = scan({LOW_REP: TRUE})
    assert gate_ids(score) == ["domain.dbl_lowrep_or_abused"]
    assert (score.grade, score.verdict, score.score) == ("C", Verdict.WARN, 69)
