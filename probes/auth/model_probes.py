"""Auth probes about the access model: open, broken, and the 401 challenge."""

from __future__ import annotations

from probes.auth.classify import REFUSALS, classify_auth
from probes.auth.judging import (
    CHALLENGE_ERROR,
    CHALLENGE_SCHEMES,
    CONTENT_TYPE,
    CREDENTIALS_ACCEPTED,
    RESOURCE_METADATA,
    SCOPE,
    TOOLS_LIST_STATUS,
    auth_spec,
    clipped,
    joined,
    judged,
    not_applicable,
)
from probes.auth.observation import AuthModel, AuthObservation
from probes.model import Evidence, Finding, Outcome, Severity

UNAUTHORIZED = 401

OPEN_WITHOUT_CREDENTIALS = auth_spec(
    "auth_endpoint_open_without_credentials",
    question="Does the endpoint complete initialize and tools/list without any credentials?",
    rationale=(
        "Anyone who learns the URL can list and call the tools. Medium on its own: public "
        "read-only tools are fine open, and the gate that combines this with destructive "
        "tools (auth.none_destructive) belongs to scoring, which sees both families."
    ),
    bad=Outcome.TRUE,
    severity=Severity.MEDIUM,
    remediation=(
        "Require OAuth 2.1 (MCP authorization) or an API key for endpoints whose tools read "
        "private data or change anything."
    ),
    references=("SAFE-T1005",),
)
MODEL_BROKEN = auth_spec(
    "auth_model_broken",
    question=(
        "Does the endpoint refuse unauthenticated requests without saying how to authenticate, "
        "or answer the handshake with neither a result nor 401/403?"
    ),
    rationale=(
        "A 401 with no WWW-Authenticate challenge and no RFC 9728 metadata leaves clients no "
        "standard way to obtain access (landscape 4.6, 'auth undiscoverable'); users fall back "
        "to pasting tokens by hand. Medium, as in scoring.md 8.2.2."
    ),
    bad=Outcome.TRUE,
    severity=Severity.MEDIUM,
    remediation=(
        "Answer 401 with 'WWW-Authenticate: Bearer resource_metadata=...' and publish RFC 9728 "
        "metadata, or document the required API key header in the registry entry."
    ),
    references=("RFC 9728",),
)
CHALLENGE_LACKS_RESOURCE_METADATA = auth_spec(
    "auth_challenge_lacks_resource_metadata",
    question="Does the 401 refusal lack a Bearer challenge carrying resource_metadata?",
    rationale=(
        "MCP 2025-06-18 requires the 401 to point at the protected resource metadata (RFC 9728 "
        "5.1); 2025-11-25 also lets clients probe the well-known URLs. Low: it costs clients "
        "extra requests unless the well-known metadata is missing too (then auth_model_broken)."
    ),
    bad=Outcome.TRUE,
    severity=Severity.LOW,
    remediation=(
        'Send \'WWW-Authenticate: Bearer resource_metadata="<PRM URL>", scope="..."\' on 401.'
    ),
    references=("RFC 9728",),
)


def _handshake_evidence(observation: AuthObservation) -> Evidence:
    handshake = observation.unauthenticated
    credentialed = observation.credentialed
    return {
        CONTENT_TYPE: clipped(handshake.initialize.content_type),
        TOOLS_LIST_STATUS: handshake.tools_list.status if handshake.tools_list else None,
        CREDENTIALS_ACCEPTED: credentialed.open if credentialed is not None else None,
        CHALLENGE_SCHEMES: joined(c.scheme for c in observation.challenges),
    }


def endpoint_open_without_credentials(observation: AuthObservation) -> list[Finding]:
    """TRUE when the handshake succeeds unauthenticated; N/A when it neither works nor refuses."""
    spec = OPEN_WITHOUT_CREDENTIALS
    evidence = _handshake_evidence(observation)
    status = observation.unauthenticated.refusing_status
    if observation.unauthenticated.open:
        message = "The endpoint answers initialize and tools/list without any credentials."
        return judged(spec, observation, message, evidence, bad=True)
    if status in REFUSALS:
        message = f"The endpoint refuses unauthenticated requests with {status}."
        return judged(spec, observation, message, evidence, bad=False)
    message = f"The endpoint did not complete a handshake (status {status}), so openness is moot."
    return not_applicable(spec, observation, message, evidence)


def auth_model_broken(observation: AuthObservation) -> list[Finding]:
    """TRUE when the auth model classifies as broken."""
    model = classify_auth(observation)
    status = observation.unauthenticated.refusing_status
    evidence = _handshake_evidence(observation)
    if model is not AuthModel.BROKEN:
        message = f"The endpoint's auth model is {model}."
        return judged(MODEL_BROKEN, observation, message, evidence, bad=False)
    if status in REFUSALS:
        message = (
            f"The endpoint refuses with {status} but names no auth scheme and publishes no "
            "protected resource metadata."
        )
    else:
        message = f"The endpoint answers an unauthenticated initialize with status {status}."
    return judged(MODEL_BROKEN, observation, message, evidence, bad=True)


def challenge_lacks_resource_metadata(observation: AuthObservation) -> list[Finding]:
    """TRUE when a 401 (OAuth or broken model) has no Bearer resource_metadata challenge."""
    spec = CHALLENGE_LACKS_RESOURCE_METADATA
    model = classify_auth(observation)
    status = observation.unauthenticated.refusing_status
    if status != UNAUTHORIZED or model is AuthModel.DECLARED_KEY:
        why = {AuthModel.DECLARED_KEY: "uses a declared key", AuthModel.NONE: "is open"}.get(
            model, f"answered {status}"
        )
        message = f"No OAuth 401 challenge to judge: the endpoint {why}."
        return not_applicable(spec, observation, message)
    bearer = next((c for c in observation.challenges if c.is_bearer), None)
    pointer = bearer.param("resource_metadata") if bearer else None
    evidence: Evidence = {
        CHALLENGE_SCHEMES: joined(c.scheme for c in observation.challenges),
        RESOURCE_METADATA: clipped(pointer),
        SCOPE: clipped(bearer.param("scope")) if bearer else None,
        CHALLENGE_ERROR: clipped(bearer.param("error")) if bearer else None,
    }
    if pointer:
        message = f"The 401 challenge points at the resource metadata: {pointer}."
        return judged(spec, observation, message, evidence, bad=False)
    message = "The 401 carries no Bearer challenge with resource_metadata."
    return judged(spec, observation, message, evidence, bad=True)
