"""Collect RegistrationObservation: RDAP when the TLD has a service, else the WHOIS fallback.

The family assembly (probes/registry.py) wraps this; it is kept separate so the lookup order
and its failure rules are tested on their own. RDAP failures raise SourceUnavailable (the
runner records the attempt and every spec becomes NOT_AVAILABLE); a TLD with no source at all
yields an observation without facts, whose probes are NOT_AVAILABLE with the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from probes.context import ProbeContext
from probes.domain.rdap import fetch_registration
from probes.domain.rdap_bootstrap import RdapBootstrap, bundled_bootstrap
from probes.domain.registration_observation import RegistrationObservation
from probes.domain.whois_adapter import lookup_whois
from probes.http import SafeHttp
from probes.netpolicy import Resolver, system_resolver
from probes.target import Target


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrationSources:
    """Where registration data comes from; operators set these, tests point them at loopback.

    Attributes:
        bootstrap: the RFC 9224 service map (the bundled snapshot unless configured).
        rdap_base_url: one RDAP base URL used for every TLD (an operator's mirror).
        whois_enabled: whether TLDs without RDAP fall back to WHOIS at all.
        whois_server / whois_port: a fixed WHOIS server; None lets python-whois choose
            (port 43, system resolver), which tests must never do.
    """

    bootstrap: RdapBootstrap = field(default_factory=bundled_bootstrap)
    rdap_base_url: str | None = None
    whois_enabled: bool = True
    whois_server: str | None = None
    whois_port: int | None = None


async def collect_registration(
    target: Target,
    ctx: ProbeContext,
    sources: RegistrationSources,
    *,
    resolver: Resolver = system_resolver,
    now: dt.datetime | None = None,
) -> RegistrationObservation:
    """Look up the target's registrable domain; IP-literal hosts are not applicable.

    Raises:
        SourceUnavailable: the chosen source (RDAP, or WHOIS for TLDs without RDAP) failed.
    """
    observed_at = now or dt.datetime.now(dt.UTC)
    host = target.endpoint.host
    domain = target.endpoint.registrable_domain
    if domain is None:
        reason = "an IP-literal host has no domain registration"
        if not target.endpoint.host_is_ip:
            reason = f"{host} has no registrable domain under the public suffix list"
        return RegistrationObservation(
            observed_at=observed_at,
            host=host,
            registrable_domain=None,
            not_applicable_reason=reason,
        )
    base_urls = sources.bootstrap.base_urls(domain, override=sources.rdap_base_url)
    if base_urls:
        async with SafeHttp(ctx, target, resolver=resolver) as http:
            facts = await fetch_registration(http, domain, base_urls=base_urls)
    elif sources.whois_enabled:
        facts = await lookup_whois(
            domain, server=sources.whois_server, port=sources.whois_port, ctx=ctx
        )
    else:
        tld = domain.rsplit(".", 1)[-1]
        return RegistrationObservation(
            observed_at=observed_at,
            host=host,
            registrable_domain=domain,
            unavailable_reason=f".{tld} has no RDAP service and WHOIS is disabled",
        )
    return RegistrationObservation(
        observed_at=observed_at, host=host, registrable_domain=domain, facts=facts
    )
