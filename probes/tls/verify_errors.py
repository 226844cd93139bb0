"""cryptography's chain-verification errors in plain words.

The verifier's messages are written for its developers: a self-signed leaf reads "invalid
extension: 2.5.29.35: Certificate is missing required extension", a SHA-1 signature dumps a
Rust debug value ("AlgorithmIdentifier { oid: DefinedByMarker(PhantomData<...") and every
message drags a certificate repr. What the chain itself shows decides the wording where it
can (self-signed, the signature hash); otherwise the noise is stripped. Pure: message and
chain in, a sentence fragment out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cryptography import x509

_REPR = re.compile(r"\s*\(encountered processing <Certificate\(.*?\)>\)")
_PREFIXES = ("validation failed: ", "candidates exhausted: ")
_WEAK_HASHES = ("sha1", "md5")


def plain_verification_error(
    message: str, chain: Sequence[x509.Certificate], *, leaf_self_signed: bool
) -> str:
    """What went wrong with the chain, as a user would say it."""
    if leaf_self_signed:
        return "self-signed certificate: no trusted authority issued it"
    if "signature algorithm" in message or "AlgorithmIdentifier" in message:
        weak = next(
            (
                cert.signature_hash_algorithm.name.upper().replace("SHA1", "SHA-1")
                for cert in chain
                if cert.signature_hash_algorithm is not None
                and cert.signature_hash_algorithm.name in _WEAK_HASHES
            ),
            None,
        )
        if weak is not None:
            return f"signed with {weak}, a signature algorithm verifiers no longer accept"
        return "signed with a signature algorithm the verifier does not accept"
    if "not valid at validation time" in message:
        return "a certificate in the chain is expired or not yet valid"
    if "no interior errors" in message:
        return (
            "no path to a trusted root: an intermediate certificate is missing, or the "
            "issuer is not trusted"
        )
    text = _REPR.sub("", message)
    for prefix in _PREFIXES:
        text = text.removeprefix(prefix)
    return text
