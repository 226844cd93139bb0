"""Chain-verification failures read as plain words, never as the verifier's debug output."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509

from probes.tls.certificates import validate_trust
from trustsvc.lab.pki import LabPki


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("selfsigned", "lab: self-signed certificate: no trusted authority issued it"),
        ("sha1", "lab: signed with SHA-1, a signature algorithm verifiers no longer accept"),
        ("expired", "lab: a certificate in the chain is expired or not yet valid"),
        ("missing_intermediate", "lab: no path to a trusted root: an intermediate certificate"),
    ],
)
def test_validation_errors_are_plain(lab_pki: LabPki, scenario: str, expected: str) -> None:
    chain = x509.load_pem_x509_certificates(Path(lab_pki[scenario].chain).read_bytes())
    trusted_by, error = validate_trust(chain, [("lab", lab_pki.ca_cert)], dt.datetime.now(dt.UTC))
    assert trusted_by == ()
    assert error is not None
    assert error.startswith(expected)
    for noise in ("AlgorithmIdentifier", "2.5.29.35", "<Certificate(", "PhantomData"):
        assert noise not in error
