"""The access evaluator from literal auth findings: baselines per model, deductions, coverage."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from probes.auth.family import AUTH_PROBES
from probes.model import Finding, Outcome
from trustsvc.scoring.aggregate import score_findings
from trustsvc.scoring.dimensions import EVALUATORS, DimensionInput, ScoringBugError
from trustsvc.scoring.dimensions.access import evaluate_access
from trustsvc.scoring.policy import POLICY
from trustsvc.scoring.types import Dimension

SPECS = {probe.spec.id: probe.spec for probe in AUTH_PROBES}
OPEN = "auth_endpoint_open_without_credentials"
BROKEN = "auth_model_broken"
# Probes whose question does not arise for a model (judged NOT_APPLICABLE by the family).
MOOT = {
    "none": {
        "auth_challenge_lacks_resource_metadata",
        "auth_protected_resource_metadata_published",
        "auth_protected_resource_metadata_invalid",
        "auth_authorization_server_metadata_invalid",
        "auth_pkce_s256_supported",
    },
    "oauth": {"auth_bogus_origin_accepted", "auth_session_id_weak"},
}


def findings(
    model: str, bad: frozenset[str] = frozenset(), outcomes: Mapping[str, Outcome] | None = None
) -> list[Finding]:
    """One finding per auth spec: good unless listed in `bad`; the model's own probe follows it."""
    found = []
    bad = bad | ({OPEN} if model == "none" else set()) | ({BROKEN} if model == "broken" else set())
    for probe_id, spec in SPECS.items():
        evidence = {"auth_model": model}
        if outcomes and probe_id in outcomes:
            found.append(spec.finding(outcomes[probe_id], "given", evidence=evidence))
        elif probe_id in MOOT.get(model, set()) and probe_id not in bad:
            found.append(spec.finding(Outcome.NOT_APPLICABLE, "moot", evidence=evidence))
        else:
            found.append(spec.judged(probe_id in bad, f"{probe_id} observed", evidence=evidence))
    return found


def evaluate(found: list[Finding]) -> tuple[float | None, str, tuple[str, ...]]:
    data = DimensionInput(
        dimension=Dimension.ACCESS, weight=20.0, findings=tuple(found), specs=SPECS, policy=POLICY
    )
    result = evaluate_access(data)
    return result.score, result.reason, result.cited


def test_access_is_wired_to_this_evaluator() -> None:
    assert EVALUATORS[Dimension.ACCESS] is evaluate_access


@pytest.mark.parametrize(
    ("model", "score"), [("oauth", 100.0), ("declared-key", 90.0), ("broken", 80.0), ("none", 70.0)]
)
def test_baseline_per_model(model: str, score: float) -> None:
    assert evaluate(findings(model))[0] == score


def test_clean_oauth_reason() -> None:
    assert evaluate(findings("oauth")) == (100.0, "Auth model oauth (baseline 100): 100.", ())


def test_open_endpoint_cites_the_probe_that_makes_it_open() -> None:
    score, reason, cited = evaluate(findings("none"))
    assert (score, cited) == (70.0, (OPEN,))
    assert reason == f"Auth model none ({OPEN}, baseline 70): 70."


def test_deductions_are_listed_largest_first_and_cited() -> None:
    bad = frozenset({"auth_pkce_s256_supported", "auth_authorization_server_metadata_invalid"})
    score, reason, cited = evaluate(findings("oauth", bad))
    assert score == 75.0
    assert cited == ("auth_authorization_server_metadata_invalid", "auth_pkce_s256_supported")
    assert reason == (
        "Auth model oauth (baseline 100); -15 auth_authorization_server_metadata_invalid, "
        "-10 auth_pkce_s256_supported: 75."
    )


def test_hygiene_deductions_apply_to_open_endpoints() -> None:
    bad = frozenset(
        {
            "auth_bogus_origin_accepted",
            "auth_session_id_weak",
            "auth_unsupported_protocol_version_accepted",
        }
    )
    assert evaluate(findings("none", bad))[0] == 70.0 - 15 - 10 - 5


def test_discovery_gaps_cost_nothing_extra_when_they_make_the_model_broken() -> None:
    bad = frozenset(
        {"auth_challenge_lacks_resource_metadata", "auth_protected_resource_metadata_published"}
    )
    assert evaluate(findings("broken", bad))[0] == 80.0
    assert evaluate(findings("oauth", bad))[0] == 80.0


def test_the_score_never_drops_below_zero() -> None:
    everything = frozenset(SPECS) - {
        "auth_pkce_s256_supported",
        "auth_protected_resource_metadata_published",
    }
    outcomes = {
        "auth_pkce_s256_supported": Outcome.FALSE,
        "auth_protected_resource_metadata_published": Outcome.FALSE,
    }
    score, _, cited = evaluate(findings("oauth", everything, outcomes))
    assert score == 0.0
    assert "auth_dangerous_url_scheme_advertised" in cited


def test_not_applicable_findings_do_not_lower_coverage() -> None:
    data = DimensionInput(
        dimension=Dimension.ACCESS,
        weight=20.0,
        findings=tuple(findings("none")),
        specs=SPECS,
        policy=POLICY,
    )
    assert evaluate_access(data).coverage == 1.0
    assert evaluate_access(data).evidence == {"auth_model": "none", "baseline": 70.0}


def test_unavailable_findings_lower_coverage() -> None:
    outcomes = {"auth_pkce_s256_supported": Outcome.NOT_AVAILABLE}
    data = DimensionInput(
        dimension=Dimension.ACCESS,
        weight=20.0,
        findings=tuple(findings("oauth", outcomes=outcomes)),
        specs=SPECS,
        policy=POLICY,
    )
    result = evaluate_access(data)
    assert result.score == 100.0
    applicable = len(SPECS) - len(MOOT["oauth"])
    assert result.coverage == pytest.approx((applicable - 1) / applicable)


def test_a_failed_collection_is_inconclusive() -> None:
    failed = [spec.finding(Outcome.NOT_AVAILABLE, "Not measured") for spec in SPECS.values()]
    score, reason, _ = evaluate(failed)
    assert score is None
    assert reason.startswith("Not measured")


def test_unexpected_findings_are_a_bug() -> None:
    with pytest.raises(ScoringBugError):
        evaluate(findings("oauth")[1:])


def test_no_auth_specs_means_not_measured() -> None:
    data = DimensionInput(
        dimension=Dimension.ACCESS, weight=20.0, findings=(), specs={}, policy=POLICY
    )
    result = evaluate_access(data)
    assert (result.score, result.reason) == (
        None,
        "Not measured: no access probes exist in this release.",
    )


def test_the_aggregate_shows_the_access_dimension() -> None:
    score = score_findings(findings("oauth", frozenset({"auth_bogus_origin_accepted"})), SPECS)
    access = next(d for d in score.dimensions if d.name is Dimension.ACCESS)
    assert (access.score, access.cited) == (85.0, ("auth_bogus_origin_accepted",))
