"""Shared helpers for the MCP integration tests: a loopback-only policy and small limits."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import replace

from probes.context import ProbeContext, ProbeLimits
from probes.http import SafeHttp
from probes.mcp.client import handshake
from probes.mcp.observation import McpObservation
from probes.netpolicy import NetworkPolicy, resolve_target
from probes.target import parse_endpoint_url

# Only loopback IPv4: "localhost" would also give ::1, which this policy refuses.
LOOPBACK_ONLY = NetworkPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),))
# Small bounds so every hostile case ends quickly; loopback servers never come close to them.
SMALL_LIMITS = ProbeLimits(
    family_budget_s=5.0,
    network_timeout_s=0.5,
    request_timeout_s=1.0,
    max_body_bytes=64 * 1024,
    max_stream_bytes=128 * 1024,
    max_redirects=3,
    max_pages=5,
    max_items=1000,
)
# For tests that judge real servers' replies, not timing: a loaded machine (load 15 in CI)
# made one SDK exchange outlast SMALL_LIMITS' 1 s.
ROOMY_LIMITS = replace(
    SMALL_LIMITS, family_budget_s=30.0, network_timeout_s=10.0, request_timeout_s=10.0
)


def make_context(
    *, limits: ProbeLimits = SMALL_LIMITS, headers: Mapping[str, str] | None = None
) -> ProbeContext:
    """A loopback-only context; the caller shuts its executor down."""
    return ProbeContext(policy=LOOPBACK_ONLY, limits=limits, extra_headers=dict(headers or {}))


async def open_http(ctx: ProbeContext, url: str) -> SafeHttp:
    """A SafeHttp (not yet entered) for the target named by an IP-literal URL."""
    target = await resolve_target(parse_endpoint_url(url), ctx.policy)
    return SafeHttp(ctx, target)


async def observe(ctx: ProbeContext, url: str, *, list_surfaces: bool = True) -> McpObservation:
    """Handshake with the endpoint at `url` as a collector would."""
    async with await open_http(ctx, url) as http:
        return await handshake(http, url, ctx.limits, list_surfaces=list_surfaces)
