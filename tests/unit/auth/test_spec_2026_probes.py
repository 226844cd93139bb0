"""The auth probes of the MCP 2026-07-28 surface beyond their polarity: N/A, N/AV, evidence."""

from __future__ import annotations

import json

import pytest

from probes.auth.documents import parse_authorization_server
from probes.auth.family import AUTH_PROBES
from probes.auth.observation import AuthObservation
from probes.model import Finding, Outcome, Probe
from tests.unit.auth.observations import (
    ISSUER,
    as_documents,
    as_metadata,
    broken_observation,
    oauth_observation,
    open_observation,
    prm,
    prm_documents,
    reply,
)
from tests.unit.auth.spec_2026_cases import speaking, with_metadata

T, F = Outcome.TRUE, Outcome.FALSE
NA, NAV = Outcome.NOT_APPLICABLE, Outcome.NOT_AVAILABLE
PROBES = {probe.spec.id: probe for probe in AUTH_PROBES}
METADATA_PROBES = (
    "auth_issuer_parameter_not_advertised",
    "auth_client_id_metadata_documents_supported",
    "auth_registration_is_dcr_only",
    "auth_enterprise_managed_authorization_supported",
    "auth_machine_grants_use_shared_secrets",
    "auth_dpop_supported",
)


def judge(probe_id: str, observation: AuthObservation) -> Finding:
    probe: Probe[AuthObservation] = PROBES[probe_id]
    (finding,) = probe.judge(observation)
    return finding


@pytest.mark.parametrize("probe_id", METADATA_PROBES)
def test_metadata_probes_need_an_oauth_server_and_its_metadata(probe_id: str) -> None:
    assert judge(probe_id, open_observation()).outcome is NA
    assert judge(probe_id, broken_observation()).outcome is NA
    unreachable = as_documents()[0]
    failed = type(unreachable)(
        issuer=ISSUER, variant=unreachable.variant, reply=reply(status=None, error="timeout: x")
    )
    assert judge(probe_id, oauth_observation(authorization_servers=(failed,))).outcome is NAV


def test_the_iss_flag_set_false_is_as_bad_as_absent() -> None:
    finding = judge(
        "auth_issuer_parameter_not_advertised",
        with_metadata(authorization_response_iss_parameter_supported=False),
    )
    assert finding.outcome is T
    assert "judged from metadata" in finding.message
    assert finding.evidence["authorization_response_iss_parameter_supported"] == (f"{ISSUER}=False")


def test_dcr_only_carries_the_deprecation_dates_and_needs_an_endpoint() -> None:
    finding = judge(
        "auth_registration_is_dcr_only", with_metadata(client_id_metadata_document_supported=None)
    )
    assert finding.outcome is T
    assert (finding.evidence["deprecated_in"], finding.evidence["earliest_removal"]) == (
        "2026-07-28",
        "2027-07-28",
    )
    assert finding.evidence["registration_endpoints"] == f"{ISSUER}/register"
    pre_registered = with_metadata(registration_endpoint=None)
    assert judge("auth_registration_is_dcr_only", pre_registered).outcome is NA
    assert judge("auth_client_id_metadata_documents_supported", pre_registered).outcome is T


def test_machine_grants_default_to_client_secret_basic_and_need_a_machine_grant() -> None:
    absent = with_metadata(
        grant_types_supported=("client_credentials",), token_endpoint_auth_methods_supported=None
    )
    finding = judge("auth_machine_grants_use_shared_secrets", absent)
    assert finding.outcome is T
    assert finding.evidence["token_endpoint_auth_methods_supported"] == (
        f"{ISSUER}=client_secret_basic"
    )
    user_only = with_metadata(grant_types_supported=("authorization_code",))
    assert judge("auth_machine_grants_use_shared_secrets", user_only).outcome is NA
    # RFC 8414: an absent grant_types_supported means authorization_code and implicit.
    default = with_metadata(grant_types_supported=None)
    assert judge("auth_machine_grants_use_shared_secrets", default).outcome is NA
    assert judge("auth_enterprise_managed_authorization_supported", default).outcome is F


def test_dpop_none_and_symmetric_algorithms_do_not_count() -> None:
    finding = judge(
        "auth_dpop_supported", with_metadata(dpop_signing_alg_values_supported=("none", "HS256"))
    )
    assert finding.outcome is F
    assert finding.evidence["dpop_unsafe_algorithms"] == "none,HS256"
    absent = judge("auth_dpop_supported", with_metadata(dpop_signing_alg_values_supported=None))
    assert absent.outcome is F
    assert absent.evidence["dpop_signing_alg_values_supported"] == f"{ISSUER}=(absent)"


def test_one_lacking_server_of_two_decides() -> None:
    other = "https://login.example.org"
    documents = (
        *as_documents(),
        *as_documents(
            as_metadata(issuer=other, authorization_response_iss_parameter_supported=None),
            issuer=other,
        ),
    )
    listing_both = prm_documents(prm(authorization_servers=(ISSUER, other)))
    observation = oauth_observation(
        authorization_servers=documents, protected_resource=listing_both
    )
    finding = judge("auth_issuer_parameter_not_advertised", observation)
    assert finding.outcome is T
    assert other in finding.message


def test_wrong_types_in_the_new_fields_are_ignored_not_fatal() -> None:
    body = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/authorize",
        "token_endpoint": f"{ISSUER}/token",
        "authorization_response_iss_parameter_supported": "yes",
        "grant_types_supported": "client_credentials",
        "dpop_signing_alg_values_supported": [1, 2],
        "token_endpoint_auth_methods_supported": ["private_key_jwt", "x" * 10_000],
    }
    metadata, problem = parse_authorization_server(json.dumps(body).encode(), "application/json")
    assert problem is None
    assert metadata is not None
    assert metadata.ignored_fields == (
        "authorization_response_iss_parameter_supported",
        "grant_types_supported",
        "dpop_signing_alg_values_supported",
    )
    assert metadata.authorization_response_iss_parameter_supported is None
    assert metadata.token_endpoint_auth_methods_supported is not None
    assert max(map(len, metadata.token_endpoint_auth_methods_supported)) == 200
    finding = judge("auth_issuer_parameter_not_advertised", with_metadata(ignored_fields=("x",)))
    assert finding.evidence["ignored_fields"] == f"{ISSUER}:x"


def test_extensions_evidence_names_the_auth_extensions() -> None:
    ids = (
        "io.modelcontextprotocol/ui",
        "io.modelcontextprotocol/oauth-client-credentials",
    )
    finding = judge(
        "mcp_server_declares_extensions", speaking("stateless", "tools", extensions=ids)
    )
    assert finding.outcome is T
    assert finding.evidence["auth_extensions"] == "io.modelcontextprotocol/oauth-client-credentials"
    refused = oauth_observation()
    assert judge("mcp_server_declares_extensions", refused).outcome is NAV


def test_deprecated_features_carry_their_dates() -> None:
    finding = judge(
        "mcp_server_offers_deprecated_features", speaking("streamable", "logging", "tools")
    )
    assert finding.outcome is T
    assert finding.evidence["deprecated_features"] == "Logging"
    assert finding.evidence["deprecated_in"] == "Logging=2026-07-28"
    legacy = judge("mcp_server_offers_deprecated_features", speaking("legacy_sse", "sampling"))
    assert legacy.evidence["deprecated_features"] == "HTTP+SSE transport,Sampling"
    assert "HTTP+SSE transport=2025-03-26" in str(legacy.evidence["deprecated_in"])
    assert judge("mcp_server_offers_deprecated_features", oauth_observation()).outcome is NAV
