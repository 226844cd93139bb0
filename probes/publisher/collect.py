"""The publisher family's collector: the registry's context for the URL, and namespace proofs."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace

from probes.context import ProbeContext
from probes.errors import ProbeError
from probes.http import SafeHttp
from probes.mcp.client import handshake
from probes.netpolicy import Resolver, system_resolver
from probes.publisher.advisories import (
    SERVER_INFO_ECOSYSTEMS,
    SOURCE_REGISTRY,
    SOURCE_SERVER_INFO,
    PackageRef,
    check_packages,
)
from probes.publisher.context import RegistryContext
from probes.publisher.observation import PublisherObservation
from probes.publisher.proofs import check_namespace
from probes.publisher.sources import PublisherSources
from probes.target import Target


class PublisherCollector:
    """Callable as a family's `collect`."""

    def __init__(self, sources: PublisherSources, *, resolver: Resolver = system_resolver) -> None:
        self.sources = sources
        self._resolver = resolver

    async def __call__(self, target: Target, ctx: ProbeContext) -> PublisherObservation:
        """Read the registry, check domain namespaces' proofs, and ask about known advisories."""
        endpoint = target.endpoint
        observation = PublisherObservation(
            observed_at=dt.datetime.now(dt.UTC),
            url=endpoint.url,
            host=endpoint.host,
            registrable_domain=endpoint.registrable_domain,
        )
        async with SafeHttp(ctx, target, resolver=self._resolver) as http:
            observation = await self._registry(observation, http)
            return await self._advisories(observation, http, ctx)

    async def _registry(
        self, observation: PublisherObservation, http: SafeHttp
    ) -> PublisherObservation:
        registry = self.sources.registry
        if registry is None:
            reason = "no registry is configured in this deployment"
            return replace(observation, unavailable_reason=reason)
        context = await registry(observation.url)
        if context is None:
            return observation
        namespaces = [p.namespace for p in context.publishers if p.kind == "domain"]
        web = http if self.sources.http_proofs else None
        proofs = await asyncio.gather(
            *(check_namespace(n, dns_config=self.sources.dns, http=web) for n in namespaces)
        )
        return replace(observation, context=context, proofs=tuple(proofs))

    async def _advisories(
        self, observation: PublisherObservation, http: SafeHttp, ctx: ProbeContext
    ) -> PublisherObservation:
        lookup = self.sources.advisories
        if lookup is None:
            reason = "no advisory database is configured in this deployment"
            return replace(observation, advisories_reason=reason)
        packages = list(_registry_packages(observation.context))
        info, problem = await _server_info(http, observation.url, ctx)
        packages += info
        checks = await check_packages(tuple(dict.fromkeys(packages)), lookup)
        named = None if packages else f"the endpoint names no package ({problem or 'none'})"
        return replace(observation, advisories=checks, advisories_reason=named)


def _registry_packages(context: RegistryContext | None) -> list[PackageRef]:
    if context is None:
        return []
    return [
        PackageRef(ecosystem=ecosystem, name=name, version=version, source=SOURCE_REGISTRY)
        for fact in context.latest()
        for ecosystem, name, version in fact.packages
    ]


async def _server_info(
    http: SafeHttp, url: str, ctx: ProbeContext
) -> tuple[list[PackageRef], str | None]:
    """The serverInfo name and version, as a package in each ecosystem it could belong to."""
    try:
        mcp = await handshake(http, url, ctx.limits, list_surfaces=False)
    except ProbeError as exc:
        return [], f"no serverInfo: {exc.detail}"
    if not mcp.server_name or not mcp.server_version:
        return [], "serverInfo gives no name and version"
    return [
        PackageRef(
            ecosystem=ecosystem,
            name=mcp.server_name,
            version=mcp.server_version,
            source=SOURCE_SERVER_INFO,
        )
        for ecosystem in SERVER_INFO_ECOSYSTEMS
    ], None
