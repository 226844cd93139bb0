"""Scoring from literal findings: prior, confidence, gates, grades and verdicts."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

from probes.model import Evidence, Family, Finding, Outcome, ProbeSpec, Severity
from trustsvc.scoring.aggregate import score_findings
from trustsvc.scoring.dimensions import DimensionInput, ScoringBugError
from trustsvc.scoring.dimensions.transport import evaluate_transport
from trustsvc.scoring.policy import POLICY, GateRule, ScoringPolicy
from trustsvc.scoring.types import Dimension, Verdict

BAD_FALSE = {
    "tls_1_2_supported",
    "tls_1_3_supported",
    "tls_forward_secrecy_supported",
    "tls_aead_supported",
    "tls_secure_renegotiation_supported",
    "tls_hsts_enforced",
}
TLS_IDS = sorted({pid for gate in POLICY.gates for pid in gate.probe_ids} | {"tls_rating_below_a"})
SEVERITY = {
    "tls_endpoint_uses_plaintext_http": Severity.CRITICAL,
    "tls_certificate_expired": Severity.CRITICAL,
    "tls_1_0_offered": Severity.MEDIUM,
    "tls_hsts_enforced": Severity.LOW,
}


def make_spec(probe_id: str) -> ProbeSpec:
    return ProbeSpec(
        id=probe_id,
        family=Family.TLS,
        question=f"{probe_id}?",
        rationale="test",
        bad_outcome=Outcome.FALSE if probe_id in BAD_FALSE else Outcome.TRUE,
        severity=SEVERITY.get(probe_id, Severity.MEDIUM),
        remediation="fix",
    )


CATALOGUE = {pid: make_spec(pid) for pid in TLS_IDS}
A_PLUS: Evidence = {"rating_grade": "A+", "final_score": 96, "caps": "", "warnings": ""}


def tls_findings(
    bad: frozenset[str] = frozenset(),
    *,
    rating: Evidence = MappingProxyType(A_PLUS),
    outcome: Outcome | None = None,
) -> list[Finding]:
    found = []
    for pid, spec in CATALOGUE.items():
        evidence = rating if pid == "tls_rating_below_a" else {}
        if outcome is not None:
            found.append(spec.finding(outcome, "unknown"))
        else:
            found.append(spec.judged(pid in bad, f"{pid} observed", evidence=evidence))
    return found


TRANSPORT_ONLY = dataclasses.replace(POLICY, weights=MappingProxyType({Dimension.TRANSPORT: 20.0}))


def test_nothing_measured_gives_the_neutral_prior_and_no_grade() -> None:
    score = score_findings(tls_findings(outcome=Outcome.NOT_AVAILABLE), CATALOGUE)
    assert (score.score, score.score_measured, score.grade, score.verdict) == (
        50,
        None,
        "?",
        Verdict.WARN,
    )
    assert score.confidence == 0.0
    # No endpoint probe answered: evidence.none (could not assess) replaces "insufficient".
    assert [g.id for g in score.gates] == ["evidence.none"]
    transport = next(d for d in score.dimensions if d.name is Dimension.TRANSPORT)
    assert transport.score is None
    assert transport.reason.startswith("Not measured")


def test_unmeasured_dimensions_pull_toward_the_prior_never_toward_100() -> None:
    score = score_findings(tls_findings(), CATALOGUE)
    # transport 96 at weight 20, five unmeasured dimensions at 50 with weight 80
    assert score.score == round((20 * 96 + 80 * 50) / 100)
    assert score.score_measured == 96
    assert score.confidence == 0.2
    assert (score.grade, score.verdict) == ("?", Verdict.WARN)
    unmeasured = [d for d in score.dimensions if d.name is not Dimension.TRANSPORT]
    assert {d.name for d in unmeasured} == set(Dimension) - {Dimension.TRANSPORT}
    assert all(d.score is None and d.coverage == 0.0 for d in unmeasured)


def test_an_untrusted_certificate_forces_block_whatever_the_confidence() -> None:
    rating: Evidence = {"rating_grade": "T", "final_score": 0, "caps": "T:expired", "warnings": ""}
    score = score_findings(
        tls_findings(frozenset({"tls_certificate_expired"}), rating=rating), CATALOGUE
    )
    assert (score.grade, score.verdict) == ("F", Verdict.BLOCK)
    assert score.score <= POLICY.cap_ceilings["F"]
    gate = next(g for g in score.gates if g.id == "tls.untrusted")
    assert gate.probe_ids == ("tls_certificate_expired",)
    assert "tls_certificate_expired observed" in gate.reason


def test_plaintext_http_scores_transport_zero_and_blocks() -> None:
    spec = CATALOGUE["tls_endpoint_uses_plaintext_http"]
    found = [
        spec.finding(Outcome.TRUE, "plain http")
        if s.id == spec.id
        else s.finding(Outcome.NOT_APPLICABLE, "n/a")
        for s in CATALOGUE.values()
    ]
    score = score_findings(found, CATALOGUE, TRANSPORT_ONLY)
    transport = score.dimensions[0]
    assert (transport.score, transport.coverage) == (0.0, 1.0)
    assert (score.grade, score.verdict, score.score) == ("F", Verdict.BLOCK, 0)


@pytest.mark.parametrize(
    ("bad", "rating_grade", "final", "grade", "verdict", "gate"),
    [
        (frozenset(), "A+", 96, "A+", Verdict.ALLOW, None),
        (frozenset({"tls_hsts_enforced"}), "A-", 96, "A-", Verdict.ALLOW, "tls.warning"),
        (frozenset({"tls_1_0_offered"}), "B", 92, "B", Verdict.ALLOW, "tls.b_class"),
        (frozenset({"tls_1_2_supported"}), "C", 90, "C", Verdict.WARN, "tls.c_class"),
        (frozenset({"tls_null_cipher_accepted"}), "F", 0, "F", Verdict.BLOCK, "tls.broken"),
    ],
)
def test_tls_gates_cap_the_grade_when_evidence_is_complete(
    bad: frozenset[str],
    rating_grade: str,
    final: int,
    grade: str,
    verdict: Verdict,
    gate: str | None,
) -> None:
    rating: Evidence = {
        "rating_grade": rating_grade,
        "final_score": final,
        "caps": "",
        "warnings": "",
    }
    score = score_findings(tls_findings(bad, rating=rating), CATALOGUE, TRANSPORT_ONLY)
    assert score.confidence == 1.0
    assert (score.grade, score.verdict) == (grade, verdict)
    assert [g.id for g in score.gates] == ([gate] if gate else [])
    ceiling = POLICY.cap_ceilings.get(grade, 100.0)
    assert score.score <= ceiling


def test_low_confidence_caps_the_verdict_at_warn() -> None:
    policy = dataclasses.replace(POLICY, min_confidence_for_grade=0.1)
    score = score_findings(tls_findings(), CATALOGUE, policy)
    assert score.grade != "?"
    assert score.verdict is Verdict.WARN


def test_transport_score_is_bounded_by_the_tls_letter() -> None:
    rating: Evidence = {"rating_grade": "B", "final_score": 92, "caps": "tls_1_0", "warnings": ""}
    score = score_findings(tls_findings(frozenset({"tls_1_0_offered"}), rating=rating), CATALOGUE)
    transport = next(d for d in score.dimensions if d.name is Dimension.TRANSPORT)
    assert transport.score == POLICY.tls_grade_ceilings["B"]
    assert transport.evidence["rating_grade"] == "B"
    assert "capped by tls_1_0" in transport.reason


def test_an_evaluator_given_unexpected_probe_ids_raises() -> None:
    data = DimensionInput(
        dimension=Dimension.TRANSPORT,
        weight=20.0,
        findings=tuple(tls_findings()[:-1]),
        specs=CATALOGUE,
        policy=POLICY,
    )
    with pytest.raises(ScoringBugError, match="missing"):
        evaluate_transport(data)


def test_policy_weights_cover_every_dimension() -> None:
    assert set(POLICY.weights) == set(Dimension)
    assert set(POLICY.sources) == set(Dimension)
    assert isinstance(POLICY, ScoringPolicy)


def test_a_gate_with_also_requires_fires_only_when_both_sides_are_bad() -> None:
    open_spec = ProbeSpec(
        id="auth_endpoint_open_without_credentials",
        family=Family.AUTH,
        question="Open?",
        rationale="test",
        bad_outcome=Outcome.TRUE,
        severity=Severity.MEDIUM,
        remediation="fix",
    )
    destructive = ProbeSpec(
        id="tool_capability_is_destructive",
        family=Family.TOOLS,
        question="Destructive?",
        rationale="test",
        bad_outcome=Outcome.TRUE,
        severity=Severity.MEDIUM,
        remediation="fix",
    )
    gate = GateRule(
        id="auth.none_destructive",
        summary="anyone can call a destructive tool",
        probe_ids=frozenset({open_spec.id}),
        also_requires=frozenset({destructive.id}),
        cap="C",
        verdict=Verdict.WARN,
    )
    policy = dataclasses.replace(TRANSPORT_ONLY, gates=(gate,))
    catalogue = {**CATALOGUE, open_spec.id: open_spec, destructive.id: destructive}

    def fired(*, is_open: bool, is_destructive: bool) -> list[str]:
        found = [
            *tls_findings(),
            open_spec.judged(is_open, "open"),
            destructive.judged(is_destructive, "deletes", subject="tool:delete_repo"),
            destructive.judged(False, "reads", subject="tool:get_repo"),
        ]
        score = score_findings(found, catalogue, policy)
        return [g.id for g in score.gates]

    assert fired(is_open=True, is_destructive=True) == ["auth.none_destructive"]
    assert fired(is_open=True, is_destructive=False) == []
    assert fired(is_open=False, is_destructive=True) == []
    score = score_findings(
        [*tls_findings(), open_spec.judged(True, "open"), destructive.judged(True, "deletes")],
        catalogue,
        policy,
    )
    [gate_fired] = score.gates
    assert gate_fired.probe_ids == (
        "auth_endpoint_open_without_credentials",
        "tool_capability_is_destructive",
    )
    assert score.grade == "C"
    assert score.verdict is Verdict.WARN
