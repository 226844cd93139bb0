"""Access (auth model): a baseline per auth model, then deductions per bad auth finding.

scoring.md 8.2.2 in spirit: OAuth with clean discovery keeps 100, a declared API key 90, a
broken (undiscoverable) model 80, and an open endpoint 70 by itself. Open with destructive
tools is a cross-family matter (the `auth.none_destructive` cap), so it is not judged here.
Each bad finding then costs a fixed number of points, so every point lost names its probe.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from probes.model import Finding
from trustsvc.scoring.dimensions.common import DimensionInput, check_expected, coverage, is_bad
from trustsvc.scoring.dimensions.generic import evaluate_by_deduction
from trustsvc.scoring.types import DimensionResult

AUTH_MODEL_KEY = "auth_model"

BASELINES: Final[Mapping[str, float]] = MappingProxyType(
    {"oauth": 100.0, "declared-key": 90.0, "broken": 80.0, "none": 70.0}
)
# Points a bad outcome costs. The model's own probes (open, broken) cost nothing here: the
# baseline already prices them. The challenge and the PRM's presence matter only for OAuth:
# for a broken model their absence is what makes it broken.
DEDUCTIONS: Final[Mapping[str, float]] = MappingProxyType(
    {
        "auth_dangerous_url_scheme_advertised": 30.0,
        "auth_protected_resource_metadata_published": 15.0,
        "auth_protected_resource_metadata_invalid": 15.0,
        "auth_authorization_server_metadata_invalid": 15.0,
        "auth_bogus_origin_accepted": 15.0,  # scoring.md 8.2.2: -15, high
        "auth_pkce_s256_supported": 10.0,  # scoring.md 8.2.2: -10
        "auth_session_id_weak": 10.0,
        "auth_challenge_lacks_resource_metadata": 5.0,
        "auth_issuer_parameter_not_advertised": 5.0,  # RFC 9207, MCP 2026-07-28: low
        "auth_machine_grants_use_shared_secrets": 5.0,  # ext-auth: private_key_jwt, low
        "auth_unsupported_protocol_version_accepted": 5.0,
    }
)
# The probe whose bad outcome is the model itself, cited with the baseline.
MODEL_PROBES: Final[Mapping[str, str]] = MappingProxyType(
    {"none": "auth_endpoint_open_without_credentials", "broken": "auth_model_broken"}
)
OAUTH_ONLY: Final[frozenset[str]] = frozenset(
    {"auth_protected_resource_metadata_published", "auth_challenge_lacks_resource_metadata"}
)


def _model(findings: tuple[Finding, ...]) -> str | None:
    """The auth model the collection classified, from any finding that carries it."""
    for finding in findings:
        model = finding.evidence.get(AUTH_MODEL_KEY)
        if isinstance(model, str) and model in BASELINES:
            return model
    return None


def _deductions(data: DimensionInput, model: str) -> list[tuple[str, float]]:
    """(probe id, points) for each bad finding that costs points under this model."""
    lost: dict[str, float] = {}
    for finding in data.findings:
        points = DEDUCTIONS.get(finding.probe_id)
        if points is None or not is_bad(finding, data.specs):
            continue
        if finding.probe_id in OAUTH_ONLY and model != "oauth":
            continue
        lost[finding.probe_id] = points
    return sorted(lost.items(), key=lambda item: (-item[1], item[0]))


def evaluate_access(data: DimensionInput) -> DimensionResult:
    """Score access from the auth model's baseline minus the deductions of bad findings."""
    check_expected(data)
    if not data.specs:
        return evaluate_by_deduction(data)  # "no access probes exist in this release"
    model = _model(data.findings)
    covered = coverage(data)
    if model is None or covered == 0.0:
        return DimensionResult(
            name=data.dimension,
            score=None,
            weight=data.weight,
            coverage=covered,
            reason=f"Not measured: the {data.dimension} probes did not classify the auth model.",
        )
    baseline = BASELINES[model]
    lost = _deductions(data, model)
    score = max(0.0, baseline - sum(points for _, points in lost))
    model_probe = MODEL_PROBES.get(model)
    why = f"{model_probe}, " if model_probe else ""
    reason = f"Auth model {model} ({why}baseline {baseline:g})"
    if lost:
        reason += "; " + ", ".join(f"-{points:g} {probe_id}" for probe_id, points in lost)
    reason += f": {score:g}."
    cited = tuple(p for p in (model_probe, *(probe_id for probe_id, _ in lost)) if p)
    return DimensionResult(
        name=data.dimension,
        score=score,
        weight=data.weight,
        coverage=covered,
        reason=reason,
        cited=cited,
        evidence={AUTH_MODEL_KEY: model, "baseline": baseline},
    )
