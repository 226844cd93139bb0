"""The tools collector: list what an MCP server exposes, through the shared MCP client.

The scan's one handshake (initialize, then tools/list, prompts/list and
resources/templates/list with cursor paging up to the limits; `probes.mcp.shared`), with the
operator's headers if any were configured, so a server that needs a key can still be listed.
The auth family judges the same exchange. Passive: no tool is called.
An endpoint that refuses every handshake without credentials has no observable tool list,
which is "not measured" (SourceUnavailable), never "no tools".
"""

from __future__ import annotations

from probes.context import ProbeContext
from probes.errors import ProtocolViolation, SourceUnavailable
from probes.mcp.observation import (
    PROMPTS_LIST,
    RESOURCE_TEMPLATES_LIST,
    TOOLS_LIST,
    McpObservation,
)
from probes.mcp.shared import shared_mcp
from probes.target import Target
from probes.tools.observation import ToolsObservation, observation_from_lists

_LISTS = (TOOLS_LIST, PROMPTS_LIST, RESOURCE_TEMPLATES_LIST)


async def collect_tools(target: Target, ctx: ProbeContext) -> ToolsObservation:
    """Handshake with the endpoint and turn what it listed into a ToolsObservation."""
    async with shared_mcp(target, ctx) as mcp:
        observation = await mcp.observe()
    return tools_observation(observation)


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
