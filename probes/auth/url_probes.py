"""Auth probe about URLs a client might open: OAuth endpoints, challenge pointers, icons."""

from __future__ import annotations

from probes.auth.judging import DANGEROUS_URLS, auth_spec, joined, judged
from probes.auth.metadata import dangerous_urls
from probes.auth.observation import AuthObservation
from probes.model import Finding, Outcome, Severity

DANGEROUS_URL_SCHEME = auth_spec(
    "auth_dangerous_url_scheme_advertised",
    question=(
        "Does the endpoint advertise a javascript:, vbscript:, file: or non-image data: URL, "
        "or a non-http(s) OAuth endpoint, in its metadata, challenge or icons?"
    ),
    rationale=(
        "Clients open authorization URLs and render icons; mcp-remote passed an attacker's "
        "authorization_endpoint to the OS opener (CVE-2025-6514, command execution). High: "
        "a legitimate server has no reason to serve such a URL, but a remote probe cannot "
        "tell a payload from a blunder."
    ),
    bad=Outcome.TRUE,
    severity=Severity.HIGH,
    remediation=(
        "Advertise only https URLs for OAuth endpoints and http(s) or data:image/* URLs for icons."
    ),
    references=("CVE-2025-6514",),
)


def dangerous_url_scheme_advertised(observation: AuthObservation) -> list[Finding]:
    """TRUE when any advertised URL uses a scheme a client must refuse to open."""
    found = dangerous_urls(
        observation.protected_resource,
        observation.authorization_servers,
        observation.advertised_urls,
        observation.challenges,
    )
    evidence = {DANGEROUS_URLS: joined(f"{where}={url[:120]} ({why})" for where, url, why in found)}
    if found:
        where, url, why = found[0]
        message = f"The endpoint advertises a URL a client must refuse: {where} uses {why}."
        subject = f"url:{url[:200]}"
        return judged(
            DANGEROUS_URL_SCHEME, observation, message, evidence, bad=True, subject=subject
        )
    message = "Every advertised URL uses a scheme a client may open."
    return judged(DANGEROUS_URL_SCHEME, observation, message, evidence, bad=False)
