"""Auth probes over how a client finds and registers with the AS (MCP 2026-07-28).

Issuer identification (RFC 9207), Client ID Metadata Documents, and registration that still
rests only on Dynamic Client Registration, which 2026-07-28 deprecated.

The collector is passive: it reads RFC 8414 metadata and never starts an authorization
request, so it never sees an authorization response or the `iss` in it. The issuer probe
therefore judges what the metadata promises, which is also what a client goes by: RFC 9207
2.4 lets a client insist on `iss` only when the AS says
`authorization_response_iss_parameter_supported: true`, and RFC 9207 3 requires an AS that
sends `iss` to say so. An AS that sends `iss` but leaves the flag unset gives clients nothing
to enforce, which is the case the issue names. Both cases look the same from the metadata,
and both get this finding.
"""

from __future__ import annotations

from probes.auth.as_features import (
    DCR_DEPRECATED_IN,
    DCR_EARLIEST_REMOVAL,
    base,
    servers_or_finding,
    supports_cimd,
)
from probes.auth.judging import (
    CIMD_SUPPORTED,
    DEPRECATED_IN,
    EARLIEST_REMOVAL,
    ISS_PARAMETER_SUPPORTED,
    REGISTRATION_ENDPOINTS,
    auth_spec,
    joined,
    judged,
    not_applicable,
)
from probes.auth.observation import AuthObservation
from probes.model import Evidence, Finding, Outcome, Severity

ISSUER_NOT_ADVERTISED = auth_spec(
    "auth_issuer_parameter_not_advertised",
    question=(
        "Does an authorization server's metadata leave authorization_response_iss_parameter"
        "_supported unset or false (RFC 9207)?"
    ),
    rationale=(
        "MCP 2026-07-28 (SEP-2468) recommends the RFC 9207 iss parameter in authorization "
        "responses and makes clients validate it: the defence against mix-up attacks when a "
        "client talks to several authorization servers. A client can demand iss only when "
        "the metadata says it is sent, and RFC 9207 3 requires an AS that sends it to say "
        "so. Judged from metadata (no authorization request is made). Low: a recommended "
        "defence is missing, no credential is exposed by itself."
    ),
    severity=Severity.LOW,
    remediation=(
        "Send iss in every authorization response (RFC 9207 2) and publish "
        '"authorization_response_iss_parameter_supported": true in the metadata.'
    ),
    references=("RFC 9207", "MCP 2026-07-28", "SEP-2468"),
)
CIMD_SUPPORTED_SPEC = auth_spec(
    "auth_client_id_metadata_documents_supported",
    question="Does every authorization server support Client ID Metadata Documents?",
    rationale=(
        "MCP 2026-07-28 makes Client ID Metadata Documents (an https client_id naming the "
        "client's metadata) the registration clients SHOULD use, and deprecates Dynamic Client "
        "Registration in their favour. Without it a new client must register dynamically or be "
        "pre-registered. Low: a SHOULD of the spec, an interoperability and hygiene gap."
    ),
    bad=Outcome.FALSE,
    severity=Severity.LOW,
    remediation=(
        'Accept https client_id URLs and publish "client_id_metadata_document_supported": true '
        "(draft-ietf-oauth-client-id-metadata-document)."
    ),
    references=("MCP 2026-07-28", "draft-ietf-oauth-client-id-metadata-document"),
)
DCR_ONLY = auth_spec(
    "auth_registration_is_dcr_only",
    question=(
        "Does an authorization server offer Dynamic Client Registration as its only "
        "registration path (a registration_endpoint, no Client ID Metadata Documents)?"
    ),
    rationale=(
        f"Dynamic Client Registration (RFC 7591) is Deprecated since MCP {DCR_DEPRECATED_IN} "
        f"(earliest removal: the first revision on or after {DCR_EARLIEST_REMOVAL}); Client ID "
        "Metadata Documents replace it. Info: it still works and the spec keeps it for "
        "twelve months; the finding says what to migrate and by when."
    ),
    severity=Severity.INFO,
    remediation="Support Client ID Metadata Documents beside (and then instead of) RFC 7591.",
    references=("RFC 7591", "MCP 2026-07-28"),
)


def issuer_parameter_not_advertised(observation: AuthObservation) -> list[Finding]:
    """TRUE when some AS metadata does not set authorization_response_iss_parameter_supported."""
    spec = ISSUER_NOT_ADVERTISED
    found, early = servers_or_finding(spec, observation)
    if early is not None:
        return early
    lacking = [i for i, m in found if m.authorization_response_iss_parameter_supported is not True]
    evidence: Evidence = {
        **base(found),
        ISS_PARAMETER_SUPPORTED: joined(
            f"{i}={m.authorization_response_iss_parameter_supported}" for i, m in found
        ),
    }
    if lacking:
        message = (
            f"The authorization server {lacking[0]} does not advertise the RFC 9207 iss "
            "parameter, so clients cannot insist on it (judged from metadata)."
        )
        return judged(spec, observation, message, evidence, bad=True)
    message = "Every authorization server advertises the RFC 9207 iss parameter."
    return judged(spec, observation, message, evidence, bad=False)


def client_id_metadata_documents_supported(observation: AuthObservation) -> list[Finding]:
    """TRUE when every AS sets client_id_metadata_document_supported; FALSE (bad) otherwise."""
    spec = CIMD_SUPPORTED_SPEC
    found, early = servers_or_finding(spec, observation)
    if early is not None:
        return early
    lacking = [issuer for issuer, m in found if not supports_cimd(m)]
    evidence: Evidence = {
        **base(found),
        CIMD_SUPPORTED: joined(f"{i}={m.client_id_metadata_document_supported}" for i, m in found),
    }
    if lacking:
        message = (
            f"The authorization server {lacking[0]} does not support Client ID Metadata Documents."
        )
        return judged(spec, observation, message, evidence, bad=True)
    message = "Every authorization server supports Client ID Metadata Documents."
    return judged(spec, observation, message, evidence, bad=False)


def registration_is_dcr_only(observation: AuthObservation) -> list[Finding]:
    """TRUE when an AS has a registration_endpoint but no CIMD support; N/A with no endpoint."""
    spec = DCR_ONLY
    found, early = servers_or_finding(spec, observation)
    if early is not None:
        return early
    dynamic = [(i, m) for i, m in found if m.registration_endpoint]
    if not dynamic:
        message = "No authorization server offers Dynamic Client Registration."
        return not_applicable(spec, observation, message, base(found))
    only = [issuer for issuer, m in dynamic if not supports_cimd(m)]
    evidence: Evidence = {
        **base(found),
        REGISTRATION_ENDPOINTS: joined(m.registration_endpoint for _, m in dynamic),
        DEPRECATED_IN: DCR_DEPRECATED_IN,
        EARLIEST_REMOVAL: DCR_EARLIEST_REMOVAL,
    }
    if only:
        message = (
            f"The authorization server {only[0]} registers clients only through Dynamic Client "
            f"Registration, deprecated since MCP {DCR_DEPRECATED_IN}."
        )
        return judged(spec, observation, message, evidence, bad=True)
    message = "Dynamic Client Registration is offered beside Client ID Metadata Documents."
    return judged(spec, observation, message, evidence, bad=False)
