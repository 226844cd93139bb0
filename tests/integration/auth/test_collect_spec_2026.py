"""The 2026-07-28 auth surface against real servers on loopback.

An SDK OAuth resource server (lab TLS) points at an aiohttp authorization server that serves
one metadata variant per test; SDK servers without auth declare extensions over the
stateless transport or speak the deprecated HTTP+SSE transport.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from tests.integration.auth.servers import (
    Documents,
    UvicornServer,
    json_server,
    sdk_app,
    server_tls,
)
from tests.integration.auth.support import NA, ContextFactory, F, T, assess
from tests.servers.mcp import mcp_server
from trustsvc.lab.pki import LabPki

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105 - a grant URN
NEW_PROBES = (
    "issuer_parameter_not_advertised",
    "client_id_metadata_documents_supported",
    "registration_is_dcr_only",
    "enterprise_managed_authorization_supported",
    "machine_grants_use_shared_secrets",
    "dpop_supported",
)


def metadata_variant(**fields: object) -> Callable[[str], Documents]:
    """Build a json_server document factory for an RFC 8414 document with these fields."""

    def build(base_url: str) -> Documents:
        issuer = f"{base_url}/issuer"
        metadata = {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            **{
                k: (v.replace("{issuer}", issuer) if isinstance(v, str) else v)
                for k, v in fields.items()
            },
        }
        return {"/.well-known/oauth-authorization-server/issuer": (200, {}, metadata)}

    return build


VARIANTS: Mapping[str, tuple[dict[str, object], dict[str, object]]] = {
    # iss not advertised, registration only through RFC 7591, nothing else.
    "dcr-only-no-iss": (
        {"registration_endpoint": "{issuer}/register"},
        {
            "issuer_parameter_not_advertised": T,
            "client_id_metadata_documents_supported": F,
            "registration_is_dcr_only": T,
            "enterprise_managed_authorization_supported": F,
            "machine_grants_use_shared_secrets": NA,
            "dpop_supported": F,
        },
    ),
    # Enterprise and machine grants with shared secrets only, DPoP with a MAC algorithm.
    "machine-secrets": (
        {
            "authorization_response_iss_parameter_supported": True,
            "client_id_metadata_document_supported": True,
            "grant_types_supported": ["client_credentials", JWT_BEARER, TOKEN_EXCHANGE],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "dpop_signing_alg_values_supported": ["HS256"],
        },
        {
            "issuer_parameter_not_advertised": F,
            "client_id_metadata_documents_supported": T,
            "registration_is_dcr_only": NA,
            "enterprise_managed_authorization_supported": T,
            "machine_grants_use_shared_secrets": T,
            "dpop_supported": F,
        },
    ),
    # Everything current, and a flag of the wrong type that is read as absent.
    "current-with-a-bad-flag": (
        {
            "authorization_response_iss_parameter_supported": "true",
            "client_id_metadata_document_supported": True,
            "registration_endpoint": "{issuer}/register",
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "dpop_signing_alg_values_supported": ["ES256", "EdDSA"],
        },
        {
            "issuer_parameter_not_advertised": T,
            "client_id_metadata_documents_supported": T,
            "registration_is_dcr_only": F,
            "enterprise_managed_authorization_supported": F,
            "machine_grants_use_shared_secrets": F,
            "dpop_supported": T,
        },
    ),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
async def test_authorization_server_metadata_variants(
    variant: str, lab_pki: LabPki, make_ctx: ContextFactory
) -> None:
    fields, expected = VARIANTS[variant]
    leaf = lab_pki["valid"]
    build = metadata_variant(**fields)
    async with json_server(build, tls=server_tls(leaf)) as authorization_server:
        issuer = f"{authorization_server.base_url}/issuer"
        with UvicornServer(lambda base: sdk_app(base, issuer=issuer), tls=leaf) as server:
            result = await assess(server.url, make_ctx())
    outcomes = result.outcomes()
    assert {probe: outcomes[probe] for probe in NEW_PROBES} == expected
    if variant == "current-with-a-bad-flag":
        finding = result.findings["auth_issuer_parameter_not_advertised"]
        assert finding.evidence["ignored_fields"] == (
            f"{issuer}:authorization_response_iss_parameter_supported"
        )
    if variant == "dcr-only-no-iss":
        dcr = result.findings["auth_registration_is_dcr_only"].evidence
        assert (dcr["deprecated_in"], dcr["earliest_removal"]) == ("2026-07-28", "2027-07-28")


async def test_stateless_server_declaring_extensions(make_ctx: ContextFactory) -> None:
    declared = ("io.modelcontextprotocol/oauth-client-credentials", "com.example/feature")
    with mcp_server(mode="stateless", extensions=declared) as server:
        result = await assess(server.url, make_ctx())
    extensions = result.findings["mcp_server_declares_extensions"]
    assert extensions.outcome is T
    assert extensions.evidence["extensions"] == ",".join(declared)
    assert extensions.evidence["auth_extensions"] == declared[0]
    deprecated = result.findings["mcp_server_offers_deprecated_features"]
    assert deprecated.outcome is F
    assert deprecated.evidence["mcp_generation"] == "stateless"


async def test_legacy_sse_server_offers_a_deprecated_transport(make_ctx: ContextFactory) -> None:
    with mcp_server(mode="legacy_sse") as server:
        result = await assess(server.url, make_ctx())
    deprecated = result.findings["mcp_server_offers_deprecated_features"]
    assert deprecated.outcome is T
    assert deprecated.evidence["deprecated_features"] == "HTTP+SSE transport"
    assert deprecated.evidence["deprecated_in"] == "HTTP+SSE transport=2025-03-26"
    assert result.findings["mcp_server_declares_extensions"].outcome is F
