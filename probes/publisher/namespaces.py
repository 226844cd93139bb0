"""What a registry namespace names, as plain text rules: no lookups.

Pure probes, the registry hygiene facts and trustsvc's settings read these; the proof
lookups (`proofs.py`, which does DNS and HTTPS) do too, so the rules live apart from them
and importing a rule costs no network stack (the CLI's quick answers load none).
"""

from __future__ import annotations

from probes.errors import TargetRejected
from probes.target import parse_endpoint_url

GITHUB_PREFIX = "io.github."


def namespace_domain(namespace: str) -> str | None:
    """`acme.com` for `com.acme`, `api.acme.com` for `com.acme.api`; None for GitHub or junk."""
    if namespace.startswith(GITHUB_PREFIX) or namespace.count(".") < 1:
        return None
    domain = ".".join(reversed(namespace.lower().split(".")))
    try:
        endpoint = parse_endpoint_url(f"https://{domain}/")
    except TargetRejected:
        return None
    return None if endpoint.host_is_ip or endpoint.registrable_domain is None else endpoint.host
