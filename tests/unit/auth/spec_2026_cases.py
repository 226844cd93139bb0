"""Both outcomes for the auth probes of the MCP 2026-07-28 surface (issue 18).

Authorization server metadata variants and handshakes that declare extensions or deprecated
features; polarity_cases.py adds these to the family's cases.
"""

from __future__ import annotations

from dataclasses import replace

from probes.auth.observation import AuthObservation
from probes.model import Outcome
from tests.unit.auth.observations import (
    as_documents,
    as_metadata,
    oauth_observation,
    open_observation,
    opened,
)

T, F = Outcome.TRUE, Outcome.FALSE
SECRET_BASIC = ("client_secret_basic", "client_secret_post")


def with_metadata(**changes: object) -> AuthObservation:
    """The healthy OAuth observation with its authorization server metadata changed."""
    return oauth_observation(authorization_servers=as_documents(as_metadata(**changes)))


def speaking(
    generation: str, *capabilities: str, extensions: tuple[str, ...] = ()
) -> AuthObservation:
    """An open endpoint whose handshake answered in `generation` with these capabilities."""
    handshake = replace(opened(), generation=generation)
    return open_observation(
        unauthenticated=handshake, server_capabilities=capabilities, extensions=extensions
    )


SPEC_2026_CASES: list[tuple[str, AuthObservation, Outcome]] = [
    (
        "auth_issuer_parameter_not_advertised",
        with_metadata(authorization_response_iss_parameter_supported=None),
        T,
    ),
    ("auth_issuer_parameter_not_advertised", oauth_observation(), F),
    (
        "auth_client_id_metadata_documents_supported",
        with_metadata(client_id_metadata_document_supported=None),
        F,
    ),
    ("auth_client_id_metadata_documents_supported", oauth_observation(), T),
    (
        "auth_registration_is_dcr_only",
        with_metadata(client_id_metadata_document_supported=False),
        T,
    ),
    ("auth_registration_is_dcr_only", oauth_observation(), F),
    (
        "auth_enterprise_managed_authorization_supported",
        with_metadata(grant_types_supported=("authorization_code",)),
        F,
    ),
    ("auth_enterprise_managed_authorization_supported", oauth_observation(), T),
    (
        "auth_machine_grants_use_shared_secrets",
        with_metadata(
            grant_types_supported=("client_credentials",),
            token_endpoint_auth_methods_supported=SECRET_BASIC,
        ),
        T,
    ),
    ("auth_machine_grants_use_shared_secrets", oauth_observation(), F),
    ("auth_dpop_supported", with_metadata(dpop_signing_alg_values_supported=("HS256",)), F),
    ("auth_dpop_supported", oauth_observation(), T),
    (
        "mcp_server_declares_extensions",
        speaking("stateless", "tools", "extensions", extensions=("io.modelcontextprotocol/ui",)),
        T,
    ),
    ("mcp_server_declares_extensions", speaking("stateless", "tools"), F),
    ("mcp_server_offers_deprecated_features", speaking("legacy_sse", "tools"), T),
    ("mcp_server_offers_deprecated_features", speaking("streamable", "tools"), F),
]
