"""Auth probes about OAuth discovery: RFC 9728 resource metadata and RFC 8414 server metadata."""

from __future__ import annotations

from probes.auth.classify import classify_auth, refused
from probes.auth.judging import (
    AUTHORIZATION_SERVERS,
    CIMD_SUPPORTED,
    CODE_CHALLENGE_METHODS,
    FETCH_ERRORS,
    ISSUERS,
    PROBLEM_COUNT,
    PROBLEMS,
    REGISTRATION_ENDPOINTS,
    RESOURCES,
    URLS_SERVED,
    URLS_TRIED,
    auth_spec,
    joined,
    judged,
    not_applicable,
    not_available,
)
from probes.auth.metadata import as_problems, prm_problems, served_prm, supports_s256
from probes.auth.observation import (
    AsDocument,
    AuthModel,
    AuthObservation,
    AuthorizationServerMetadata,
)
from probes.model import Evidence, Finding, Outcome, Severity

PRM_PUBLISHED = auth_spec(
    "auth_protected_resource_metadata_published",
    question="Does the endpoint publish RFC 9728 protected resource metadata?",
    rationale=(
        "MCP servers that require authorization MUST publish it so clients can find the "
        "authorization server. Medium: without it standard clients cannot sign in, which "
        "pushes users toward hand-copied long-lived tokens."
    ),
    bad=Outcome.FALSE,
    severity=Severity.MEDIUM,
    remediation=(
        "Serve /.well-known/oauth-protected-resource/<mcp path> (RFC 9728 3.1) listing at "
        "least one authorization server, and point the 401 challenge at it."
    ),
    references=("RFC 9728",),
)
PRM_INVALID = auth_spec(
    "auth_protected_resource_metadata_invalid",
    question=(
        "Is a served protected resource metadata document unusable: unparseable, a resource "
        "other than this endpoint, no authorization servers, or non-HTTPS URLs?"
    ),
    rationale=(
        "RFC 9728 3.3 tells clients to discard metadata whose resource does not match, and a "
        "plain-http authorization server exposes codes and tokens. Medium: compliant clients "
        "refuse to proceed; lax ones may send tokens to the wrong party."
    ),
    bad=Outcome.TRUE,
    severity=Severity.MEDIUM,
    remediation=(
        "Set resource to the endpoint's canonical URI (no trailing slash, no fragment), list "
        "at least one https authorization server, and serve the document as application/json."
    ),
    references=("RFC 9728", "RFC 8707"),
)
AS_INVALID = auth_spec(
    "auth_authorization_server_metadata_invalid",
    question=(
        "Is the authorization server metadata missing or unsafe: no document at any RFC 8414 "
        "or OIDC discovery URL, an issuer mismatch, or non-HTTPS endpoints?"
    ),
    rationale=(
        "An issuer that differs from the one the URL was built from enables mix-up attacks "
        "(RFC 8414 3.3, RFC 9207), and plain-http endpoints leak authorization codes and "
        "tokens. High: both hand credentials to whoever sits on the path."
    ),
    bad=Outcome.TRUE,
    severity=Severity.HIGH,
    remediation=(
        "Serve RFC 8414 metadata whose issuer equals the identifier listed in the resource "
        "metadata exactly, with every endpoint on https."
    ),
    references=("RFC 8414", "RFC 9207", "SAFE-T1009"),
)
PKCE_S256_SUPPORTED = auth_spec(
    "auth_pkce_s256_supported",
    question="Does every authorization server advertise S256 in code_challenge_methods_supported?",
    rationale=(
        "MCP clients MUST use PKCE with S256 and MUST refuse to proceed when the field is "
        "absent (MCP 2025-11-25). Medium: compliant clients cannot sign in; lax ones lose "
        "protection against authorization-code interception."
    ),
    bad=Outcome.FALSE,
    severity=Severity.MEDIUM,
    remediation='Support PKCE and advertise "code_challenge_methods_supported": ["S256"].',
    references=("RFC 7636", "RFC 8414", "SAFE-T1408"),
)


def _prm_evidence(observation: AuthObservation) -> dict[str, str]:
    documents = observation.protected_resource
    return {
        URLS_TRIED: joined(d.reply.url for d in documents),
        URLS_SERVED: joined(d.reply.url for d in documents if d.served),
        FETCH_ERRORS: joined(f"{d.reply.url}: {d.reply.error}" for d in documents if d.reply.error),
    }


def protected_resource_metadata_published(observation: AuthObservation) -> list[Finding]:
    """TRUE when some PRM URL answered 200; FALSE (bad) only when access is refused without it."""
    spec = PRM_PUBLISHED
    evidence = _prm_evidence(observation)
    if served := served_prm(observation.protected_resource):
        message = f"Protected resource metadata is served at {served[0].reply.url}."
        return judged(spec, observation, message, evidence, bad=False)
    model = classify_auth(observation)
    if not refused(observation) or model is AuthModel.DECLARED_KEY:
        status = observation.unauthenticated.refusing_status
        why = f"auth model {model}" if status is None else f"status {status}, auth model {model}"
        message = f"No resource metadata, and nothing asks for OAuth ({why})."
        return not_applicable(spec, observation, message, evidence)
    if any(d.reply.error for d in observation.protected_resource):
        message = "Some resource metadata URLs could not be fetched, and none answered 200."
        return not_available(spec, observation, message, evidence)
    message = "The endpoint requires credentials but serves no protected resource metadata."
    return judged(spec, observation, message, evidence, bad=True)


def protected_resource_metadata_invalid(observation: AuthObservation) -> list[Finding]:
    """TRUE when any served PRM document has a problem; N/A when none was served."""
    spec = PRM_INVALID
    served = served_prm(observation.protected_resource)
    if not served:
        return not_applicable(spec, observation, "No protected resource metadata was served.")
    problems = [p for d in served for p in prm_problems(d, observation.endpoint)]
    evidence: Evidence = {
        **_prm_evidence(observation),
        PROBLEMS: joined(problems),
        PROBLEM_COUNT: len(problems),
        RESOURCES: joined(d.metadata.resource for d in served if d.metadata),
        AUTHORIZATION_SERVERS: joined(
            dict.fromkeys(s for d in served if d.metadata for s in d.metadata.authorization_servers)
        ),
    }
    if problems:
        message = f"The protected resource metadata is unusable: {problems[0]}."
        return judged(spec, observation, message, evidence, bad=True)
    message = "The protected resource metadata names this endpoint and https authorization servers."
    return judged(spec, observation, message, evidence, bad=False)


def issuers(observation: AuthObservation) -> list[str]:
    """The authorization servers the served PRM documents list, in order, without repeats."""
    return list(
        dict.fromkeys(
            server
            for d in served_prm(observation.protected_resource)
            if d.metadata is not None
            for server in d.metadata.authorization_servers
        )
    )


def effective_document(observation: AuthObservation, issuer: str) -> AsDocument | None:
    """The first AS metadata URL (client order) that answered 200 for this issuer."""
    return next(
        (d for d in observation.authorization_servers if d.issuer == issuer and d.served), None
    )


def _issuer_state(observation: AuthObservation, issuer: str) -> tuple[list[str], bool]:
    """(problems, unknown): unknown when no URL answered 200 and some could not be fetched."""
    document = effective_document(observation, issuer)
    if document is not None:
        return as_problems(document), False
    tried = [d for d in observation.authorization_servers if d.issuer == issuer]
    if not tried or any(d.reply.error for d in tried):
        return [], True
    return [f"{issuer}: no metadata at any RFC 8414 or OIDC discovery URL"], False


def metadata_of(observation: AuthObservation) -> list[tuple[str, AuthorizationServerMetadata]]:
    """(issuer, metadata) for each listed authorization server whose metadata was usable."""
    found = []
    for issuer in issuers(observation):
        document = effective_document(observation, issuer)
        if document is not None and document.metadata is not None:
            found.append((issuer, document.metadata))
    return found


def _as_evidence(observation: AuthObservation) -> Evidence:
    found = metadata_of(observation)
    return {
        ISSUERS: joined(issuers(observation)),
        URLS_TRIED: joined(d.reply.url for d in observation.authorization_servers),
        CODE_CHALLENGE_METHODS: joined(
            f"{issuer}={' '.join(m.code_challenge_methods_supported or ('(absent)',))}"
            for issuer, m in found
        ),
        REGISTRATION_ENDPOINTS: joined(
            m.registration_endpoint for _, m in found if m.registration_endpoint
        ),
        CIMD_SUPPORTED: any(m.client_id_metadata_document_supported for _, m in found),
    }


def authorization_server_metadata_invalid(observation: AuthObservation) -> list[Finding]:
    """TRUE when any listed authorization server's metadata is missing or unsafe."""
    spec = AS_INVALID
    listed = issuers(observation)
    if classify_auth(observation) is not AuthModel.OAUTH or not listed:
        return not_applicable(spec, observation, "No authorization server is advertised.")
    states = [_issuer_state(observation, issuer) for issuer in listed]
    problems = [p for found, _ in states for p in found]
    evidence = {**_as_evidence(observation), PROBLEMS: joined(problems)}
    evidence[PROBLEM_COUNT] = len(problems)
    if problems:
        message = f"Authorization server metadata problem: {problems[0]}."
        return judged(spec, observation, message, evidence, bad=True)
    if any(unknown for _, unknown in states):
        message = "Some authorization server metadata could not be fetched."
        return not_available(spec, observation, message, evidence)
    message = "Every authorization server publishes consistent https metadata."
    return judged(spec, observation, message, evidence, bad=False)


def pkce_s256_supported(observation: AuthObservation) -> list[Finding]:
    """TRUE when every authorization server's metadata lists S256; FALSE (bad) otherwise."""
    spec = PKCE_S256_SUPPORTED
    if classify_auth(observation) is not AuthModel.OAUTH or not issuers(observation):
        return not_applicable(spec, observation, "No OAuth authorization server is advertised.")
    found = metadata_of(observation)
    evidence = _as_evidence(observation)
    if not found:
        message = "No authorization server metadata was available to read PKCE support from."
        return not_available(spec, observation, message, evidence)
    lacking = [issuer for issuer, metadata in found if not supports_s256(metadata)]
    if lacking:
        message = f"The authorization server {lacking[0]} does not advertise PKCE S256."
        return judged(spec, observation, message, evidence, bad=True)
    if len(found) < len(issuers(observation)):
        message = "Some authorization servers' metadata was unavailable, so S256 is unconfirmed."
        return not_available(spec, observation, message, evidence)
    message = "Every authorization server advertises PKCE with S256."
    return judged(spec, observation, message, evidence, bad=False)
