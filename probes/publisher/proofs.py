"""Is a domain namespace's proof of control published now? DNS TXT at the apex, or HTTPS.

The official registry checks the proof once, at publish time; a domain that has since
lapsed or changed hands no longer carries it. Presence is what can be checked from outside
(the signature covers a timestamp only the publisher holds), so that is what is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

import dns.asyncresolver
import dns.exception
import dns.resolver

from probes.domain.dns_client import DnsConfig, make_resolver
from probes.errors import ProbeError
from probes.http import SafeHttp
from probes.publisher.namespaces import namespace_domain
from probes.target import registrable_domain_of

WELL_KNOWN = "/.well-known/mcp-registry-auth"
PROOF_PREFIX = "v=mcpv1"
MAX_PROOF_BYTES = 4096  # the registry's own cap


@dataclass(frozen=True, slots=True, kw_only=True)
class ProofCheck:
    """The proof lookups for one domain namespace; None means the lookup could not answer."""

    namespace: str
    domain: str | None
    dns_proof: bool | None = None
    http_proof: bool | None = None
    problems: tuple[str, ...] = ()

    @property
    def proven(self) -> bool | None:
        """True if either proof is present; None when neither lookup could answer."""
        if self.dns_proof or self.http_proof:
            return True
        if self.dns_proof is None and self.http_proof is None:
            return None
        return False


def is_proof(text: str) -> bool:
    """A `v=MCPv1; k=...; p=...` record (case-insensitive, spaces tolerated)."""
    fields = [part.strip().lower() for part in text.strip().split(";")]
    keys = {part.split("=", 1)[0].strip() for part in fields if "=" in part}
    return bool(fields) and fields[0].replace(" ", "") == PROOF_PREFIX and {"k", "p"} <= keys


async def dns_proof(domain: str, config: DnsConfig) -> tuple[bool | None, str | None]:
    """Whether the apex of the registrable domain has a proof TXT record.

    A DNS proof covers subdomains, so `api.acme.com` is proven at `acme.com`.
    """
    apex = registrable_domain_of(domain) or domain
    resolver: dns.asyncresolver.Resolver = make_resolver(config)
    try:
        answer = await resolver.resolve(apex, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return False, None
    except dns.exception.DNSException as exc:
        return None, f"TXT {apex}: {type(exc).__name__}"
    texts = [b"".join(record.strings).decode("utf-8", "replace") for record in answer]
    return any(is_proof(text) for text in texts), None


async def http_proof(domain: str, http: SafeHttp) -> tuple[bool | None, str | None]:
    """Whether `https://<domain>/.well-known/mcp-registry-auth` answers 200 with a proof.

    A redirected answer does not count: the registry follows none.
    """
    url = f"https://{domain}{WELL_KNOWN}"
    try:
        response = await http.request(
            "GET", url, accept="text/plain", max_bytes=MAX_PROOF_BYTES, send_credentials=False
        )
    except ProbeError as exc:
        return None, f"{url}: {exc.detail}"
    if response.redirects or response.status != 200:  # noqa: PLR2004 - HTTP OK
        return False, None
    return is_proof(response.body.decode("utf-8", "replace")), None


async def check_namespace(
    namespace: str, *, dns_config: DnsConfig | None, http: SafeHttp | None
) -> ProofCheck:
    """Both proofs for a domain namespace; nothing for GitHub namespaces."""
    domain = namespace_domain(namespace)
    if domain is None:
        return ProofCheck(namespace=namespace, domain=None)
    problems: list[str] = []
    by_dns = by_http = None
    if dns_config is not None:
        by_dns, problem = await dns_proof(domain, dns_config)
        problems += [problem] if problem else []
    if http is not None:
        by_http, problem = await http_proof(domain, http)
        problems += [problem] if problem else []
    return ProofCheck(
        namespace=namespace,
        domain=domain,
        dns_proof=by_dns,
        http_proof=by_http,
        problems=tuple(problems),
    )
