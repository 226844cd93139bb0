"""A throw-away local PKI for the lab TLS servers used by the demo and the tests.

Local lab servers for the demo and the tests bind 127.0.0.1 only; this module mints what they
serve: one root CA, one intermediate CA and a leaf per scenario, each with SANs for localhost,
127.0.0.1 and ::1 unless the scenario is about the name. Nothing here is fit for production: the
keys are written unencrypted and several leaves are broken on purpose.

cryptography 46 refuses to create SHA-1 signatures, so the SHA-1 leaf is signed by the `openssl`
command-line tool, which OpenSSL 3.0 still allows.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey: TypeAlias = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

LAB_SANS: tuple[x509.GeneralName, ...] = (
    x509.DNSName("localhost"),
    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    x509.IPAddress(ipaddress.ip_address("::1")),
)
SCENARIOS = (
    "valid",
    "expired",
    "not_yet_valid",
    "selfsigned",
    "wronghost",
    "weakrsa",
    "sha1",
    "ec",
    "chained",
    "missing_intermediate",
)
_ORG = "trustsvc lab PKI"


@dataclass(frozen=True, slots=True, kw_only=True)
class LeafFiles:
    """One scenario's files: `chain` is what the server sends (leaf first, then intermediates)."""

    cert: Path
    key: Path
    chain: Path


@dataclass(frozen=True, slots=True, kw_only=True)
class LabPki:
    """Where the minted files are; `ca_cert` is the trust anchor a client should be given."""

    directory: Path
    ca_cert: Path
    leaves: Mapping[str, LeafFiles]

    def __getitem__(self, scenario: str) -> LeafFiles:
        return self.leaves[scenario]


@dataclass(frozen=True, slots=True)
class _Issuer:
    cert: x509.Certificate
    key: PrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _ORG),
        ]
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _write_key(path: Path, key: PrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def _ca(name: str, key: PrivateKey, issuer: _Issuer | None, now: dt.datetime) -> _Issuer:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(issuer.cert.subject if issuer else _name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key())
        builder = builder.add_extension(aki, critical=False)
    signer_key = issuer.key if issuer else key
    return _Issuer(cert=builder.sign(signer_key, hashes.SHA256()), key=key)


def _leaf(
    key: PrivateKey,
    issuer: _Issuer | None,
    *,
    now: dt.datetime,
    sans: Sequence[x509.GeneralName] = LAB_SANS,
    common_name: str = "localhost",
    valid_from: dt.timedelta = dt.timedelta(days=-1),
    valid_until: dt.timedelta = dt.timedelta(days=90),
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer.cert.subject if issuer else _name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + valid_from)
        .not_valid_after(now + valid_until)
        .add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key())
        builder = builder.add_extension(aki, critical=False)
    return builder.sign(issuer.key if issuer else key, hashes.SHA256())


def _sign_sha1_with_openssl(
    directory: Path, key: rsa.RSAPrivateKey, root: _Issuer
) -> x509.Certificate:
    """Have the openssl CLI sign a leaf with SHA-1, which cryptography 46 refuses to do."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("the openssl command is needed to mint the SHA-1 lab certificate")
    ca_cert, ca_key, csr, ext = (
        directory / f"sha1-{n}" for n in ("ca.crt", "ca.key", "csr", "ext")
    )
    ca_cert.write_bytes(_pem(root.cert))
    _write_key(ca_key, root.key)
    request = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(_name("localhost"))
        .sign(key, hashes.SHA256())
    )
    csr.write_bytes(request.public_bytes(serialization.Encoding.PEM))
    ext.write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n"
        "basicConstraints=critical,CA:FALSE\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n"
    )
    argv = [openssl, "x509", "-req", "-sha1", "-in", str(csr), "-CA", str(ca_cert)]
    argv += ["-CAkey", str(ca_key), "-set_serial", str(x509.random_serial_number())]
    argv += ["-days", "90", "-extfile", str(ext)]
    done = subprocess.run(argv, check=True, capture_output=True, timeout=30)  # noqa: S603 - fixed argv
    for path in (ca_key, csr, ext, ca_cert):
        path.unlink()
    return x509.load_pem_x509_certificate(done.stdout)


def mint_lab_pki(directory: Path, *, now: dt.datetime | None = None) -> LabPki:
    """Write a root CA and one leaf per scenario in SCENARIOS into `directory`.

    Leaves that differ only in validity or names share one RSA-2048 key: generating keys is
    the slow part, and the scenarios are about the certificates.
    """
    now = now or dt.datetime.now(dt.UTC)
    directory.mkdir(parents=True, exist_ok=True)
    root = _ca("trustsvc lab root CA", rsa.generate_private_key(65537, 2048), None, now)
    intermediate = _ca(
        "trustsvc lab intermediate CA", ec.generate_private_key(ec.SECP256R1()), root, now
    )
    shared = rsa.generate_private_key(65537, 2048)
    ca_cert = directory / "ca.crt"
    ca_cert.write_bytes(_pem(root.cert))

    leaves: dict[str, LeafFiles] = {}

    def save(
        scenario: str, cert: x509.Certificate, key: PrivateKey, *extra: x509.Certificate
    ) -> None:
        files = LeafFiles(
            cert=directory / f"{scenario}.crt",
            key=directory / f"{scenario}.key",
            chain=directory / f"{scenario}.chain.crt",
        )
        files.cert.write_bytes(_pem(cert))
        _write_key(files.key, key)
        files.chain.write_bytes(b"".join(_pem(c) for c in (cert, *extra)))
        leaves[scenario] = files

    save("valid", _leaf(shared, root, now=now), shared)
    expired = _leaf(
        shared,
        root,
        now=now,
        valid_from=dt.timedelta(days=-400),
        valid_until=dt.timedelta(days=-10),
    )
    save("expired", expired, shared)
    save(
        "not_yet_valid",
        _leaf(
            shared,
            root,
            now=now,
            valid_from=dt.timedelta(days=10),
            valid_until=dt.timedelta(days=100),
        ),
        shared,
    )
    save("selfsigned", _leaf(shared, None, now=now), shared)
    wrong = (x509.DNSName("wrong.example"),)
    save("wronghost", _leaf(shared, root, now=now, sans=wrong, common_name="wrong.example"), shared)
    weak = rsa.generate_private_key(65537, 1024)  # noqa: S505 - the weak-key scenario
    save("weakrsa", _leaf(weak, root, now=now), weak)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    save("ec", _leaf(ec_key, root, now=now), ec_key)
    chained = _leaf(shared, intermediate, now=now)
    save("chained", chained, shared, intermediate.cert)
    save("missing_intermediate", chained, shared)
    save("sha1", _sign_sha1_with_openssl(directory, shared, root), shared)
    return LabPki(directory=directory, ca_cert=ca_cert, leaves=leaves)
