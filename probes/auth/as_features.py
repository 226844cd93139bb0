"""What authorization server metadata says about the MCP 2026-07-28 auth surface, as pure reads.

Shared by the registration and grant probes: which listed authorization servers have usable
metadata (or why the question cannot be answered), and the RFC values they are judged by.
"""

from __future__ import annotations

from probes.auth.classify import classify_auth
from probes.auth.discovery_probes import issuers, metadata_of
from probes.auth.judging import IGNORED_FIELDS, ISSUERS, joined, not_applicable, not_available
from probes.auth.observation import AuthModel, AuthObservation, AuthorizationServerMetadata
from probes.model import Evidence, Finding, ProbeSpec

Servers = list[tuple[str, AuthorizationServerMetadata]]

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"  # RFC 7523 2.1
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105 - RFC 8693 2.1
CLIENT_CREDENTIALS = "client_credentials"  # RFC 6749 4.4
PRIVATE_KEY_JWT = "private_key_jwt"  # OIDC Core 9, RFC 7523 2.2
# RFC 8414 2: when token_endpoint_auth_methods_supported is omitted the default is this.
DEFAULT_AUTH_METHODS = ("client_secret_basic",)
# RFC 9449 5.1 / 4.2: DPoP proofs MUST NOT use "none" or a MAC (symmetric) algorithm.
UNSAFE_DPOP_PREFIXES = ("HS",)
# The MCP deprecation registry (specification/2026-07-28/deprecated): DCR's dates.
DCR_DEPRECATED_IN = "2026-07-28"
DCR_EARLIEST_REMOVAL = "2027-07-28"


def servers_or_finding(
    spec: ProbeSpec, observation: AuthObservation
) -> tuple[Servers, list[Finding] | None]:
    """The usable AS metadata, or the NOT_APPLICABLE / NOT_AVAILABLE finding to return instead."""
    if classify_auth(observation) is not AuthModel.OAUTH or not issuers(observation):
        message = "No OAuth authorization server is advertised."
        return [], not_applicable(spec, observation, message)
    found = metadata_of(observation)
    if not found:
        message = "No authorization server metadata was available to read."
        return [], not_available(
            spec, observation, message, {ISSUERS: joined(issuers(observation))}
        )
    return found, None


def base(found: Servers) -> Evidence:
    """Evidence every metadata probe carries: the issuers read and the fields ignored."""
    return {
        ISSUERS: joined(issuer for issuer, _ in found),
        IGNORED_FIELDS: joined(
            f"{issuer}:{field}" for issuer, m in found for field in m.ignored_fields
        ),
    }


def per_issuer(found: Servers, values: dict[str, tuple[str, ...] | None]) -> str:
    """`issuer=a b c` for each server, `(absent)` for a missing list."""
    return joined(
        f"{issuer}={' '.join(v) if (v := values[issuer]) is not None else '(absent)'}"
        for issuer, _ in found
    )


def grant_types(metadata: AuthorizationServerMetadata) -> tuple[str, ...]:
    """The grant types listed (RFC 8414's default, authorization_code and implicit, if none)."""
    listed = metadata.grant_types_supported
    return listed if listed is not None else ("authorization_code", "implicit")


def auth_methods(metadata: AuthorizationServerMetadata) -> tuple[str, ...]:
    """The token endpoint auth methods listed, or RFC 8414's default client_secret_basic."""
    listed = metadata.token_endpoint_auth_methods_supported
    return listed if listed is not None else DEFAULT_AUTH_METHODS


def machine_grants(metadata: AuthorizationServerMetadata) -> tuple[str, ...]:
    """Grants a client uses without a user at the AS: client credentials and JWT bearer."""
    return tuple(g for g in grant_types(metadata) if g in (CLIENT_CREDENTIALS, JWT_BEARER))


def dpop_algorithms(metadata: AuthorizationServerMetadata) -> tuple[list[str], list[str]]:
    """(usable, unsafe) DPoP signing algorithms: `none` and HS* are unsafe (RFC 9449 4.2)."""
    listed = metadata.dpop_signing_alg_values_supported or ()
    unsafe = [
        a for a in listed if a.lower() == "none" or a.upper().startswith(UNSAFE_DPOP_PREFIXES)
    ]
    return [a for a in listed if a not in unsafe], unsafe


def supports_cimd(metadata: AuthorizationServerMetadata) -> bool:
    """client_id_metadata_document_supported is true (absent means no)."""
    return metadata.client_id_metadata_document_supported is True
