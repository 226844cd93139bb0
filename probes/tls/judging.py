"""Shared pieces of the TLS probes: evidence keys, spec construction, and the common gates.

Every TLS probe first passes the same gates: an http:// endpoint makes it NOT_APPLICABLE, and a
failed sslyze command it depends on makes it NOT_AVAILABLE, so an unmeasured property is never
reported as good.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from probes.model import Evidence, Family, Finding, Outcome, ProbeSpec, SpecFactory
from probes.tls.observation import (
    PROTOCOL_COMMANDS,
    AcceptedSuite,
    Command,
    Protocol,
    TlsObservation,
)

# Evidence keys shared by the TLS probes (stored findings are queried by these names).
SCHEME = "scheme"
FAILED_COMMANDS = "failed_commands"
FAILURE_DETAIL = "failure_detail"
PROTOCOL = "protocol"
PROTOCOLS = "protocols"
SUITES = "suites"
SUITE_COUNT = "suite_count"
SUBJECT = "subject"
ISSUER = "issuer"
FINGERPRINT = "sha256_fingerprint"
TRUSTED_BY = "trusted_by"
VALIDATION_ERROR = "validation_error"
NOT_BEFORE = "not_before"
NOT_AFTER = "not_after"
OBSERVED_AT = "observed_at"
DAYS_REMAINING = "days_remaining"
HOSTNAME = "hostname"
SUBJECT_ALT_NAMES = "subject_alt_names"
KEY_TYPE = "key_type"
KEY_BITS = "key_bits"
SIGNATURE_HASHES = "signature_hashes"
WEAK_HASHES = "weak_hashes"
CHAIN_LENGTH = "chain_length"
VULNERABLE = "vulnerable"
ROBOT_RESULT = "robot_result"
SECURE_RENEGOTIATION = "secure_renegotiation_supported"
CLIENT_RENEGOTIATION = "client_renegotiation_accepted"
COMPRESSION = "compression_supported"
HSTS_MAX_AGE_S = "hsts_max_age_s"
HSTS_REQUIRED_S = "hsts_required_s"
RATING_GRADE = "rating_grade"
FINAL_SCORE = "final_score"
PROTOCOL_SCORE = "protocol_score"
KEY_EXCHANGE_SCORE = "key_exchange_score"
CIPHER_STRENGTH_SCORE = "cipher_strength_score"
CAPS = "caps"
WARNINGS = "warnings"
GUIDE = "guide"

SSL_LABS_GUIDE = "https://github.com/ssllabs/research/wiki/SSL-Server-Rating-Guide"
_LISTED_SUITES = 8

SuitePredicate = Callable[[Protocol, AcceptedSuite], bool]


tls_spec = SpecFactory(Family.TLS)


def subject_of(observation: TlsObservation) -> str:
    """The host:port a TLS finding is about."""
    return f"{observation.hostname}:{observation.port}"


def finding(
    spec: ProbeSpec, observation: TlsObservation, outcome: Outcome, message: str, evidence: Evidence
) -> list[Finding]:
    """The one finding a probe returns."""
    return [spec.finding(outcome, message, subject=subject_of(observation), evidence=evidence)]


def judged(
    spec: ProbeSpec,
    observation: TlsObservation,
    message: str,
    evidence: Evidence,
    *,
    bad: bool,
) -> list[Finding]:
    """The one conclusive finding a probe returns."""
    subject = subject_of(observation)
    return [spec.judged(bad, message, subject=subject, evidence=evidence)]


def not_available(
    spec: ProbeSpec, observation: TlsObservation, commands: Iterable[Command]
) -> list[Finding]:
    """NOT_AVAILABLE because the named commands did not complete."""
    failed = [c for c in commands if not observation.completed(c)]
    errors = [e for c in failed if (e := observation.error_for(c)) is not None]
    detail = "; ".join(f"{e.command}: {e.reason}: {e.detail}" for e in errors)[:300]
    names = ", ".join(failed)
    message = f"Not measured: the sslyze check(s) {names} did not complete."
    evidence = {FAILED_COMMANDS: ",".join(failed), FAILURE_DETAIL: detail or "not run"}
    return finding(spec, observation, Outcome.NOT_AVAILABLE, message, evidence)


def gate(spec: ProbeSpec, observation: TlsObservation, *commands: Command) -> list[Finding] | None:
    """NOT_APPLICABLE for http://, NOT_AVAILABLE if a needed command failed, else None."""
    if not observation.is_tls:
        message = "The endpoint uses plain http://, so there is no TLS configuration to judge."
        evidence = {SCHEME: observation.scheme}
        return finding(spec, observation, Outcome.NOT_APPLICABLE, message, evidence)
    if any(not observation.completed(c) for c in commands):
        return not_available(spec, observation, commands)
    return None


def suites_matching(
    observation: TlsObservation, predicate: SuitePredicate
) -> list[tuple[Protocol, AcceptedSuite]]:
    """Accepted suites, over every scanned protocol, that satisfy the predicate."""
    return [
        (p.protocol, s)
        for p in observation.protocols
        for s in p.accepted_suites
        if predicate(p.protocol, s)
    ]


def suite_probe(
    spec: ProbeSpec,
    observation: TlsObservation,
    predicate: SuitePredicate,
    *,
    found: str,
    absent: str,
) -> list[Finding]:
    """TRUE if some accepted suite matches; FALSE only if every protocol scan completed.

    A match in a completed scan is conclusive even if another scan failed; an absence is not.
    """
    if (early := gate(spec, observation)) is not None:
        return early
    matches = suites_matching(observation, predicate)
    names = sorted({s.name for _, s in matches})
    evidence: Evidence = {
        SUITE_COUNT: len(names),
        SUITES: ",".join(names[:_LISTED_SUITES]),
        PROTOCOLS: ",".join(sorted({p.value for p, _ in matches})),
    }
    if matches:
        return finding(spec, observation, Outcome.TRUE, found, evidence)
    commands = PROTOCOL_COMMANDS.values()
    if any(not observation.completed(c) for c in commands):
        return not_available(spec, observation, commands)
    return finding(spec, observation, Outcome.FALSE, absent, evidence)


def protocol_probe(
    spec: ProbeSpec, observation: TlsObservation, protocol: Protocol, *, yes: str, no: str
) -> list[Finding]:
    """TRUE if the server accepted a handshake with this protocol version."""
    if (early := gate(spec, observation, PROTOCOL_COMMANDS[protocol])) is not None:
        return early
    support = observation.protocol(protocol)
    supported = support is not None and support.supported
    count = len(support.accepted_suites) if support is not None else 0
    evidence: Evidence = {PROTOCOL: protocol.value, SUITE_COUNT: count}
    outcome = Outcome.TRUE if supported else Outcome.FALSE
    return finding(spec, observation, outcome, yes if supported else no, evidence)
