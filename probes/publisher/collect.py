"""The publisher family's collector: registry context, namespace proofs, advisories, cards.

The advisories are asked about the registry entry's packages and the endpoint's serverInfo,
which comes from the scan's shared MCP handshake (`probes.mcp.shared`), not a handshake of
this family's own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace

from probes.context import ProbeContext
from probes.errors import ProbeError
from probes.http import SafeHttp
from probes.mcp.shared import shared_mcp
from probes.netpolicy import Resolver, system_resolver
from probes.publisher.advisories import (
    SERVER_INFO_ECOSYSTEMS,
    SOURCE_REGISTRY,
    SOURCE_SERVER_INFO,
    PackageRef,
    check_packages,
)
from probes.publisher.answer import remote_answer
from probes.publisher.card_collect import collect_cards
from probes.publisher.cards import CardObservation
from probes.publisher.context import RegistryContext
from probes.publisher.observation import PublisherObservation
from probes.publisher.proofs import check_namespace
from probes.publisher.sources import PublisherSources
from probes.target import Target

_ServerInfo = tuple[list[PackageRef], str | None]
"""serverInfo as packages, and why there are none."""


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
        if self.sources.advisories is None:
            reason = "no advisory database is configured in this deployment"
            observation = replace(observation, advisories_reason=reason)
        async with SafeHttp(ctx, target, resolver=self._resolver) as http:
            # serverInfo comes from the scan's shared handshake, already under way.
            observation, server_info, cards = await asyncio.gather(
                self._registry(observation, http),
                _server_info(target, ctx, self.sources),
                self._cards(target, ctx, http),
            )
        observation = replace(observation, cards=cards)
        if observation.context is not None:
            # A finding on the listing: only a listed remote is asked what it speaks.
            answer = await remote_answer(target, ctx)
            observation = replace(observation, remote_answer=answer)
        return await self._advisories(observation, server_info)

    async def _cards(
        self, target: Target, ctx: ProbeContext, http: SafeHttp
    ) -> CardObservation | None:
        if not self.sources.server_cards:
            return None
        return await collect_cards(target, ctx, http, off_origin=self.sources.cards_off_origin)

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
        self, observation: PublisherObservation, server_info: _ServerInfo
    ) -> PublisherObservation:
        lookup = self.sources.advisories
        if lookup is None:
            return observation
        info, problem = server_info
        packages = [*_registry_packages(observation.context), *info]
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


async def _server_info(target: Target, ctx: ProbeContext, sources: PublisherSources) -> _ServerInfo:
    """The serverInfo name and version, as a package in each ecosystem it could belong to.

    Read from the scan's shared handshake as soon as the server identified itself, so a slow
    listing (the tools family's business) does not hold the advisories up. Not asked for
    without an advisory database.
    """
    if sources.advisories is None:
        return [], None
    try:
        async with shared_mcp(target, ctx) as shared:
            mcp = await shared.identified()
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
