"""TLS probes about the server's certificate: trust, validity, names, key and signatures."""

from __future__ import annotations

import datetime as dt

from probes.model import Evidence, Finding, Outcome, ProbeSpec, Severity
from probes.tls.judging import (
    CHAIN_LENGTH,
    DAYS_REMAINING,
    FINGERPRINT,
    HOSTNAME,
    ISSUER,
    KEY_BITS,
    KEY_TYPE,
    NOT_AFTER,
    NOT_BEFORE,
    OBSERVED_AT,
    SIGNATURE_HASHES,
    SUBJECT,
    SUBJECT_ALT_NAMES,
    TRUSTED_BY,
    VALIDATION_ERROR,
    WEAK_HASHES,
    finding,
    gate,
    judged,
    tls_spec,
)
from probes.tls.observation import CertificateInfo, Command, TlsObservation
from probes.tls.rating import WEAK_SIGNATURE_HASHES

MIN_RSA_BITS = 2048
MIN_EC_BITS = 224
EXPIRY_WARNING = dt.timedelta(days=30)

CERTIFICATE_UNTRUSTED = tls_spec(
    "tls_certificate_untrusted",
    question="Does the chain fail validation against both the Mozilla and the operator CA store?",
    rationale="A client cannot tell an untrusted server from an attacker in the middle.",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation="Serve a certificate from a publicly trusted CA together with its intermediates.",
)
CERTIFICATE_EXPIRED = tls_spec(
    "tls_certificate_expired",
    question="Has the leaf certificate's validity period ended?",
    rationale="Clients reject expired certificates, and users learn to click through warnings.",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation="Renew the certificate and automate renewal (for example with ACME).",
)
CERTIFICATE_NOT_YET_VALID = tls_spec(
    "tls_certificate_not_yet_valid",
    question="Does the leaf certificate's validity period start in the future?",
    rationale="Clients reject a certificate before its notBefore date (a clock or deploy error).",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation="Deploy a certificate that is valid now and check the issuing system's clock.",
)
CERTIFICATE_SELF_SIGNED = tls_spec(
    "tls_certificate_self_signed",
    question="Is the leaf certificate signed by its own key?",
    rationale="A self-signed certificate proves nothing about who operates the server.",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation="Replace the self-signed certificate with one issued by a trusted CA.",
)
CERTIFICATE_HOSTNAME_MISMATCH = tls_spec(
    "tls_certificate_hostname_mismatch",
    question="Does the certificate fail to name the host in the endpoint URL?",
    rationale="Accepting a certificate for another name lets its holder impersonate the server.",
    bad=Outcome.TRUE,
    severity=Severity.CRITICAL,
    remediation="Serve a certificate whose subjectAltName lists the endpoint's host name.",
)
CERTIFICATE_KEY_TOO_WEAK = tls_spec(
    "tls_certificate_key_too_weak",
    question="Is the certificate key shorter than 2048 bits (RSA/DSA) or 224 bits (EC)?",
    rationale="Short keys can be broken with feasible effort, which forges the server's identity.",
    bad=Outcome.TRUE,
    severity=Severity.HIGH,
    remediation="Issue a new certificate with an RSA key of 2048+ bits or a P-256 (or larger) key.",
)
CERTIFICATE_SIGNATURE_WEAK_HASH = tls_spec(
    "tls_certificate_signature_weak_hash",
    question="Is the leaf or an intermediate certificate signed with SHA-1 or MD5?",
    rationale="SHA-1 and MD5 collisions allow forged certificates; browsers reject them.",
    bad=Outcome.TRUE,
    severity=Severity.HIGH,
    remediation="Reissue the certificates with SHA-256 (or stronger) signatures.",
)
CERTIFICATE_CHAIN_INCOMPLETE = tls_spec(
    "tls_certificate_chain_incomplete",
    question="Does the chain the server sends stop short of a trust anchor?",
    rationale="Clients that cannot fetch a missing intermediate fail to connect or disable checks.",
    bad=Outcome.TRUE,
    severity=Severity.MEDIUM,
    remediation="Configure the server to send the leaf followed by every intermediate certificate.",
)
CERTIFICATE_EXPIRES_SOON = tls_spec(
    "tls_certificate_expires_within_30_days",
    question="Does the leaf certificate expire within the next 30 days?",
    rationale="A certificate this close to expiry with no replacement deployed predicts an outage.",
    bad=Outcome.TRUE,
    severity=Severity.LOW,
    remediation="Renew the certificate now and automate renewal well before expiry.",
)


def _certificate(spec: ProbeSpec, observation: TlsObservation) -> CertificateInfo | list[Finding]:
    """The certificate to judge, or the finding that says why there is none to judge."""
    if (early := gate(spec, observation, Command.CERTIFICATE_INFO)) is not None:
        return early
    if observation.certificate is None:
        message = "The server presented no certificate (it accepts only anonymous suites)."
        return finding(spec, observation, Outcome.NOT_APPLICABLE, message, {})
    return observation.certificate


def _identity(cert: CertificateInfo) -> dict[str, str]:
    return {SUBJECT: cert.subject, ISSUER: cert.issuer, FINGERPRINT: cert.sha256_fingerprint}


def certificate_untrusted(observation: TlsObservation) -> list[Finding]:
    """TRUE when no consulted trust store validates the chain (or no certificate was sent)."""
    spec = CERTIFICATE_UNTRUSTED
    if (early := gate(spec, observation, Command.CERTIFICATE_INFO)) is not None:
        return early
    cert = observation.certificate
    if cert is None:
        message = "The server presented no certificate, so nothing authenticates it."
        return judged(spec, observation, message, {TRUSTED_BY: ""}, bad=True)
    evidence = {**_identity(cert), TRUSTED_BY: ",".join(cert.trusted_by)}
    if cert.trusted:
        message = f"The certificate chain validates against: {', '.join(cert.trusted_by)}."
        return judged(spec, observation, message, evidence, bad=False)
    evidence[VALIDATION_ERROR] = cert.validation_error or ""
    message = f"The certificate chain does not validate: {cert.validation_error}."
    return judged(spec, observation, message, evidence, bad=True)


def certificate_expired(observation: TlsObservation) -> list[Finding]:
    """TRUE when the observation time is past notAfter."""
    cert = _certificate(CERTIFICATE_EXPIRED, observation)
    if not isinstance(cert, CertificateInfo):
        return cert
    expired = observation.observed_at > cert.not_after
    evidence = {
        NOT_AFTER: cert.not_after.isoformat(),
        OBSERVED_AT: observation.observed_at.isoformat(),
    }
    verb = "expired" if expired else "is valid until"
    message = f"The certificate {verb} {cert.not_after:%Y-%m-%d %H:%M} UTC."
    return judged(CERTIFICATE_EXPIRED, observation, message, evidence, bad=expired)


def certificate_not_yet_valid(observation: TlsObservation) -> list[Finding]:
    """TRUE when the observation time is before notBefore."""
    cert = _certificate(CERTIFICATE_NOT_YET_VALID, observation)
    if not isinstance(cert, CertificateInfo):
        return cert
    early_cert = observation.observed_at < cert.not_before
    evidence = {
        NOT_BEFORE: cert.not_before.isoformat(),
        OBSERVED_AT: observation.observed_at.isoformat(),
    }
    verb = "only becomes valid on" if early_cert else "has been valid since"
    message = f"The certificate {verb} {cert.not_before:%Y-%m-%d %H:%M} UTC."
    return judged(CERTIFICATE_NOT_YET_VALID, observation, message, evidence, bad=early_cert)


def certificate_self_signed(observation: TlsObservation) -> list[Finding]:
    """TRUE when the leaf's issuer is its subject and its own key verifies its signature."""
    cert = _certificate(CERTIFICATE_SELF_SIGNED, observation)
    if not isinstance(cert, CertificateInfo):
        return cert
    message = (
        "The leaf certificate is self-signed."
        if cert.self_signed
        else f"The leaf certificate is issued by {cert.issuer}."
    )
    return judged(
        CERTIFICATE_SELF_SIGNED, observation, message, _identity(cert), bad=cert.self_signed
    )


def certificate_hostname_mismatch(observation: TlsObservation) -> list[Finding]:
    """TRUE when no subjectAltName of the leaf matches the URL's host."""
    cert = _certificate(CERTIFICATE_HOSTNAME_MISMATCH, observation)
    if not isinstance(cert, CertificateInfo):
        return cert
    names = ", ".join(cert.subject_alt_names) or "no names"
    evidence = {HOSTNAME: observation.hostname, SUBJECT_ALT_NAMES: ",".join(cert.subject_alt_names)}
    mismatch = not cert.hostname_matches
    message = (
        f"The certificate is for {names}, not {observation.hostname}."
        if mismatch
        else f"The certificate names {observation.hostname}."
    )
    return judged(CERTIFICATE_HOSTNAME_MISMATCH, observation, message, evidence, bad=mismatch)


def certificate_key_too_weak(observation: TlsObservation) -> list[Finding]:
    """TRUE for RSA/DSA keys under 2048 bits and EC keys under 224 bits."""
    cert = _certificate(CERTIFICATE_KEY_TOO_WEAK, observation)
    if not isinstance(cert, CertificateInfo):
        return cert
    if cert.key_type in {"RSA", "DSA"}:
        weak = cert.key_bits < MIN_RSA_BITS
    elif cert.key_type == "EC":
        weak = cert.key_bits < MIN_EC_BITS
    else:
        weak = cert.key_bits <= 0
    evidence: Evidence = {KEY_TYPE: cert.key_type, KEY_BITS: cert.key_bits}
    quality = "too weak" if weak else "strong enough"
    message = f"The certificate's {cert.key_bits}-bit {cert.key_type} key is {quality}."
    return judged(CERTIFICATE_KEY_TOO_WEAK, observation, message, evidence, bad=weak)


def certificate_signature_weak_hash(observation: TlsObservation) -> list[Finding]:
    """TRUE when the leaf or an intermediate is signed with SHA-1 or MD5 (roots are ignored)."""
    cert = _certificate(CERTIFICATE_SIGNATURE_WEAK_HASH, observation)
    if not isinstance(cert, CertificateInfo):
        return cert
    hashes = [h or "none" for h in cert.issued_signature_hashes]
    weak = sorted({h for h in hashes if h in WEAK_SIGNATURE_HASHES})
    evidence = {SIGNATURE_HASHES: ",".join(hashes), WEAK_HASHES: ",".join(weak)}
    message = (
        f"The chain uses {' and '.join(weak).upper()} signatures."
        if weak
        else f"The chain's signatures use {', '.join(sorted(set(hashes)))}."
    )
    return judged(CERTIFICATE_SIGNATURE_WEAK_HASH, observation, message, evidence, bad=bool(weak))


def certificate_chain_incomplete(observation: TlsObservation) -> list[Finding]:
    """TRUE when the sent chain does not lead to a trust anchor (see CertificateInfo)."""
    cert = _certificate(CERTIFICATE_CHAIN_INCOMPLETE, observation)
    if not isinstance(cert, CertificateInfo):
        return cert
    evidence: Evidence = {CHAIN_LENGTH: len(cert.chain), ISSUER: cert.issuer}
    message = (
        f"The server sends {len(cert.chain)} certificate(s) that do not lead to a trust anchor."
        if cert.chain_incomplete
        else "The certificates the server sends lead to a trust anchor."
    )
    return judged(
        CERTIFICATE_CHAIN_INCOMPLETE, observation, message, evidence, bad=cert.chain_incomplete
    )


def certificate_expires_soon(observation: TlsObservation) -> list[Finding]:
    """TRUE within 30 days of notAfter; NOT_APPLICABLE once the certificate has expired."""
    cert = _certificate(CERTIFICATE_EXPIRES_SOON, observation)
    if not isinstance(cert, CertificateInfo):
        return cert
    remaining = cert.not_after - observation.observed_at
    evidence: Evidence = {NOT_AFTER: cert.not_after.isoformat(), DAYS_REMAINING: remaining.days}
    if remaining < dt.timedelta(0):
        message = "The certificate has already expired (see tls_certificate_expired)."
        return finding(
            CERTIFICATE_EXPIRES_SOON, observation, Outcome.NOT_APPLICABLE, message, evidence
        )
    soon = remaining <= EXPIRY_WARNING
    message = f"The certificate expires in {remaining.days} day(s)."
    return judged(CERTIFICATE_EXPIRES_SOON, observation, message, evidence, bad=soon)
