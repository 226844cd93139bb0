"""Hand-built AuthObservations: one healthy endpoint per auth model, and helpers to break one thing.

`oauth_observation()` is an OAuth resource server with clean RFC 9728 / RFC 8414 discovery and
PKCE S256; `open_observation()` an endpoint open without credentials whose HTTP hygiene is
good (bogus Origin refused, strong session ids, unsupported version refused). Every auth probe
gives its good outcome (or NOT_APPLICABLE) for them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from probes.auth.observation import (
    AdvertisedUrl,
    AsDocument,
    AsVariant,
    AuthObservation,
    AuthorizationServerMetadata,
    Handshake,
    PrmDocument,
    PrmSource,
    ProtectedResourceMetadata,
    Reply,
)
from probes.auth.www_authenticate import parse_www_authenticate

NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
ENDPOINT = "https://mcp.example.com/mcp"
ISSUER = "https://auth.example.com"
PRM_URL = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
ROOT_PRM_URL = "https://mcp.example.com/.well-known/oauth-protected-resource"
AS_URL = "https://auth.example.com/.well-known/oauth-authorization-server"
CHALLENGE = f'Bearer error="invalid_token", resource_metadata="{PRM_URL}", scope="mcp:tools"'
# Not a secret: S106 reads any *_endpoint="..." keyword as a password.
PLAIN_TOKEN_ENDPOINT = "http://auth.example.com/token"  # noqa: S105
SESSION_A = "5f0c9a1e8b7d4c3a9e2f1d0c8b7a6f5e"
SESSION_B = "c2d4e6f8a0b1c3d5e7f9a1b3c5d7e9f0"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def reply(
    url: str = ENDPOINT,
    status: int | None = 200,
    *,
    result: bool = True,
    content_type: str | None = "application/json",
    error: str | None = None,
) -> Reply:
    """One exchange; a 2xx carries a JSON-RPC result unless told otherwise."""
    return Reply(url=url, status=status, content_type=content_type, served=result, error=error)


def refused(status: int = 401, *www: str) -> Handshake:
    """A handshake refused at initialize with the given status and challenges."""
    return Handshake(initialize=reply(status=status, result=False), www_authenticate=tuple(www))


def opened(session_id: str | None = SESSION_A) -> Handshake:
    """A handshake that initialized and listed tools."""
    return Handshake(
        initialize=reply(), tools_list=reply(), session_id=session_id, protocol_version="2025-11-25"
    )


def prm(**changes: Any) -> ProtectedResourceMetadata:  # noqa: ANN401 - dataclass fields
    """RFC 9728 metadata for ENDPOINT naming ISSUER; `urls` follows the changed fields."""
    fields: dict[str, Any] = {
        "resource": ENDPOINT,
        "authorization_servers": (ISSUER,),
        "scopes_supported": ("mcp:tools",),
        "bearer_methods_supported": ("header",),
    }
    fields.update(changes)
    urls = [("resource", fields["resource"])] if fields["resource"] else []
    urls += [("authorization_servers", s) for s in fields["authorization_servers"]]
    return ProtectedResourceMetadata(**fields, urls=tuple(urls))


def prm_documents(metadata: ProtectedResourceMetadata | None = None) -> tuple[PrmDocument, ...]:
    """Served at the challenge URL and the path-inserted URL (one document); root is 404."""
    document = metadata or prm()
    return (
        PrmDocument(source=PrmSource.CHALLENGE, reply=reply(PRM_URL), metadata=document),
        PrmDocument(source=PrmSource.PATH_INSERTED, reply=reply(PRM_URL), metadata=document),
        PrmDocument(source=PrmSource.ROOT, reply=reply(ROOT_PRM_URL, 404, result=False)),
    )


def as_metadata(**changes: Any) -> AuthorizationServerMetadata:  # noqa: ANN401 - dataclass fields
    """RFC 8414 metadata for ISSUER with https endpoints, S256 and both registration options."""
    fields: dict[str, Any] = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/authorize",
        "token_endpoint": f"{ISSUER}/token",
        "registration_endpoint": f"{ISSUER}/register",
        "code_challenge_methods_supported": ("S256",),
        "client_id_metadata_document_supported": True,
        "authorization_response_iss_parameter_supported": True,
        "grant_types_supported": ("authorization_code", "refresh_token", JWT_BEARER),
        "token_endpoint_auth_methods_supported": ("none", "private_key_jwt"),
        "dpop_signing_alg_values_supported": ("ES256",),
    }
    fields.update(changes)
    names = ("issuer", "authorization_endpoint", "token_endpoint", "registration_endpoint")
    urls = tuple((name, fields[name]) for name in names if fields[name] is not None)
    return AuthorizationServerMetadata(**fields, urls=urls)


def as_documents(
    metadata: AuthorizationServerMetadata | None = None, *, issuer: str = ISSUER
) -> tuple[AsDocument, ...]:
    """The RFC 8414 root URL answered with the metadata."""
    return (
        AsDocument(
            issuer=issuer,
            variant=AsVariant.OAUTH_ROOT,
            reply=reply(AS_URL),
            metadata=metadata or as_metadata(),
        ),
    )


def oauth_observation(**changes: Any) -> AuthObservation:  # noqa: ANN401 - dataclass fields
    """An OAuth resource server: 401 pointing at valid PRM, valid AS metadata with S256."""
    base = AuthObservation(
        observed_at=NOW,
        endpoint=ENDPOINT,
        credentials_configured=False,
        unauthenticated=refused(401, CHALLENGE),
        challenges=parse_www_authenticate([CHALLENGE]),
        protected_resource=prm_documents(),
        authorization_servers=as_documents(),
    )
    return replace(base, **changes)


def open_observation(**changes: Any) -> AuthObservation:  # noqa: ANN401 - dataclass fields
    """An endpoint open without credentials, with sound Streamable HTTP hygiene."""
    base = AuthObservation(
        observed_at=NOW,
        endpoint=ENDPOINT,
        credentials_configured=False,
        unauthenticated=opened(),
        protected_resource=(
            PrmDocument(source=PrmSource.PATH_INSERTED, reply=reply(PRM_URL, 404, result=False)),
            PrmDocument(source=PrmSource.ROOT, reply=reply(ROOT_PRM_URL, 404, result=False)),
        ),
        advertised_urls=(
            AdvertisedUrl(where="serverInfo.icons[0].src", url="https://mcp.example.com/i.png"),
        ),
        bogus_origin=reply(status=403, result=False),
        session_ids=(SESSION_A, SESSION_B),
        unsupported_version=reply(status=400, result=False),
        server_capabilities=("tools",),
    )
    return replace(base, **changes)


def broken_observation(status: int = 401, **changes: Any) -> AuthObservation:  # noqa: ANN401 - dataclass fields
    """401 (or another status) with no challenge and no metadata anywhere."""
    base = open_observation(
        unauthenticated=refused(status),
        advertised_urls=(),
        bogus_origin=None,
        session_ids=(None, None),
        unsupported_version=None,
    )
    return replace(base, **changes)


def declared_key_observation(**changes: Any) -> AuthObservation:  # noqa: ANN401 - dataclass fields
    """401 without discovery, but the operator's key opens the endpoint."""
    base = broken_observation(
        credentials_configured=True,
        credentialed=opened(),
        bogus_origin=reply(status=403, result=False),
        session_ids=(SESSION_A, SESSION_B),
        unsupported_version=reply(status=400, result=False),
    )
    return replace(base, **changes)
