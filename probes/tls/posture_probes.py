"""TLS probes about known vulnerabilities, renegotiation, compression, HSTS and the grade."""

from __future__ import annotations

from probes.model import Evidence, Finding, Outcome, ProbeSpec, Severity
from probes.tls.judging import (
    CAPS,
    CIPHER_STRENGTH_SCORE,
    CLIENT_RENEGOTIATION,
    COMPRESSION,
    FINAL_SCORE,
    GUIDE,
    HSTS_MAX_AGE_S,
    HSTS_REQUIRED_S,
    KEY_EXCHANGE_SCORE,
    PROTOCOL_SCORE,
    RATING_GRADE,
    ROBOT_RESULT,
    SECURE_RENEGOTIATION,
    SSL_LABS_GUIDE,
    VULNERABLE,
    WARNINGS,
    finding,
    gate,
    judged,
    not_available,
    tls_spec,
)
from probes.tls.observation import Command, TlsObservation
from probes.tls.rating import GUIDE as RATING_GUIDE
from probes.tls.rating import HSTS_MIN_AGE_S, missing_rating_inputs, rate_tls

A_GRADES = frozenset({"A+", "A", "A-"})
_PATCH = "Upgrade the TLS library (OpenSSL or the terminator's) to a maintained, patched release."

HEARTBLEED = tls_spec(
    "tls_vulnerable_to_heartbleed",
    question="Does the server leak memory through the TLS heartbeat extension (Heartbleed)?",
    rationale="Heartbleed reads server memory, including private keys and session data.",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation=_PATCH + " Then replace the private key and revoke the old certificate.",
    references=("CVE-2014-0160",),
)
ROBOT = tls_spec(
    "tls_vulnerable_to_robot",
    question="Does the server's RSA key exchange act as a Bleichenbacher oracle (ROBOT)?",
    rationale="A padding oracle lets an attacker decrypt RSA key exchanges or sign with the key.",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation=_PATCH + " Or disable RSA key exchange suites (TLS_RSA_*).",
    references=("CVE-2017-13099",),
)
CCS_INJECTION = tls_spec(
    "tls_vulnerable_to_ccs_injection",
    question="Does the server accept an early ChangeCipherSpec (OpenSSL CCS injection)?",
    rationale="An early ChangeCipherSpec lets an attacker in the middle force weak keys.",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation=_PATCH,
    references=("CVE-2014-0224",),
)
SECURE_RENEGOTIATION_SUPPORTED = tls_spec(
    "tls_secure_renegotiation_supported",
    question="Does the server support secure renegotiation (RFC 5746)?",
    rationale="Without RFC 5746 an attacker can splice its own prefix into a victim's session.",
    bad=Outcome.FALSE,
    severity=Severity.HIGH,
    remediation=_PATCH + " Or disable renegotiation entirely.",
    references=("CVE-2009-3555", "RFC 5746"),
)
COMPRESSION_ENABLED = tls_spec(
    "tls_compression_enabled",
    question="Does the server agree to TLS-level compression?",
    rationale="Compressing secrets with attacker-controlled data leaks them (CRIME).",
    bad=Outcome.TRUE,
    severity=Severity.MEDIUM,
    remediation="Disable TLS compression in the server's TLS library.",
    references=("CVE-2012-4929",),
)
HSTS_ENFORCED = tls_spec(
    "tls_hsts_enforced",
    question="Does the server send Strict-Transport-Security with max-age of at least 180 days?",
    rationale="HSTS stops browsers from being downgraded to plain http by an attacker.",
    bad=Outcome.FALSE,
    severity=Severity.LOW,
    remediation="Send 'Strict-Transport-Security: max-age=31536000' (or longer) on every response.",
    references=("RFC 6797",),
)
RATING_BELOW_A = tls_spec(
    "tls_rating_below_a",
    question="Does the SSL Labs-style rating (guide 2009r) fall below the A band (A+, A, A-)?",
    rationale="The rating summarises protocol, key exchange and cipher strength with public caps.",
    bad=Outcome.TRUE,
    severity=Severity.MEDIUM,
    remediation="Fix the issues named by the rating's caps, starting with the lowest cap.",
    references=(SSL_LABS_GUIDE,),
)


def _flag(
    spec: ProbeSpec,
    observation: TlsObservation,
    command: Command,
    *,
    value: bool | None,
    texts: tuple[str, str],
) -> list[Finding]:
    """A probe whose answer is one boolean read from one command."""
    if (early := gate(spec, observation, command)) is not None:
        return early
    if value is None:
        return not_available(spec, observation, (command,))
    message = texts[0] if value else texts[1]
    outcome = Outcome.TRUE if value else Outcome.FALSE
    return finding(spec, observation, outcome, message, {VULNERABLE: value})


def vulnerable_to_heartbleed(observation: TlsObservation) -> list[Finding]:
    """TRUE when sslyze's Heartbleed check read memory back."""
    texts = (
        "The server is vulnerable to Heartbleed.",
        "The server is not vulnerable to Heartbleed.",
    )
    value = observation.heartbleed_vulnerable
    return _flag(HEARTBLEED, observation, Command.HEARTBLEED, value=value, texts=texts)


def vulnerable_to_ccs_injection(observation: TlsObservation) -> list[Finding]:
    """TRUE when the server accepted an early ChangeCipherSpec."""
    texts = (
        "The server is vulnerable to OpenSSL CCS injection.",
        "The server is not vulnerable to OpenSSL CCS injection.",
    )
    value = observation.ccs_injection_vulnerable
    return _flag(CCS_INJECTION, observation, Command.CCS_INJECTION, value=value, texts=texts)


def vulnerable_to_robot(observation: TlsObservation) -> list[Finding]:
    """TRUE for a weak or strong oracle; inconsistent results are NOT_AVAILABLE."""
    if (early := gate(ROBOT, observation, Command.ROBOT)) is not None:
        return early
    result = observation.robot_result or ""
    evidence: Evidence = {ROBOT_RESULT: result}
    if result.startswith("VULNERABLE"):
        message = f"The server is vulnerable to ROBOT ({result.lower()})."
        return judged(ROBOT, observation, message, evidence, bad=True)
    if result.startswith("NOT_VULNERABLE"):
        message = f"The server is not vulnerable to ROBOT ({result.lower()})."
        return judged(ROBOT, observation, message, evidence, bad=False)
    message = "sslyze's ROBOT check gave inconsistent results, so the answer is unknown."
    return finding(ROBOT, observation, Outcome.NOT_AVAILABLE, message, evidence)


def secure_renegotiation_supported(observation: TlsObservation) -> list[Finding]:
    """TRUE when the server supports RFC 5746 renegotiation; FALSE (bad) when not."""
    spec = SECURE_RENEGOTIATION_SUPPORTED
    if (early := gate(spec, observation, Command.RENEGOTIATION)) is not None:
        return early
    secure = bool(observation.secure_renegotiation_supported)
    evidence: Evidence = {
        SECURE_RENEGOTIATION: secure,
        CLIENT_RENEGOTIATION: observation.client_renegotiation_accepted,
    }
    message = (
        "The server supports secure renegotiation (RFC 5746)."
        if secure
        else "The server does not support secure renegotiation (RFC 5746)."
    )
    return judged(spec, observation, message, evidence, bad=not secure)


def compression_enabled(observation: TlsObservation) -> list[Finding]:
    """TRUE when the server negotiated TLS compression."""
    spec = COMPRESSION_ENABLED
    if (early := gate(spec, observation, Command.COMPRESSION)) is not None:
        return early
    enabled = bool(observation.compression_supported)
    message = (
        "The server agrees to TLS compression (CRIME)."
        if enabled
        else "The server refuses TLS compression."
    )
    return judged(spec, observation, message, {COMPRESSION: enabled}, bad=enabled)


def hsts_enforced(observation: TlsObservation) -> list[Finding]:
    """TRUE only when Strict-Transport-Security has max-age of at least 180 days."""
    if (early := gate(HSTS_ENFORCED, observation, Command.HTTP_HEADERS)) is not None:
        return early
    max_age = observation.hsts_max_age_s
    enforced = max_age is not None and max_age >= HSTS_MIN_AGE_S
    evidence: Evidence = {HSTS_MAX_AGE_S: max_age, HSTS_REQUIRED_S: HSTS_MIN_AGE_S}
    if max_age is None:
        message = "The server sends no valid Strict-Transport-Security header."
    elif enforced:
        message = f"The server sends HSTS with max-age={max_age} s."
    else:
        message = f"The server's HSTS max-age={max_age} s is shorter than 180 days."
    return judged(HSTS_ENFORCED, observation, message, evidence, bad=not enforced)


def rating_below_a(observation: TlsObservation) -> list[Finding]:
    """TRUE when the SSL Labs-style grade is B or worse (T and M included)."""
    if (early := gate(RATING_BELOW_A, observation)) is not None:
        return early
    if missing := missing_rating_inputs(observation):
        return not_available(RATING_BELOW_A, observation, missing)
    rating = rate_tls(observation)
    evidence: Evidence = {
        RATING_GRADE: rating.grade,
        FINAL_SCORE: rating.final_score,
        PROTOCOL_SCORE: rating.protocol_score,
        KEY_EXCHANGE_SCORE: rating.key_exchange_score,
        CIPHER_STRENGTH_SCORE: rating.cipher_strength_score,
        CAPS: ",".join(rating.caps),
        WARNINGS: ",".join(rating.warnings),
        GUIDE: RATING_GUIDE,
    }
    below = rating.grade not in A_GRADES
    why = f" (caps: {', '.join(rating.caps)})" if rating.caps else ""
    message = f"The SSL Labs-style TLS grade is {rating.grade}{why}."
    return judged(RATING_BELOW_A, observation, message, evidence, bad=below)
