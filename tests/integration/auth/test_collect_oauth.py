"""The auth family against the MCP SDK's OAuth resource server and local authorization servers.

The SDK server runs behind lab TLS so its RFC 9728 metadata names https URLs; the
authorization server metadata comes from a local aiohttp server, one good (RFC 8414
path-inserted, S256, https) and one bad (only OIDC path-appended, plain PKCE, an http token
endpoint and a javascript: logo).
"""

from __future__ import annotations

from probes.auth.observation import AsVariant, AuthModel, PrmSource
from tests.integration.auth.servers import (
    Documents,
    UvicornServer,
    json_server,
    sdk_app,
    server_tls,
)
from tests.integration.auth.support import NA, NAV, ContextFactory, F, T, assess
from tests.servers.mcp import GOOD_TOKEN, mcp_server
from trustsvc.lab.pki import LabPki

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def good_authorization_server(base_url: str) -> Documents:
    issuer = f"{base_url}/issuer"
    metadata = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "registration_endpoint": f"{issuer}/register",
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "client_id_metadata_document_supported": True,
        "authorization_response_iss_parameter_supported": True,
        "grant_types_supported": ["authorization_code", "refresh_token", JWT_BEARER],
        "token_endpoint_auth_methods_supported": ["none", "private_key_jwt"],
        "dpop_signing_alg_values_supported": ["ES256"],
    }
    return {"/.well-known/oauth-authorization-server/issuer": (200, {}, metadata)}


def bad_authorization_server(base_url: str) -> Documents:
    issuer = f"{base_url}/issuer"
    metadata = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": "http://127.0.0.1:9/token",
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["plain"],
        "logo_uri": "javascript:alert(document.domain)",
    }
    return {"/issuer/.well-known/openid-configuration": (200, {}, metadata)}


async def test_sdk_resource_server_with_a_good_authorization_server(
    lab_pki: LabPki, make_ctx: ContextFactory
) -> None:
    leaf = lab_pki["valid"]
    async with json_server(good_authorization_server, tls=server_tls(leaf)) as authorization_server:
        issuer = f"{authorization_server.base_url}/issuer"
        with UvicornServer(lambda base: sdk_app(base, issuer=issuer), tls=leaf) as server:
            result = await assess(server.url, make_ctx())
    observation = result.observation
    assert result.model is AuthModel.OAUTH
    assert observation.unauthenticated.initialize.status == 401
    (challenge,) = observation.challenges
    assert challenge.param("resource_metadata") == (
        f"{server.base_url}/.well-known/oauth-protected-resource/mcp"
    )
    # The SDK serves metadata only at the path-inserted URL (environment.md section 4).
    served = {d.source: d.reply.status for d in observation.protected_resource}
    assert served == {PrmSource.CHALLENGE: 200, PrmSource.PATH_INSERTED: 200, PrmSource.ROOT: 404}
    (found,) = observation.authorization_servers
    assert (found.variant, found.issuer) == (AsVariant.OAUTH_PATH_INSERTED, issuer)
    assert result.outcomes() == {
        "endpoint_open_without_credentials": F,
        "model_broken": F,
        "challenge_lacks_resource_metadata": F,
        "protected_resource_metadata_published": T,
        "protected_resource_metadata_invalid": F,
        "authorization_server_metadata_invalid": F,
        "pkce_s256_supported": T,
        "issuer_parameter_not_advertised": F,
        "client_id_metadata_documents_supported": T,
        "registration_is_dcr_only": F,
        "enterprise_managed_authorization_supported": T,
        "machine_grants_use_shared_secrets": F,
        "dpop_supported": T,
        "dangerous_url_scheme_advertised": F,
        "bogus_origin_accepted": NA,
        "session_id_weak": NA,
        "unsupported_protocol_version_accepted": NA,
        "mcp_server_declares_extensions": NAV,  # refused: no capabilities seen
        "mcp_server_offers_deprecated_features": NAV,
    }
    pkce = result.findings["auth_pkce_s256_supported"].evidence
    assert pkce["registration_endpoints"] == f"{issuer}/register"
    assert pkce["client_id_metadata_document_supported"] is True


async def test_sdk_resource_server_with_a_bad_authorization_server(
    lab_pki: LabPki, make_ctx: ContextFactory
) -> None:
    leaf = lab_pki["valid"]
    async with json_server(bad_authorization_server, tls=server_tls(leaf)) as authorization_server:
        issuer = f"{authorization_server.base_url}/issuer"
        with UvicornServer(lambda base: sdk_app(base, issuer=issuer), tls=leaf) as server:
            result = await assess(server.url, make_ctx())
    variants = [(d.variant, d.reply.status) for d in result.observation.authorization_servers]
    assert variants == [
        (AsVariant.OAUTH_PATH_INSERTED, 404),
        (AsVariant.OIDC_PATH_INSERTED, 404),
        (AsVariant.OIDC_PATH_APPENDED, 200),
    ]
    assert result.outcome("auth_authorization_server_metadata_invalid") is T
    assert "token_endpoint http://127.0.0.1:9/token is not https" in str(
        result.findings["auth_authorization_server_metadata_invalid"].evidence["problems"]
    )
    assert result.outcome("auth_pkce_s256_supported") is F
    dangerous = result.findings["auth_dangerous_url_scheme_advertised"]
    assert dangerous.outcome is T
    assert dangerous.subject == "url:javascript:alert(document.domain)"
    assert result.outcome("auth_protected_resource_metadata_invalid") is F


async def test_operator_token_opens_the_session_checks(
    lab_pki: LabPki, make_ctx: ContextFactory
) -> None:
    leaf = lab_pki["valid"]
    ctx = make_ctx({"Authorization": f"Bearer {GOOD_TOKEN}"})
    async with json_server(good_authorization_server, tls=server_tls(leaf)) as authorization_server:
        issuer = f"{authorization_server.base_url}/issuer"
        with UvicornServer(lambda base: sdk_app(base, issuer=issuer), tls=leaf) as server:
            result = await assess(server.url, ctx)
    observation = result.observation
    assert result.model is AuthModel.OAUTH  # the unauthenticated refusal decides the model
    # Operator credentials go to the target's origin only, never to the authorization server.
    assert authorization_server.requests
    assert not any("Authorization" in headers for _, headers in authorization_server.requests)
    assert observation.credentialed is not None
    assert observation.credentialed.open
    assert result.outcome("auth_endpoint_open_without_credentials") is F
    assert result.outcome("auth_bogus_origin_accepted") is F  # the SDK answers 403
    assert observation.bogus_origin is not None
    assert observation.bogus_origin.status == 403
    assert result.outcome("auth_session_id_weak") is F
    assert result.outcome("auth_unsupported_protocol_version_accepted") is F


async def test_plain_http_resource_server_and_an_unreachable_issuer(
    make_ctx: ContextFactory,
) -> None:
    with mcp_server(auth=True) as server:  # issuer https://127.0.0.1:1/issuer: nothing listens
        result = await assess(server.url, make_ctx())
    assert result.model is AuthModel.OAUTH
    invalid = result.findings["auth_protected_resource_metadata_invalid"]
    assert invalid.outcome is T
    assert f"resource {server.url} is not https" in str(invalid.evidence["problems"])
    assert result.outcome("auth_authorization_server_metadata_invalid") is NAV
    assert result.outcome("auth_pkce_s256_supported") is NAV
    errors = {d.reply.error is not None for d in result.observation.authorization_servers}
    assert errors == {True}
