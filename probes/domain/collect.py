"""The domain family's collector: four parts asked concurrently, each cached per process.

Registration facts are shared per registrable domain (every host of a domain has the same
registrar record); DNS posture and reputation per host, since A records and DNSBL answers
differ between hosts of one domain. One collector lives as long as the process, so its
caches serve every scan.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from probes.context import ProbeContext
from probes.domain.cache import FactsCache
from probes.domain.dns_client import DnsConfig
from probes.domain.dns_collect import collect_dns
from probes.domain.dns_observation import DnsObservation
from probes.domain.lookalike import detect_lookalike, permutation_index
from probes.domain.lookalike_observation import LookalikeObservation
from probes.domain.observation import DomainObservation
from probes.domain.rdap_collect import collect_registration
from probes.domain.registration_observation import RegistrationObservation
from probes.domain.reputation_collect import collect_reputation
from probes.domain.reputation_observation import ReputationObservation
from probes.domain.sources import DomainSources
from probes.errors import ProbeError
from probes.netpolicy import Resolver, system_resolver
from probes.target import EndpointUrl, Target

OFF = "turned off in this deployment's domain sources"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DomainCollector:
    """Collects a DomainObservation for a target; callable as a family's `collect`."""

    def __init__(
        self,
        sources: DomainSources,
        *,
        resolver: Resolver = system_resolver,
        now: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self.sources = sources
        self._resolver = resolver
        self._now = now
        self.registrations: FactsCache[RegistrationObservation] = FactsCache(
            sources.cache, is_failure=lambda o: o.facts is None or not o.facts.found
        )
        self.dns: FactsCache[DnsObservation] = FactsCache(
            sources.cache, is_failure=lambda o: o.unavailable_reason is not None
        )
        self.reputation: FactsCache[ReputationObservation] = FactsCache(
            sources.cache,
            is_failure=lambda o: o.unavailable_reason is not None or bool(o.zones_failed),
        )
        self._index_lock = asyncio.Lock()
        self._index_ready = False

    async def __call__(self, target: Target, ctx: ProbeContext) -> DomainObservation:
        """Ask every part concurrently; a part that fails carries its reason, never raises."""
        observed_at = self._now()
        endpoint = target.endpoint
        host, domain = endpoint.host, endpoint.registrable_domain
        registration, dns, reputation, lookalike = await asyncio.gather(
            self._registration(target, ctx, observed_at),
            self._dns(endpoint, observed_at),
            self._reputation(endpoint, observed_at),
            self._lookalike(endpoint, ctx, observed_at),
        )
        return DomainObservation(
            observed_at=observed_at,
            host=host,
            registrable_domain=domain,
            registration=registration,
            dns=dns,
            reputation=reputation,
            lookalike=lookalike,
        )

    async def _registration(
        self, target: Target, ctx: ProbeContext, observed_at: dt.datetime
    ) -> RegistrationObservation:
        host, domain = target.endpoint.host, target.endpoint.registrable_domain
        sources = self.sources.registration
        if domain is None:
            return RegistrationObservation(
                observed_at=observed_at,
                host=host,
                registrable_domain=None,
                not_applicable_reason=_no_domain(target.endpoint),
            )
        if sources is None:
            return RegistrationObservation(
                observed_at=observed_at,
                host=host,
                registrable_domain=domain,
                unavailable_reason=f"registration lookups are {OFF}",
            )

        async def fetch() -> RegistrationObservation:
            try:
                return await collect_registration(
                    target, ctx, sources, resolver=self._resolver, now=observed_at
                )
            except ProbeError as exc:
                return RegistrationObservation(
                    observed_at=observed_at,
                    host=host,
                    registrable_domain=domain,
                    unavailable_reason=exc.detail,
                )

        found = await self.registrations.get(domain, fetch)
        return found if found.host == host else replace(found, host=host)

    async def _dns(self, endpoint: EndpointUrl, observed_at: dt.datetime) -> DnsObservation:
        config = self.sources.dns
        host, domain = endpoint.host, endpoint.registrable_domain
        if domain is None:
            return DnsObservation.not_applicable(
                observed_at=observed_at, host=host, reason=_no_domain(endpoint)
            )
        if config is None:
            return DnsObservation.unavailable(
                observed_at=observed_at,
                host=host,
                registrable_domain=domain,
                reason=f"DNS lookups are {OFF}",
            )
        return await self.dns.get(
            host, lambda: collect_dns(host, domain, config, observed_at=observed_at)
        )

    async def _reputation(
        self, endpoint: EndpointUrl, observed_at: dt.datetime
    ) -> ReputationObservation:
        sources = self.sources
        host, domain = endpoint.host, endpoint.registrable_domain
        if domain is None:
            return ReputationObservation.not_applicable(
                observed_at=observed_at, host=host, reason=_no_domain(endpoint)
            )
        zones = sources.dnsbl_zones if sources.dns is not None else ()
        if not zones and not sources.feeds:
            return ReputationObservation.unavailable(
                observed_at=observed_at,
                host=host,
                registrable_domain=domain,
                reason="no reputation source (DNS blocklist or feed) is configured",
            )
        dns = sources.dns or DnsConfig()  # feeds only: no question is asked

        async def fetch() -> ReputationObservation:
            return await collect_reputation(
                host, domain, zones=zones, feeds=sources.feeds, dns=dns, observed_at=observed_at
            )

        return await self.reputation.get(host, fetch)

    async def _lookalike(
        self, endpoint: EndpointUrl, ctx: ProbeContext, observed_at: dt.datetime
    ) -> LookalikeObservation:
        trusted = self.sources.trusted
        if not self._index_ready:  # the first build takes ~0.5 s: keep it off the event loop
            async with self._index_lock:
                if not self._index_ready:
                    await ctx.run_blocking(permutation_index, trusted)
                    self._index_ready = True
        verdict = detect_lookalike(endpoint.url, trusted)  # a bare IPv6 host would not parse
        return LookalikeObservation.from_verdict(
            verdict, observed_at=observed_at, trusted_count=len(trusted.domains)
        )


def _no_domain(endpoint: EndpointUrl) -> str:
    if endpoint.host_is_ip:
        return "an IP-literal host has no domain facts"
    return f"{endpoint.host} has no registrable domain under the public suffix list"
