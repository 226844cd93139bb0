"""Auth probes over the grants an AS offers beyond the user's authorization code (ext-auth).

Enterprise-managed authorization (the client exchanges the enterprise IdP's token for an
ID-JAG, RFC 8693, and presents it to the MCP server's AS with the JWT bearer grant, RFC
7523), client credentials for machines (ext-auth, SEP-1046), and DPoP (RFC 9449, on the
2026-08-22 roadmap). All read from RFC 8414 metadata; nothing is requested from the AS.
"""

from __future__ import annotations

from probes.auth.as_features import (
    JWT_BEARER,
    PRIVATE_KEY_JWT,
    TOKEN_EXCHANGE,
    auth_methods,
    base,
    dpop_algorithms,
    grant_types,
    machine_grants,
    per_issuer,
    servers_or_finding,
)
from probes.auth.judging import (
    DPOP_ALGORITHMS,
    DPOP_UNSAFE_ALGORITHMS,
    GRANT_TYPES,
    TOKEN_AUTH_METHODS,
    auth_spec,
    joined,
    judged,
    not_applicable,
)
from probes.auth.observation import AuthObservation
from probes.model import Evidence, Finding, Outcome, Severity

ENTERPRISE_SUPPORTED = auth_spec(
    "auth_enterprise_managed_authorization_supported",
    question=(
        "Does an authorization server accept the JWT bearer grant that enterprise-managed "
        "authorization uses to present an ID-JAG (RFC 7523, RFC 8693)?"
    ),
    rationale=(
        "With the io.modelcontextprotocol/enterprise-managed-authorization extension an "
        "organisation's IdP decides which MCP servers employees reach, instead of each user "
        "consenting per server. Info: an optional extension; its absence is reported so "
        "enterprise reviewers see it, and costs nothing."
    ),
    bad=Outcome.FALSE,
    severity=Severity.INFO,
    remediation=(
        f'List "{JWT_BEARER}" in grant_types_supported and accept ID-JAGs from the '
        "enterprise IdP (modelcontextprotocol/ext-auth)."
    ),
    references=("RFC 7523", "RFC 8693", "MCP ext-auth"),
)
SHARED_SECRETS = auth_spec(
    "auth_machine_grants_use_shared_secrets",
    question=(
        "Does an authorization server offer client credentials or JWT bearer grants without "
        "private_key_jwt among its token endpoint auth methods?"
    ),
    rationale=(
        "Machine clients (the ext-auth client credentials extension, enterprise ID-JAG "
        "exchanges) authenticate at the token endpoint with no user present, so the client "
        "credential is the whole defence. The extension specifies JWT assertions "
        "(private_key_jwt, RFC 7523) so the private key never leaves the client; a shared "
        "client_secret sits in agent configuration and is replayable when it leaks. Low: a "
        "weaker option is the only one offered, nothing is exposed by itself."
    ),
    severity=Severity.LOW,
    remediation=(
        f'Add "{PRIVATE_KEY_JWT}" to token_endpoint_auth_methods_supported and register '
        "machine clients with a JWK Set instead of a secret."
    ),
    references=("RFC 7523", "RFC 8414", "MCP ext-auth", "SEP-1046"),
)
DPOP_SUPPORTED = auth_spec(
    "auth_dpop_supported",
    question=(
        "Does every authorization server advertise a usable DPoP proof algorithm "
        "(dpop_signing_alg_values_supported, RFC 9449)?"
    ),
    rationale=(
        "DPoP binds access tokens to a key the client holds, so a token copied from a log or "
        "a proxy cannot be replayed. MCP 2026-07-28 does not require it (it is on the "
        "2026-08-22 roadmap). Info: reported for reviewers, costs nothing; 'none' and "
        "symmetric algorithms do not count, as RFC 9449 4.2 forbids them."
    ),
    bad=Outcome.FALSE,
    severity=Severity.INFO,
    remediation='Support DPoP and publish "dpop_signing_alg_values_supported": ["ES256", ...].',
    references=("RFC 9449",),
)


def enterprise_managed_authorization_supported(observation: AuthObservation) -> list[Finding]:
    """TRUE when some AS lists the JWT bearer grant; FALSE (informational) otherwise."""
    spec = ENTERPRISE_SUPPORTED
    found, early = servers_or_finding(spec, observation)
    if early is not None:
        return early
    supporting = [issuer for issuer, m in found if JWT_BEARER in grant_types(m)]
    exchange = [issuer for issuer, m in found if TOKEN_EXCHANGE in grant_types(m)]
    values = {i: m.grant_types_supported for i, m in found}
    evidence: Evidence = {**base(found), GRANT_TYPES: per_issuer(found, values)}
    if supporting:
        also = " (and token exchange)" if exchange else ""
        message = f"The authorization server {supporting[0]} accepts the JWT bearer grant{also}."
        return judged(spec, observation, message, evidence, bad=False)
    message = "No authorization server lists the JWT bearer grant enterprise-managed auth uses."
    return judged(spec, observation, message, evidence, bad=True)


def machine_grants_use_shared_secrets(observation: AuthObservation) -> list[Finding]:
    """TRUE when a machine grant is offered without private_key_jwt; N/A with no machine grant."""
    spec = SHARED_SECRETS
    found, early = servers_or_finding(spec, observation)
    if early is not None:
        return early
    machine = [(i, m) for i, m in found if machine_grants(m)]
    grants = {i: m.grant_types_supported for i, m in found}
    evidence: dict[str, str | int | float | bool | None] = {
        **base(found),
        GRANT_TYPES: per_issuer(found, grants),
    }
    if not machine:
        message = "No authorization server offers client credentials or the JWT bearer grant."
        return not_applicable(spec, observation, message, evidence)
    evidence[TOKEN_AUTH_METHODS] = joined(f"{i}={' '.join(auth_methods(m))}" for i, m in machine)
    weak = [issuer for issuer, m in machine if PRIVATE_KEY_JWT not in auth_methods(m)]
    if weak:
        message = (
            f"The authorization server {weak[0]} offers machine grants but not private_key_jwt: "
            "machine clients authenticate with shared secrets."
        )
        return judged(spec, observation, message, evidence, bad=True)
    message = "Every authorization server with machine grants accepts private_key_jwt."
    return judged(spec, observation, message, evidence, bad=False)


def dpop_supported(observation: AuthObservation) -> list[Finding]:
    """TRUE when every AS lists an asymmetric DPoP algorithm; FALSE (informational) otherwise."""
    spec = DPOP_SUPPORTED
    found, early = servers_or_finding(spec, observation)
    if early is not None:
        return early
    algorithms = {issuer: dpop_algorithms(m) for issuer, m in found}
    evidence: Evidence = {
        **base(found),
        DPOP_ALGORITHMS: per_issuer(
            found, {i: m.dpop_signing_alg_values_supported for i, m in found}
        ),
        DPOP_UNSAFE_ALGORITHMS: joined(a for _, unsafe in algorithms.values() for a in unsafe),
    }
    lacking = [issuer for issuer, (usable, _) in algorithms.items() if not usable]
    if lacking:
        message = f"The authorization server {lacking[0]} advertises no usable DPoP algorithm."
        return judged(spec, observation, message, evidence, bad=True)
    message = "Every authorization server advertises DPoP with an asymmetric algorithm."
    return judged(spec, observation, message, evidence, bad=False)
