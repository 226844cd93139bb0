"""The tools collector: list what an MCP server exposes, through the shared MCP client.

The scan's one handshake (initialize, then tools/list, prompts/list and
resources/templates/list with cursor paging up to the limits; `probes.mcp.shared`), with the
operator's headers if any were configured, so a server that needs a key can still be listed.
The auth family judges the same exchange. Passive: no tool is called.
An endpoint that refuses every handshake without credentials has no observable tool list,
which is "not measured" (SourceUnavailable), never "no tools".

Cloaking (issue 18): a server can show scanners clean tools and real agents poisoned ones.
`ToolsCollector(disguises)` also lists the tools under each disguise (the `clientInfo` and
User-Agent of a widely used client), in handshakes started beside the honest one, so the
probes can compare the listings. A disguised handshake that fails or is still running a
quarter-budget after the honest listing ended is recorded as not compared; it never costs
the honest listing.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence

from probes.context import ProbeContext
from probes.errors import ProbeError, ProtocolViolation, SourceUnavailable
from probes.mcp.identity import PROBE_CLIENT, ClientInfo
from probes.mcp.observation import (
    PROMPTS_LIST,
    RESOURCE_TEMPLATES_LIST,
    TOOLS_LIST,
    McpObservation,
)
from probes.mcp.shared import shared_mcp
from probes.target import Target
from probes.tools.observation import ClientListing, ToolsObservation, observation_from_lists

_LISTS = (TOOLS_LIST, PROMPTS_LIST, RESOURCE_TEMPLATES_LIST)
# How long disguised listings may still run once the honest one ended, as a budget share.
_DISGUISE_GRACE = 0.25


class ToolsCollector:
    """Lists the tools under trustsvc's identity and, to catch cloaking, under `disguises`."""

    def __init__(self, disguises: Sequence[ClientInfo] = ()) -> None:
        self.disguises = tuple(d for d in dict.fromkeys(disguises) if d != PROBE_CLIENT)

    async def __call__(self, target: Target, ctx: ProbeContext) -> ToolsObservation:
        """Handshake with the endpoint and turn what it listed into a ToolsObservation."""
        async with shared_mcp(target, ctx) as mcp:
            others = {
                client: asyncio.ensure_future(mcp.observe(client=client))
                for client in self.disguises
            }
            try:
                honest = tools_observation(await mcp.observe())
                listings = await _disguised(others, ctx.limits.family_budget_s * _DISGUISE_GRACE)
            finally:
                for waiting in others.values():
                    waiting.cancel()
                await asyncio.gather(*others.values(), return_exceptions=True)
        return dataclasses.replace(
            honest, client=PROBE_CLIENT.label, client_listings=tuple(listings)
        )


collect_tools = ToolsCollector()
"""The collector without disguises (the offline default; trustsvc configures its own)."""


async def _disguised(
    others: Mapping[ClientInfo, asyncio.Future[McpObservation]], grace_s: float
) -> list[ClientListing]:
    """Each disguise's listing, or why it was not compared."""
    if others:
        await asyncio.wait(others.values(), timeout=grace_s)
    listings = []
    for client, waiting in others.items():
        definitions, truncated, error = None, False, None
        if not waiting.done():
            error = f"still running {grace_s:g} s after the honest listing"
        elif (failure := waiting.exception()) is not None:
            error = str(failure.detail) if isinstance(failure, ProbeError) else repr(failure)
        else:
            try:
                seen = tools_observation(waiting.result())
            except ProbeError as exc:
                error = exc.detail
            else:
                definitions, truncated = seen.definitions, seen.truncated
        listings.append(
            ClientListing(
                client=client.label,
                user_agent=client.user_agent,
                definitions=definitions,
                truncated=truncated,
                error=error,
            )
        )
    return listings


def tools_observation(mcp: McpObservation) -> ToolsObservation:
    """The MCP client's observation as the tool probes see it.

    Raises:
        SourceUnavailable: the server demanded credentials before listing anything.
        ProtocolViolation: the server declared tools but tools/list failed outright.
    """
    if mcp.generation is None and mcp.auth_required:
        raise SourceUnavailable(
            "the endpoint requires credentials before tools/list; configure operator headers "
            "to judge its tools"
        )
    tools_listing = mcp.listing(TOOLS_LIST)
    if tools_listing is not None and tools_listing.error and not mcp.tools:
        raise ProtocolViolation(f"tools/list failed: {tools_listing.error}")
    truncated = any(
        (entry := mcp.listing(method)) is not None and not entry.complete and entry.items > 0
        for method in _LISTS
    )
    return observation_from_lists(
        observed_at=mcp.observed_at,
        tools=mcp.tools,
        prompts=mcp.prompts,
        resource_templates=mcp.resource_templates,
        truncated=truncated,
        server_name=mcp.server_name,
        instructions=mcp.instructions,
        generation=mcp.generation,
        protocol_version=mcp.protocol_version,
        server_version=mcp.server_version,
        capabilities=tuple(mcp.capability_names),
        protocol_problems=(*mcp.problems, *(p for step in mcp.steps for p in step.problems)),
    )
