"""An SSL Labs-style TLS grade (rating guide 2009r), computed from a TlsObservation.

The arithmetic follows the guide as testssl.sh implements it, in integer steps: protocol and
cipher strength are (best + worst) // 2, key exchange is the weakest key, the weighted sum uses
30/30/40 (each term rounded down), and any zero category makes the total 0. A certificate that
fails the trust or name gate also scores 0 (guide step 1), but the category scores are kept so
the result still explains itself. Every cap and warning carries a stable rule id so a change in
grade can be traced to the rule that fired.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from probes.tls.observation import (
    AcceptedSuite,
    CertificateInfo,
    Command,
    Protocol,
    ProtocolSupport,
    TlsObservation,
)

GUIDE = "2009r"
HSTS_MIN_AGE_S = 180 * 24 * 3600  # 15552000 s: "HSTS with max-age of at least 6 months"
# The commands whose results the rating reads; if any failed, no grade is given.
RATING_COMMANDS = (
    Command.CERTIFICATE_INFO,
    Command.SSL_2_0,
    Command.SSL_3_0,
    Command.TLS_1_0,
    Command.TLS_1_1,
    Command.TLS_1_2,
    Command.TLS_1_3,
    Command.HEARTBLEED,
    Command.ROBOT,
    Command.CCS_INJECTION,
    Command.RENEGOTIATION,
    Command.COMPRESSION,
    Command.HTTP_HEADERS,
)
PROTOCOL_SCORES = {
    Protocol.SSL_2_0: 0,
    Protocol.SSL_3_0: 80,
    Protocol.TLS_1_0: 90,
    Protocol.TLS_1_1: 95,
    Protocol.TLS_1_2: 100,
    Protocol.TLS_1_3: 100,
}
WEAK_SIGNATURE_HASHES = frozenset({"md5", "sha1"})
_MIN_CIPHER_BITS = 112
_INSECURE_KEY_SCORE = 40  # RSA/DH < 1024, EC < 123, or anonymous
_WEAK_KEY_SCORE = 80  # RSA/DH < 2048, EC < 163
_BANDS = ((80, "A"), (65, "B"), (50, "C"), (35, "D"), (20, "E"))
_LETTERS = "ABCDEF"
_RSA_STEPS = ((512, 20), (1024, 40), (2048, 80), (4096, 90))
_EC_STEPS = ((110, 20), (123, 40), (163, 80), (225, 90))
_FS = re.compile(r"_(ECDHE|DHE)_")
_AEAD = re.compile(r"_(GCM|CCM|CCM_8)_|_GCM$|_CCM(_8)?$|CHACHA20_POLY1305")
_BLOCK_64 = re.compile(r"(^|_)(3DES|DES|DES40|IDEA|RC2)(_|$)")


@dataclass(frozen=True, slots=True, kw_only=True)
class TlsRating:
    """The grade, the category scores behind it, and the rules that shaped it."""

    grade: str
    final_score: int
    protocol_score: int
    key_exchange_score: int
    cipher_strength_score: int
    caps: tuple[str, ...]
    warnings: tuple[str, ...]


def is_forward_secret(protocol: Protocol, suite: AcceptedSuite) -> bool:
    """Whether a suite uses an authenticated ephemeral key exchange (all of TLS 1.3 does)."""
    return protocol is Protocol.TLS_1_3 or (not suite.is_anonymous and bool(_FS.search(suite.name)))


def is_aead(protocol: Protocol, suite: AcceptedSuite) -> bool:
    """Whether a suite uses authenticated encryption (GCM, CCM, ChaCha20-Poly1305)."""
    return protocol is Protocol.TLS_1_3 or bool(_AEAD.search(suite.name))


def is_64bit_block(suite: AcceptedSuite) -> bool:
    """Whether a suite uses a 64-bit block cipher (Sweet32: 3DES, DES, IDEA, RC2)."""
    return bool(_BLOCK_64.search(suite.name))


def is_null(suite: AcceptedSuite) -> bool:
    """Whether a suite encrypts nothing."""
    return suite.key_size == 0 or "_NULL_" in suite.name


def is_export(suite: AcceptedSuite) -> bool:
    """Whether a suite is a 1990s export-grade suite."""
    return "EXPORT" in suite.name


def is_rc4(suite: AcceptedSuite) -> bool:
    """Whether a suite uses RC4."""
    return "_RC4_" in suite.name


def missing_rating_inputs(observation: TlsObservation) -> tuple[Command, ...]:
    """The rating inputs that were not measured; a grade needs all of them."""
    return tuple(c for c in RATING_COMMANDS if not observation.completed(c))


def _step(bits: int, steps: tuple[tuple[int, int], ...]) -> int:
    return next((score for limit, score in steps if bits < limit), 100)


def key_strength_score(key_type: str, bits: int) -> int:
    """Score one key: RSA, DSA and DH by modulus size, EC-type keys by curve size."""
    ec_like = key_type.upper() in {"EC", "ECDH", "ED25519", "ED448", "X25519", "X448"}
    return _step(bits, _EC_STEPS if ec_like else _RSA_STEPS)


def cipher_bits_score(bits: int) -> int:
    """Score a symmetric key size: 0 → 0, < 128 → 20, < 256 → 80, otherwise 100."""
    if bits == 0:
        return 0
    return 20 if bits < 128 else 80 if bits < 256 else 100  # noqa: PLR2004 - the guide's bands


def _accepted(observation: TlsObservation) -> list[tuple[Protocol, AcceptedSuite]]:
    return [(p.protocol, s) for p in observation.protocols for s in p.accepted_suites]


def _supported(observation: TlsObservation) -> list[ProtocolSupport]:
    return [p for p in observation.protocols if p.supported]


def _scores(observation: TlsObservation) -> tuple[int, int, int]:
    protocol_scores = [PROTOCOL_SCORES[p.protocol] for p in _supported(observation)]
    protocol = (max(protocol_scores) + min(protocol_scores)) // 2 if protocol_scores else 0
    key_scores = []
    if observation.certificate is not None:
        cert = observation.certificate
        key_scores.append(key_strength_score(cert.key_type, cert.key_bits))
    for _, suite in _accepted(observation):
        if suite.is_anonymous:
            key_scores.append(0)
        elif suite.ephemeral_key_type and suite.ephemeral_key_size:
            key_scores.append(
                key_strength_score(suite.ephemeral_key_type, suite.ephemeral_key_size)
            )
    key_exchange = min(key_scores) if key_scores else 0
    cipher_scores = [cipher_bits_score(s.key_size) for _, s in _accepted(observation)]
    cipher = (max(cipher_scores) + min(cipher_scores)) // 2 if cipher_scores else 0
    return protocol, key_exchange, cipher


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the cap rules look at, computed once."""

    observation: TlsObservation
    supported: frozenset[Protocol]
    accepted: tuple[tuple[Protocol, AcceptedSuite], ...]
    key_exchange: int

    @property
    def cert(self) -> CertificateInfo | None:
        return self.observation.certificate

    def any_suite(self, predicate: Callable[[Protocol, AcceptedSuite], bool]) -> bool:
        return any(predicate(p, s) for p, s in self.accepted)


def _cert_is(facts: _Facts, test: Callable[[CertificateInfo, dt.datetime], bool]) -> bool:
    cert = facts.cert
    return cert is not None and test(cert, facts.observation.observed_at)


def _weak_signature(cert: CertificateInfo, _: dt.datetime) -> bool:
    return any(h in WEAK_SIGNATURE_HASHES for h in cert.issued_signature_hashes)


def _best_is_sslv3(facts: _Facts) -> bool:
    return bool(facts.supported) and max(facts.supported, key=_ORDER.index) is Protocol.SSL_3_0


def _insecure_renegotiation(o: TlsObservation) -> bool:
    return o.secure_renegotiation_supported is False and bool(o.client_renegotiation_accepted)


_MODERN = frozenset({Protocol.TLS_1_1, Protocol.TLS_1_2, Protocol.TLS_1_3})
_ORDER = list(Protocol)
# (rule id, condition); the letter before ":" is the cap. T and M are the certificate gate.
_CAP_RULES: tuple[tuple[str, Callable[[_Facts], bool]], ...] = (
    ("T:no_certificate", lambda f: f.cert is None),
    ("T:untrusted", lambda f: _cert_is(f, lambda c, _: not c.trusted)),
    ("T:expired", lambda f: _cert_is(f, lambda c, now: now > c.not_after)),
    ("T:not_yet_valid", lambda f: _cert_is(f, lambda c, now: now < c.not_before)),
    ("T:self_signed", lambda f: _cert_is(f, lambda c, _: c.self_signed)),
    ("T:weak_signature_hash", lambda f: _cert_is(f, _weak_signature)),
    ("M:hostname_mismatch", lambda f: _cert_is(f, lambda c, _: not c.hostname_matches)),
    ("F:sslv2_offered", lambda f: Protocol.SSL_2_0 in f.supported),
    ("F:sslv3_best_protocol", _best_is_sslv3),
    ("F:export_cipher", lambda f: f.any_suite(lambda _, s: is_export(s))),
    ("F:cipher_under_112_bits", lambda f: f.any_suite(lambda _, s: s.key_size < _MIN_CIPHER_BITS)),
    ("F:insecure_key", lambda f: f.key_exchange <= _INSECURE_KEY_SCORE),
    ("F:heartbleed", lambda f: bool(f.observation.heartbleed_vulnerable)),
    ("F:ccs_injection", lambda f: bool(f.observation.ccs_injection_vulnerable)),
    ("F:robot", lambda f: (f.observation.robot_result or "").startswith("VULNERABLE")),
    ("F:insecure_renegotiation", lambda f: _insecure_renegotiation(f.observation)),
    ("C:no_tls1_2", lambda f: Protocol.TLS_1_2 not in f.supported),
    (
        "C:64bit_block_cipher",
        lambda f: f.any_suite(lambda p, s: p in _MODERN and is_64bit_block(s)),
    ),
    ("C:compression", lambda f: bool(f.observation.compression_supported)),
    ("B:sslv3_offered", lambda f: Protocol.SSL_3_0 in f.supported),
    ("B:tls1_0_offered", lambda f: Protocol.TLS_1_0 in f.supported),
    ("B:tls1_1_offered", lambda f: Protocol.TLS_1_1 in f.supported),
    ("B:no_forward_secrecy", lambda f: not f.any_suite(is_forward_secret)),
    ("B:no_aead", lambda f: not f.any_suite(is_aead)),
    ("B:rc4", lambda f: f.any_suite(lambda _, s: is_rc4(s))),
    ("B:key_under_2048", lambda f: _INSECURE_KEY_SCORE < f.key_exchange <= _WEAK_KEY_SCORE),
    ("B:chain_incomplete", lambda f: _cert_is(f, lambda c, _: c.chain_incomplete)),
)
CAP_RULE_IDS = tuple(rule_id for rule_id, _ in _CAP_RULES)


def _warnings(observation: TlsObservation) -> Iterable[str]:
    tls13 = observation.protocol(Protocol.TLS_1_3)
    if tls13 is None or not tls13.supported:
        yield "no_tls1_3"
    if observation.hsts_max_age_s is None:
        yield "hsts_missing"
    elif observation.hsts_max_age_s < HSTS_MIN_AGE_S:
        yield "hsts_too_short"
    if observation.secure_renegotiation_supported is False:
        yield "no_secure_renegotiation"


def letter_for(score: int) -> str:
    """The letter band of a final score."""
    return next((letter for floor, letter in _BANDS if score >= floor), "F")


def rate_tls(observation: TlsObservation) -> TlsRating:
    """Grade an observation; check `missing_rating_inputs` first, missing data is not graded."""
    protocol, key_exchange, cipher = _scores(observation)
    weighted = protocol * 30 // 100 + key_exchange * 30 // 100 + cipher * 40 // 100
    final = 0 if 0 in (protocol, key_exchange, cipher) else weighted
    facts = _Facts(
        observation=observation,
        supported=frozenset(p.protocol for p in _supported(observation)),
        accepted=tuple(_accepted(observation)),
        key_exchange=key_exchange,
    )
    caps = tuple(rule_id for rule_id, applies in _CAP_RULES if applies(facts))
    warnings = tuple(_warnings(observation))
    cap_letters = {cap.split(":", 1)[0] for cap in caps}
    if cap_letters & {"T", "M"}:
        grade = "T" if "T" in cap_letters else "M"
        final = 0
    else:
        grade = max([letter_for(final), *cap_letters], key=_LETTERS.index)
        hsts_long = (observation.hsts_max_age_s or 0) >= HSTS_MIN_AGE_S
        if grade == "A" and warnings:
            grade = "A-"
        elif grade == "A" and hsts_long:
            grade = "A+"
    return TlsRating(
        grade=grade,
        final_score=final,
        protocol_score=protocol,
        key_exchange_score=key_exchange,
        cipher_strength_score=cipher,
        caps=caps,
        warnings=warnings,
    )
