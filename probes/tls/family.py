"""The TLS family: one sslyze scan judged by pure probes and an SSL Labs-style rating.

`TLS_FAMILY.probes` lists the probes in catalogue order; scoring refers to them by id.
"""

from __future__ import annotations

from probes.family import FamilySpec
from probes.model import Family, Probe
from probes.tls import certificate_probes as cert
from probes.tls import cipher_probes as cipher
from probes.tls import posture_probes as posture
from probes.tls import protocol_probes as proto
from probes.tls.collect import collect_tls
from probes.tls.observation import TlsObservation

TLS_FAMILY: FamilySpec[TlsObservation] = FamilySpec(
    family=Family.TLS,
    collect=collect_tls,
    probes=(
        Probe(proto.PLAINTEXT_HTTP, proto.endpoint_uses_plaintext_http),
        Probe(cert.CERTIFICATE_UNTRUSTED, cert.certificate_untrusted),
        Probe(cert.CERTIFICATE_EXPIRED, cert.certificate_expired),
        Probe(cert.CERTIFICATE_NOT_YET_VALID, cert.certificate_not_yet_valid),
        Probe(cert.CERTIFICATE_SELF_SIGNED, cert.certificate_self_signed),
        Probe(cert.CERTIFICATE_HOSTNAME_MISMATCH, cert.certificate_hostname_mismatch),
        Probe(cert.CERTIFICATE_KEY_TOO_WEAK, cert.certificate_key_too_weak),
        Probe(cert.CERTIFICATE_SIGNATURE_WEAK_HASH, cert.certificate_signature_weak_hash),
        Probe(cert.CERTIFICATE_CHAIN_INCOMPLETE, cert.certificate_chain_incomplete),
        Probe(cert.CERTIFICATE_EXPIRES_SOON, cert.certificate_expires_soon),
        Probe(proto.SSLV2_OFFERED, proto.sslv2_offered),
        Probe(proto.SSLV3_OFFERED, proto.sslv3_offered),
        Probe(proto.TLS_1_0_OFFERED, proto.tls_1_0_offered),
        Probe(proto.TLS_1_1_OFFERED, proto.tls_1_1_offered),
        Probe(proto.TLS_1_2_SUPPORTED, proto.tls_1_2_supported),
        Probe(proto.TLS_1_3_SUPPORTED, proto.tls_1_3_supported),
        Probe(cipher.NULL_CIPHER_ACCEPTED, cipher.null_cipher_accepted),
        Probe(cipher.ANONYMOUS_CIPHER_ACCEPTED, cipher.anonymous_cipher_accepted),
        Probe(cipher.EXPORT_CIPHER_ACCEPTED, cipher.export_cipher_accepted),
        Probe(cipher.RC4_CIPHER_ACCEPTED, cipher.rc4_cipher_accepted),
        Probe(cipher.BLOCK_64BIT_CIPHER_ACCEPTED, cipher.block_64bit_cipher_accepted),
        Probe(cipher.CIPHER_UNDER_112_BITS_ACCEPTED, cipher.cipher_under_112_bits_accepted),
        Probe(cipher.FORWARD_SECRECY_SUPPORTED, cipher.forward_secrecy_supported),
        Probe(cipher.AEAD_SUPPORTED, cipher.aead_supported),
        Probe(posture.HEARTBLEED, posture.vulnerable_to_heartbleed),
        Probe(posture.ROBOT, posture.vulnerable_to_robot),
        Probe(posture.CCS_INJECTION, posture.vulnerable_to_ccs_injection),
        Probe(posture.SECURE_RENEGOTIATION_SUPPORTED, posture.secure_renegotiation_supported),
        Probe(posture.COMPRESSION_ENABLED, posture.compression_enabled),
        Probe(posture.HSTS_ENFORCED, posture.hsts_enforced),
        Probe(posture.RATING_BELOW_A, posture.rating_below_a),
    ),
)
