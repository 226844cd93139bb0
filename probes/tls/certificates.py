"""Judge a received certificate chain with cryptography: trust, names, self-signature, gaps.

sslyze validates against the SNI name, so its verdict mixes "untrusted" with "wrong name", and
it reports a self-signed leaf only as a missing extension. Here each question gets its own
answer: trust is checked against a name the leaf itself carries, names are matched separately
(RFC 6125, SAN only), and self-signature is a real signature check.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from probes.tls.observation import CertificateInfo, ChainCertificate
from probes.tls.verify_errors import plain_verification_error

_MAX_ERROR_CHARS = 300


@functools.lru_cache(maxsize=8)
def _load_store(path: Path) -> tuple[Store, dict[x509.Name, tuple[x509.Certificate, ...]]]:
    anchors = x509.load_pem_x509_certificates(path.read_bytes())
    by_subject: dict[x509.Name, tuple[x509.Certificate, ...]] = {}
    for anchor in anchors:
        by_subject[anchor.subject] = (*by_subject.get(anchor.subject, ()), anchor)
    return Store(anchors), by_subject


def signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether `issuer` named and signed `cert` (SHA-1 and MD5 signatures are checked too)."""
    if cert.issuer != issuer.subject:
        return False
    key = issuer.public_key()
    signature, tbs = cert.signature, cert.tbs_certificate_bytes
    params = cert.signature_algorithm_parameters
    algorithm = cert.signature_hash_algorithm
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm is not None:
            key.verify(signature, tbs, params, algorithm)  # type: ignore[arg-type]
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, tbs, params)  # type: ignore[arg-type]
        elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            key.verify(signature, tbs)
        elif isinstance(key, dsa.DSAPublicKey) and algorithm is not None:
            key.verify(signature, tbs, algorithm)
        else:
            return False
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
        return False
    return True


def is_self_signed(cert: x509.Certificate) -> bool:
    """Whether the issuer is the subject and the certificate's own key verifies it."""
    return signed_by(cert, cert)


def key_description(cert: x509.Certificate) -> tuple[str, int]:
    """The public key's type and size in bits (the curve size for EC keys)."""
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC", key.curve.key_size
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    return type(key).__name__, 0


def _san(cert: x509.Certificate) -> x509.SubjectAlternativeName | None:
    try:
        return cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None


def subject_alt_names(cert: x509.Certificate) -> tuple[str, ...]:
    """The DNS names and IP addresses the certificate is for."""
    san = _san(cert)
    if san is None:
        return ()
    dns = san.get_values_for_type(x509.DNSName)
    ips = [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    return (*dns, *ips)


def hostname_matches(hostname: str, cert: x509.Certificate) -> bool:
    """RFC 6125 matching against the SAN only (clients ignore the CN when a SAN exists)."""
    san = _san(cert)
    if san is None:
        return False
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        address = None
    if address is not None:
        return address in san.get_values_for_type(x509.IPAddress)
    host = hostname.rstrip(".").lower()
    for pattern in (p.rstrip(".").lower() for p in san.get_values_for_type(x509.DNSName)):
        if pattern == host:
            return True
        # A wildcard covers exactly one left-most label, never a bare public suffix.
        if pattern.startswith("*.") and pattern.count(".") >= 2:  # noqa: PLR2004 - "*.a.b"
            _, _, rest = host.partition(".")
            if rest == pattern[2:] and "." in rest:
                return True
    return False


def _verification_subject(cert: x509.Certificate) -> x509.DNSName | x509.IPAddress | None:
    """A name the leaf claims, so trust is judged apart from whether it names this host."""
    san = _san(cert)
    if san is not None:
        for dns in san.get_values_for_type(x509.DNSName):
            candidate = dns.replace("*", "wildcard", 1) if dns.startswith("*.") else dns
            try:
                return x509.DNSName(candidate.encode("idna").decode("ascii"))
            except UnicodeError:
                continue
        for ip in san.get_values_for_type(x509.IPAddress):
            return x509.IPAddress(ip)
    return None


def validate_trust(
    chain: Sequence[x509.Certificate], stores: Sequence[tuple[str, Path]], at: dt.datetime
) -> tuple[tuple[str, ...], str | None]:
    """Which stores validate the chain at `at`, and the errors if none does."""
    subject = _verification_subject(chain[0])
    if subject is None:
        return (), "the leaf certificate names no host (no usable subjectAltName)"
    trusted_by: list[str] = []
    errors: list[str] = []
    self_signed = is_self_signed(chain[0])
    for name, path in stores:
        store, _ = _load_store(path)
        try:
            verifier = PolicyBuilder().store(store).time(at).build_server_verifier(subject)
            verifier.verify(chain[0], list(chain[1:]))
        except (VerificationError, ValueError) as exc:
            plain = plain_verification_error(str(exc), chain, leaf_self_signed=self_signed)
            errors.append(f"{name}: {plain[:_MAX_ERROR_CHARS]}")
        else:
            trusted_by.append(name)
    if trusted_by:
        return tuple(trusted_by), None
    return (), "; ".join(errors) or "no trust store was consulted"


def chain_incomplete(chain: Sequence[x509.Certificate], stores: Sequence[tuple[str, Path]]) -> bool:
    """Whether the sent chain stops short of a trust anchor (see CertificateInfo)."""
    anchors = [_load_store(path)[1] for _, path in stores]
    current, remaining = chain[0], list(chain[1:])
    while not is_self_signed(current):
        if any(signed_by(current, a) for by in anchors for a in by.get(current.issuer, ())):
            return False
        parent = next((c for c in remaining if signed_by(current, c)), None)
        if parent is None:
            return True
        remaining.remove(parent)
        current = parent
    return False


def analyse_chain(
    chain: Sequence[x509.Certificate],
    *,
    hostname: str,
    stores: Sequence[tuple[str, Path]],
    at: dt.datetime,
) -> CertificateInfo:
    """Describe the leaf and judge the chain the server sent (leaf first)."""
    leaf = chain[0]
    key_type, key_bits = key_description(leaf)
    trusted_by, error = validate_trust(chain, stores, at)
    return CertificateInfo(
        subject=leaf.subject.rfc4514_string(),
        issuer=leaf.issuer.rfc4514_string(),
        not_before=leaf.not_valid_before_utc,
        not_after=leaf.not_valid_after_utc,
        key_type=key_type,
        key_bits=key_bits,
        subject_alt_names=subject_alt_names(leaf),
        chain=tuple(
            ChainCertificate(
                subject=cert.subject.rfc4514_string(),
                issuer=cert.issuer.rfc4514_string(),
                signature_hash=cert.signature_hash_algorithm.name
                if cert.signature_hash_algorithm
                else None,
                self_signed=is_self_signed(cert),
            )
            for cert in chain
        ),
        self_signed=is_self_signed(leaf),
        trusted_by=trusted_by,
        validation_error=error,
        hostname_matches=hostname_matches(hostname, leaf),
        chain_incomplete=chain_incomplete(chain, stores),
        sha256_fingerprint=leaf.fingerprint(hashes.SHA256()).hex(),
    )
