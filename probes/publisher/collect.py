"""The publisher family's collector: the registry's context for the URL, and namespace proofs."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, replace

from probes.context import ProbeContext
from probes.domain.dns_client import DnsConfig
from probes.http import SafeHttp
from probes.netpolicy import Resolver, system_resolver
from probes.publisher.context import RegistryContext, RegistryLookup
from probes.publisher.proofs import ProofCheck, check_namespace
from probes.target import Target


@dataclass(frozen=True, slots=True, kw_only=True)
class PublisherSources:
    """Where publisher facts come from; the defaults ask nothing.

    Attributes:
        registry: trustsvc's registry, read by canonical URL; None: not configured.
        dns: the resolver for the DNS namespace proof; None: not asked.
        http_proofs: fetch `/.well-known/mcp-registry-auth` from namespace domains.
    """

    registry: RegistryLookup | None = None
    dns: DnsConfig | None = None
    http_proofs: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PublisherObservation:
    """The registry context of one endpoint and the proofs of its domain namespaces."""

    observed_at: dt.datetime
    url: str
    host: str
    registrable_domain: str | None
    context: RegistryContext | None = None
    proofs: tuple[ProofCheck, ...] = ()
    unavailable_reason: str | None = None


class PublisherCollector:
    """Callable as a family's `collect`."""

    def __init__(self, sources: PublisherSources, *, resolver: Resolver = system_resolver) -> None:
        self.sources = sources
        self._resolver = resolver

    async def __call__(self, target: Target, ctx: ProbeContext) -> PublisherObservation:
        """Read the registry; check proofs only for the domain namespaces that list the URL."""
        endpoint = target.endpoint
        base = PublisherObservation(
            observed_at=dt.datetime.now(dt.UTC),
            url=endpoint.url,
            host=endpoint.host,
            registrable_domain=endpoint.registrable_domain,
        )
        registry = self.sources.registry
        if registry is None:
            reason = "no registry is configured in this deployment"
            return replace(base, unavailable_reason=reason)
        context = await registry(endpoint.url)
        if context is None:
            return base
        namespaces = [p.namespace for p in context.publishers if p.kind == "domain"]
        if not self.sources.http_proofs:
            proofs = await asyncio.gather(
                *(check_namespace(n, dns_config=self.sources.dns, http=None) for n in namespaces)
            )
        else:
            async with SafeHttp(ctx, target, resolver=self._resolver) as http:
                proofs = await asyncio.gather(
                    *(
                        check_namespace(n, dns_config=self.sources.dns, http=http)
                        for n in namespaces
                    )
                )
        return replace(base, context=context, proofs=tuple(proofs))
