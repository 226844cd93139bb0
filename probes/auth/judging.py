"""Shared pieces of the auth probes: evidence keys, spec construction, and finding helpers.

Every auth finding carries `auth_model` in its evidence, so scoring and reports can group
findings by model without re-classifying. Evidence values are JSON scalars: lists are joined
with commas and long text is truncated.
"""

from __future__ import annotations

from collections.abc import Iterable

from probes.auth.classify import classify_auth
from probes.auth.observation import AuthObservation
from probes.model import (
    Evidence,
    EvidenceValue,
    Family,
    Finding,
    Outcome,
    ProbeSpec,
    SpecFactory,
)

# Evidence keys shared by the auth probes (stored findings are queried by these names).
AUTH_MODEL = "auth_model"
STATUS = "status"
TOOLS_LIST_STATUS = "tools_list_status"
CONTENT_TYPE = "content_type"
CREDENTIALS_CONFIGURED = "credentials_configured"
CREDENTIALS_ACCEPTED = "credentials_accepted"
CHALLENGE_SCHEMES = "challenge_schemes"
RESOURCE_METADATA = "resource_metadata"
SCOPE = "scope"
CHALLENGE_ERROR = "challenge_error"
URLS_TRIED = "urls_tried"
URLS_SERVED = "urls_served"
PROBLEMS = "problems"
PROBLEM_COUNT = "problem_count"
RESOURCES = "resources"
AUTHORIZATION_SERVERS = "authorization_servers"
ISSUERS = "issuers"
CODE_CHALLENGE_METHODS = "code_challenge_methods"
REGISTRATION_ENDPOINTS = "registration_endpoints"
CIMD_SUPPORTED = "client_id_metadata_document_supported"
DANGEROUS_URLS = "dangerous_urls"
ORIGIN_SENT = "origin_sent"
ORIGIN_STATUS = "origin_status"
SESSION_ID_LENGTHS = "session_id_lengths"
SESSION_PROBLEMS = "session_problems"
VERSION_SENT = "protocol_version_sent"
VERSION_STATUS = "protocol_version_status"
FETCH_ERRORS = "fetch_errors"
IGNORED_FIELDS = "ignored_fields"
ISS_PARAMETER_SUPPORTED = "authorization_response_iss_parameter_supported"
DEPRECATED_IN = "deprecated_in"
EARLIEST_REMOVAL = "earliest_removal"
DEPRECATED_FEATURES = "deprecated_features"
GRANT_TYPES = "grant_types_supported"
TOKEN_AUTH_METHODS = "token_endpoint_auth_methods_supported"  # noqa: S105 - a key name
DPOP_ALGORITHMS = "dpop_signing_alg_values_supported"
DPOP_UNSAFE_ALGORITHMS = "dpop_unsafe_algorithms"
EXTENSIONS = "extensions"
AUTH_EXTENSIONS = "auth_extensions"
MCP_GENERATION = "mcp_generation"
SERVER_CAPABILITIES = "server_capabilities"

MAX_EVIDENCE_CHARS = 600
BOGUS_ORIGIN = "https://evil.example"
UNSUPPORTED_PROTOCOL_VERSION = "1999-01-01"


auth_spec = SpecFactory(Family.AUTH)


def joined(values: Iterable[object]) -> str:
    """Values as one comma-separated evidence string, truncated."""
    text = ",".join(str(v) for v in values)
    return text if len(text) <= MAX_EVIDENCE_CHARS else text[: MAX_EVIDENCE_CHARS - 3] + "..."


def clipped(value: str | None) -> str | None:
    """One evidence string, truncated."""
    if value is None or len(value) <= MAX_EVIDENCE_CHARS:
        return value
    return value[: MAX_EVIDENCE_CHARS - 3] + "..."


def base_evidence(observation: AuthObservation) -> dict[str, EvidenceValue]:
    """The evidence every auth finding carries: the model and the unauthenticated status."""
    handshake = observation.unauthenticated
    return {
        AUTH_MODEL: classify_auth(observation).value,
        STATUS: handshake.initialize.status,
        CREDENTIALS_CONFIGURED: observation.credentials_configured,
    }


def finding(
    spec: ProbeSpec,
    observation: AuthObservation,
    outcome: Outcome,
    message: str,
    evidence: Evidence | None = None,
    *,
    subject: str | None = None,
) -> list[Finding]:
    """The one finding a probe returns, with the shared evidence merged in."""
    merged = {**base_evidence(observation), **(evidence or {})}
    return [spec.finding(outcome, message, subject=subject, evidence=merged)]


def judged(
    spec: ProbeSpec,
    observation: AuthObservation,
    message: str,
    evidence: Evidence | None = None,
    *,
    bad: bool,
    subject: str | None = None,
) -> list[Finding]:
    """The one conclusive finding a probe returns."""
    outcome = spec.bad_outcome if bad else spec.good_outcome
    return finding(spec, observation, outcome, message, evidence, subject=subject)


def not_applicable(
    spec: ProbeSpec, observation: AuthObservation, message: str, evidence: Evidence | None = None
) -> list[Finding]:
    """NOT_APPLICABLE: the question does not arise for this endpoint's auth model."""
    return finding(spec, observation, Outcome.NOT_APPLICABLE, message, evidence)


def not_available(
    spec: ProbeSpec, observation: AuthObservation, message: str, evidence: Evidence | None = None
) -> list[Finding]:
    """NOT_AVAILABLE: the exchange this probe needs could not be made or gave nothing."""
    return finding(spec, observation, Outcome.NOT_AVAILABLE, message, evidence)
