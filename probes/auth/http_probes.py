"""Auth probes about Streamable HTTP hygiene: Origin checks, session ids, protocol versions.

These need an open session, so they judge the handshake that worked (unauthenticated when
the endpoint is open, else the one made with the operator's credentials) and are
NOT_APPLICABLE when no handshake could be made.
"""

from __future__ import annotations

from probes.auth.judging import (
    BOGUS_ORIGIN,
    ORIGIN_SENT,
    ORIGIN_STATUS,
    SESSION_ID_LENGTHS,
    SESSION_PROBLEMS,
    UNSUPPORTED_PROTOCOL_VERSION,
    VERSION_SENT,
    VERSION_STATUS,
    auth_spec,
    joined,
    judged,
    not_applicable,
    not_available,
)
from probes.auth.observation import AuthObservation, Reply
from probes.model import Finding, Outcome, Severity

# OWASP Session Management Cheat Sheet: at least 64 bits of entropy, i.e. 16 hex characters.
MIN_SESSION_ID_CHARS = 16
# Two random ids of this length share this many leading characters with negligible odds.
MAX_SHARED_PREFIX_SLACK = 4
MIN_DISTINCT_CHARS = 6
_UNAUTHORIZED, _NOT_FOUND, _BAD_REQUEST = 401, 404, 400

BOGUS_ORIGIN_ACCEPTED = auth_spec(
    "auth_bogus_origin_accepted",
    question="Does the endpoint accept a request whose Origin header names a foreign site?",
    rationale=(
        "Servers MUST validate Origin and answer an invalid one with 403 (MCP 2025-11-25 "
        "transports); otherwise a web page can drive the server through the user's browser "
        "(DNS rebinding, CSRF). High: the spec MUST, scored -15 in scoring.md 8.2.2."
    ),
    bad=Outcome.TRUE,
    severity=Severity.HIGH,
    remediation=(
        "Refuse requests whose Origin is present and not in an allow-list with 403 (the MCP "
        "SDKs' TransportSecuritySettings.allowed_origins)."
    ),
)
SESSION_ID_WEAK = auth_spec(
    "auth_session_id_weak",
    question=(
        "Is the Mcp-Session-Id short, outside visible ASCII, repeated across two handshakes, "
        "or nearly identical between them?"
    ),
    rationale=(
        "Session ids MUST be visible ASCII and non-deterministic, and SHOULD be "
        "cryptographically secure (MCP transports; security best practices, session "
        "hijacking). Medium: a guessable id lets another client inject into a session."
    ),
    bad=Outcome.TRUE,
    severity=Severity.MEDIUM,
    remediation="Generate session ids from a CSPRNG with at least 128 bits (e.g. uuid4().hex).",
)
UNSUPPORTED_VERSION_ACCEPTED = auth_spec(
    "auth_unsupported_protocol_version_accepted",
    question="Does the endpoint serve a request carrying an unsupported MCP-Protocol-Version?",
    rationale=(
        "An invalid or unsupported MCP-Protocol-Version MUST get 400 (MCP 2025-06-18 "
        "transports); serving it anyway means the server does not check the version it "
        "speaks. Low: a protocol-hygiene signal, not an exposure by itself."
    ),
    bad=Outcome.TRUE,
    severity=Severity.LOW,
    remediation="Validate MCP-Protocol-Version on every request and answer 400 when unsupported.",
)


LEGACY_SSE = "legacy_sse"


def _no_session(observation: AuthObservation) -> str:
    if observation.credentials_configured:
        return "neither without nor with the operator's credentials"
    return "without credentials, and no operator credentials were given"


def _unmeasured(observation: AuthObservation, header: str) -> str:
    """Why a header-based check has nothing to judge."""
    working = observation.working_handshake
    if working is None:
        return f"No session could be opened {_no_session(observation)}."
    if working.generation == LEGACY_SSE:
        return f"The endpoint speaks the 2024-11-05 HTTP+SSE transport, which has no {header}."
    return f"The endpoint issues no {header}: it is stateless."


def bogus_origin_accepted(observation: AuthObservation) -> list[Finding]:
    """TRUE when a request with Origin: https://evil.example was served (result or stream)."""
    spec = BOGUS_ORIGIN_ACCEPTED
    reply = observation.bogus_origin
    if reply is None:
        message = (
            f"No session could be opened {_no_session(observation)}; a cross-origin page "
            "holds no bearer token either, so Origin checks are moot here."
        )
        return not_applicable(spec, observation, message)
    evidence = {ORIGIN_SENT: BOGUS_ORIGIN, ORIGIN_STATUS: reply.status}
    if reply.ok:
        message = f"The endpoint served a request with Origin {BOGUS_ORIGIN} ({reply.status})."
        return judged(spec, observation, message, evidence, bad=True)
    if _refused(reply, also_not=(_UNAUTHORIZED,)):
        message = f"The endpoint refused Origin {BOGUS_ORIGIN} with {reply.status}."
        return judged(spec, observation, message, evidence, bad=False)
    message = f"The bogus-Origin request was inconclusive ({reply.status or reply.error})."
    return not_available(spec, observation, message, evidence)


def _refused(reply: Reply, *, also_not: tuple[int, ...] = ()) -> bool:
    """A 4xx (other than the excluded ones), or a 2xx that carried no JSON-RPC result."""
    status = reply.status
    if status is None or status in also_not:
        return False
    return 400 <= status < 500 or (200 <= status < 300 and not reply.served)  # noqa: PLR2004 - RFC 9110 15


def _shared_prefix(first: str, second: str) -> int:
    """How many leading characters two strings share."""
    return next(
        (i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b),
        min(len(first), len(second)),
    )


def session_id_problems(ids: tuple[str | None, str | None]) -> list[str]:
    """What makes the observed session ids weak (empty when nothing does)."""
    problems: list[str] = []
    for index, sid in enumerate(ids, start=1):
        if sid is None:
            continue
        if len(sid) < MIN_SESSION_ID_CHARS:
            problems.append(f"id {index} has {len(sid)} characters (< {MIN_SESSION_ID_CHARS})")
        if not sid or not all(0x21 <= ord(c) <= 0x7E for c in sid):  # noqa: PLR2004 - visible ASCII
            problems.append(f"id {index} is not visible ASCII")
        elif len(set(sid)) < MIN_DISTINCT_CHARS:
            problems.append(f"id {index} uses only {len(set(sid))} distinct characters")
    first, second = ids
    if first is not None and second is not None:
        if first == second:
            problems.append("the same id was issued to two handshakes")
        else:
            shared = _shared_prefix(first, second)
            if shared >= max(len(first), len(second)) - MAX_SHARED_PREFIX_SLACK:
                problems.append(f"the two ids share their first {shared} characters (sequential)")
    return problems


def session_id_weak(observation: AuthObservation) -> list[Finding]:
    """TRUE when the session ids fail a length, charset, repetition or sequence check."""
    spec = SESSION_ID_WEAK
    ids = observation.session_ids
    if ids == (None, None):
        return not_applicable(spec, observation, _unmeasured(observation, "Mcp-Session-Id"))
    problems = session_id_problems(ids)
    # The ids themselves are not stored: on a server that misuses them they are credentials.
    evidence = {
        SESSION_ID_LENGTHS: joined(len(s) if s is not None else "none" for s in ids),
        SESSION_PROBLEMS: joined(problems),
    }
    if problems:
        message = f"The session ids are weak: {problems[0]}."
        return judged(spec, observation, message, evidence, bad=True)
    message = "The session ids are long, visible ASCII and unrelated across two handshakes."
    return judged(spec, observation, message, evidence, bad=False)


def unsupported_protocol_version_accepted(observation: AuthObservation) -> list[Finding]:
    """TRUE when a request with MCP-Protocol-Version 1999-01-01 was served."""
    spec = UNSUPPORTED_VERSION_ACCEPTED
    reply = observation.unsupported_version
    if reply is None:
        return not_applicable(spec, observation, _unmeasured(observation, "MCP-Protocol-Version"))
    evidence = {VERSION_SENT: UNSUPPORTED_PROTOCOL_VERSION, VERSION_STATUS: reply.status}
    if reply.ok:
        message = (
            f"The endpoint served a request with MCP-Protocol-Version {evidence[VERSION_SENT]}."
        )
        return judged(spec, observation, message, evidence, bad=True)
    if _refused(reply, also_not=(_UNAUTHORIZED, _NOT_FOUND)):
        verdict = "as the spec asks" if reply.status == _BAD_REQUEST else "(the spec asks for 400)"
        message = f"The endpoint refused the unsupported version with {reply.status} {verdict}."
        return judged(spec, observation, message, evidence, bad=False)
    message = f"The unsupported-version request was inconclusive ({reply.status or reply.error})."
    return not_available(spec, observation, message, evidence)
