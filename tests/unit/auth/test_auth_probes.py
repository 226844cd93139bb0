"""The auth probes, judged from hand-built observations: catalogue, polarity, gates, evidence."""

from __future__ import annotations

import pytest

from probes.auth.family import AUTH_PROBES
from probes.auth.observation import (
    AdvertisedUrl,
    AsDocument,
    AsVariant,
    AuthObservation,
    PrmDocument,
    PrmSource,
)
from probes.auth.www_authenticate import parse_www_authenticate
from probes.model import Family, Finding, Outcome, Probe, Severity
from tests.unit.auth.observations import (
    AS_URL,
    ISSUER,
    PLAIN_TOKEN_ENDPOINT,
    PRM_URL,
    SESSION_A,
    SESSION_B,
    as_documents,
    as_metadata,
    broken_observation,
    declared_key_observation,
    oauth_observation,
    open_observation,
    prm,
    prm_documents,
    reply,
)
from tests.unit.auth.polarity_cases import POLARITY_CASES

H, M, L, INF = Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO
T, F = Outcome.TRUE, Outcome.FALSE
NA, NAV = Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE
# The catalogue as scoring depends on it: id, bad outcome, severity, in family order.
EXPECTED_SPECS = [
    ("auth_endpoint_open_without_credentials", T, M),
    ("auth_model_broken", T, M),
    ("auth_challenge_lacks_resource_metadata", T, L),
    ("auth_protected_resource_metadata_published", F, M),
    ("auth_protected_resource_metadata_invalid", T, M),
    ("auth_authorization_server_metadata_invalid", T, H),
    ("auth_pkce_s256_supported", F, M),
    ("auth_issuer_parameter_not_advertised", T, L),
    ("auth_client_id_metadata_documents_supported", F, L),
    ("auth_registration_is_dcr_only", T, INF),
    ("auth_enterprise_managed_authorization_supported", F, INF),
    ("auth_machine_grants_use_shared_secrets", T, L),
    ("auth_dpop_supported", F, INF),
    ("auth_dangerous_url_scheme_advertised", T, H),
    ("auth_bogus_origin_accepted", T, H),
    ("auth_session_id_weak", T, M),
    ("auth_unsupported_protocol_version_accepted", T, L),
    ("mcp_server_declares_extensions", T, INF),
    ("mcp_server_offers_deprecated_features", T, INF),
]
PROBES = {probe.spec.id: probe for probe in AUTH_PROBES}
HEALTHY = {
    "oauth": oauth_observation(),
    "none": open_observation(),
    "declared-key": declared_key_observation(),
}


def judge(probe_id: str, observation: AuthObservation) -> Finding:
    probe: Probe[AuthObservation] = PROBES[probe_id]
    (finding,) = probe.judge(observation)
    return finding


def test_the_catalogue_lists_every_probe_with_its_polarity_and_severity() -> None:
    actual = [(p.spec.id, p.spec.bad_outcome, p.spec.severity) for p in AUTH_PROBES]
    assert actual == EXPECTED_SPECS
    assert all(p.spec.family is Family.AUTH for p in AUTH_PROBES)
    assert all(p.spec.references for p in AUTH_PROBES)


@pytest.mark.parametrize(
    ("probe_id", "observation", "expected"),
    POLARITY_CASES,
    ids=[f"{pid}-{outcome}" for pid, _, outcome in POLARITY_CASES],
)
def test_polarity(probe_id: str, observation: AuthObservation, expected: Outcome) -> None:
    finding = judge(probe_id, observation)
    assert finding.probe_id == probe_id
    assert finding.outcome is expected
    assert finding.message.endswith(".")
    spec = PROBES[probe_id].spec
    assert (finding.remediation is not None) == (expected is spec.bad_outcome)
    assert finding.evidence["auth_model"] in {"oauth", "declared-key", "none", "broken"}
    assert all(
        isinstance(v, str | int | float | bool | type(None)) for v in finding.evidence.values()
    )


@pytest.mark.parametrize("model", sorted(HEALTHY))
def test_healthy_endpoints_have_no_bad_finding(model: str) -> None:
    for probe in AUTH_PROBES:
        (finding,) = probe.judge(HEALTHY[model])
        is_the_model = model == "none" and probe.spec.id == "auth_endpoint_open_without_credentials"
        assert (finding.outcome is probe.spec.bad_outcome) == is_the_model, (model, probe.spec.id)
        assert finding.evidence["auth_model"] == model


def test_session_ids_never_reach_the_evidence() -> None:
    for probe in AUTH_PROBES:
        (finding,) = probe.judge(open_observation())
        assert not any(
            SESSION_A in str(v) or SESSION_B in str(v) for v in finding.evidence.values()
        )


def test_open_endpoint() -> None:
    finding = judge("auth_endpoint_open_without_credentials", open_observation())
    assert finding.evidence["tools_list_status"] == 200
    assert judge("auth_endpoint_open_without_credentials", broken_observation(404)).outcome is NA
    assert judge("auth_model_broken", broken_observation(404)).outcome is T
    assert judge("auth_model_broken", declared_key_observation()).outcome is F


def test_challenge_probe_applies_to_oauth_and_broken_401s_only() -> None:
    probe = "auth_challenge_lacks_resource_metadata"
    assert judge(probe, broken_observation()).outcome is T
    assert judge(probe, broken_observation(403)).outcome is NA
    assert judge(probe, declared_key_observation()).outcome is NA
    assert judge(probe, open_observation()).message == (
        "No OAuth 401 challenge to judge: the endpoint is open."
    )
    evidence = judge(probe, oauth_observation()).evidence
    assert (evidence["scope"], evidence["challenge_error"]) == ("mcp:tools", "invalid_token")


def test_prm_published_is_unavailable_when_a_fetch_failed() -> None:
    failed = PrmDocument(
        source=PrmSource.CHALLENGE, reply=reply(PRM_URL, None, error="refused_by_policy: x")
    )
    observation = oauth_observation(protected_resource=(failed,))
    finding = judge("auth_protected_resource_metadata_published", observation)
    assert finding.outcome is NAV
    assert "refused_by_policy" in str(finding.evidence["fetch_errors"])
    assert judge("auth_protected_resource_metadata_published", broken_observation()).outcome is F
    assert judge("auth_protected_resource_metadata_published", open_observation()).outcome is NA


@pytest.mark.parametrize(
    ("metadata_changes", "problem"),
    [
        ({"authorization_servers": ()}, "authorization_servers is empty"),
        ({"authorization_servers": ("http://as.example",)}, "is not https"),
        ({"resource": "https://mcp.example.com/mcp/"}, "trailing-slash"),
        ({"resource": None}, "resource is missing"),
    ],
)
def test_prm_invalid_names_the_problem(metadata_changes: dict[str, object], problem: str) -> None:
    observation = oauth_observation(protected_resource=prm_documents(prm(**metadata_changes)))
    finding = judge("auth_protected_resource_metadata_invalid", observation)
    assert finding.outcome is T
    assert problem in str(finding.evidence["problems"])


def test_an_unparseable_prm_is_invalid() -> None:
    unusable = PrmDocument(
        source=PrmSource.ROOT, reply=reply(), problem="the body is not valid JSON"
    )
    observation = oauth_observation(protected_resource=(*prm_documents()[:2], unusable))
    finding = judge("auth_protected_resource_metadata_invalid", observation)
    assert (finding.outcome, finding.evidence["problem_count"]) == (T, 1)


def _as_tries(*statuses: int | None) -> tuple[AsDocument, ...]:
    variants = (AsVariant.OAUTH_ROOT, AsVariant.OIDC_ROOT)
    return tuple(
        AsDocument(
            issuer=ISSUER,
            variant=variant,
            reply=reply(AS_URL, status, result=False, error=None if status else "timeout: slow"),
        )
        for variant, status in zip(variants, statuses, strict=True)
    )


def test_as_metadata_missing_everywhere_is_invalid_but_a_failed_fetch_is_unknown() -> None:
    probe = "auth_authorization_server_metadata_invalid"
    missing = oauth_observation(authorization_servers=_as_tries(404, 404))
    assert judge(probe, missing).outcome is T
    assert "no metadata at any" in str(judge(probe, missing).evidence["problems"])
    unknown = oauth_observation(authorization_servers=_as_tries(404, None))
    assert judge(probe, unknown).outcome is NAV
    assert judge("auth_pkce_s256_supported", unknown).outcome is NAV
    assert judge(probe, open_observation()).outcome is NA


def test_as_metadata_from_the_second_variant_is_used() -> None:
    found = AsDocument(
        issuer=ISSUER, variant=AsVariant.OIDC_ROOT, reply=reply(AS_URL), metadata=as_metadata()
    )
    observation = oauth_observation(authorization_servers=(*_as_tries(404, 404)[:1], found))
    assert judge("auth_authorization_server_metadata_invalid", observation).outcome is F
    evidence = judge("auth_pkce_s256_supported", observation).evidence
    assert evidence["code_challenge_methods"] == f"{ISSUER}=S256"
    assert evidence["registration_endpoints"] == f"{ISSUER}/register"
    assert evidence["client_id_metadata_document_supported"] is True


def test_as_metadata_with_plain_http_endpoints_is_invalid() -> None:
    metadata = as_metadata(token_endpoint=PLAIN_TOKEN_ENDPOINT)
    observation = oauth_observation(authorization_servers=as_documents(metadata))
    assert judge("auth_authorization_server_metadata_invalid", observation).outcome is T


def test_pkce_absent_field_is_bad() -> None:
    metadata = as_metadata(code_challenge_methods_supported=None)
    observation = oauth_observation(authorization_servers=as_documents(metadata))
    finding = judge("auth_pkce_s256_supported", observation)
    assert finding.outcome is F
    assert finding.evidence["code_challenge_methods"] == f"{ISSUER}=(absent)"


@pytest.mark.parametrize(
    ("observation", "outcome"),
    [
        (
            open_observation(
                advertised_urls=(AdvertisedUrl(where="i", url="data:image/png;base64,AA"),)
            ),
            F,
        ),
        (
            open_observation(
                advertised_urls=(AdvertisedUrl(where="i", url="data:text/html,<b>x"),)
            ),
            T,
        ),
        (
            open_observation(advertised_urls=(AdvertisedUrl(where="w", url="file:///etc/passwd"),)),
            T,
        ),
        (
            oauth_observation(
                challenges=parse_www_authenticate(['Bearer resource_metadata="javascript:x"'])
            ),
            T,
        ),
        (oauth_observation(protected_resource=prm_documents(prm(resource="vbscript:x"))), T),
    ],
)
def test_dangerous_urls_anywhere(observation: AuthObservation, outcome: Outcome) -> None:
    finding = judge("auth_dangerous_url_scheme_advertised", observation)
    assert finding.outcome is outcome
    if outcome is T:
        assert finding.subject is not None
        assert finding.subject.startswith("url:")
