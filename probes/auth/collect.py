"""The auth collector: how the endpoint answers strangers, and what it says about signing in.

Exchanges, all through the scan's SafeHttp (every URL the target hands us is policy-checked
and pinned):
1. the scan's shared MCP handshake (initialize, the listing; `probes.mcp.shared`), judged here
   as made without credentials; when it was refused and operator headers are configured, the
   shared handshake with them, which the tools family lists from too;
2. RFC 9728 metadata at the challenge's resource_metadata URL, the path-inserted and the root
   well-known URLs (`discovery_collect.py`; those two from the start), never with credentials;
3. RFC 8414 / OIDC metadata for each authorization server listed, in MCP client order;
4. on whichever handshake worked (`hygiene.py`, started beside the listing): one more
   session-era initialize (its session id is compared with the handshake's), a request with
   an unsupported MCP-Protocol-Version on that second session, and an initialize with a bogus
   Origin; sessions we open are deleted again.
The listing handshake's capability names and `capabilities.extensions` keys are kept for the
extension and deprecated-feature probes (MCP 2026-07-28). Only an endpoint that speaks no
MCP generation gets one more bare initialize, to tell a refusal from "not MCP". Passive: no
client registration and no tool calls, whatever `ctx.active_mode` says.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from http import HTTPStatus

from probes.auth.discovery_collect import Discovery
from probes.auth.documents import advertised_urls
from probes.auth.exchanges import bare_initialize, error_text, handshake_from
from probes.auth.hygiene import EarlyHygiene
from probes.auth.observation import AdvertisedUrl, AuthObservation, Handshake, Reply
from probes.auth.www_authenticate import parse_www_authenticate
from probes.context import ProbeContext
from probes.errors import ProbeError, ProtocolViolation
from probes.mcp.observation import McpObservation
from probes.mcp.shared import SharedMcp, shared_mcp
from probes.target import Target

_NOT_THERE = frozenset({HTTPStatus.NOT_FOUND, HTTPStatus.METHOD_NOT_ALLOWED})


async def _handshake(
    mcp: SharedMcp, *, credentials: bool
) -> tuple[Handshake, McpObservation | None]:
    """The shared handshake; an endpoint that speaks no MCP gets one bare initialize.

    A refusal (401/403) or a server error is evidence about access. A success status that
    carries no JSON-RPC result, or a 404/405, means the URL is not an MCP endpoint at all:
    its access model cannot be judged, so collection fails instead of calling it "broken".
    """
    try:
        observation = await mcp.observe(credentials=credentials)
    except ProtocolViolation as exc:
        bare = await bare_initialize(await mcp.http(credentials=credentials), mcp.target.url)
        if _speaks_no_mcp(bare):
            raise ProtocolViolation(
                f"not an MCP endpoint, so its access model cannot be judged: {exc.detail}"
            ) from exc
        return bare, None
    return handshake_from(observation), observation


def _speaks_no_mcp(bare: Handshake) -> bool:
    status = bare.initialize.status
    if status is None or bare.www_authenticate or bare.initialize.served:
        return False
    return HTTPStatus.OK <= status < HTTPStatus.MULTIPLE_CHOICES or status in _NOT_THERE


async def _credentialed(mcp: SharedMcp) -> tuple[Handshake, McpObservation | None]:
    """The handshake with operator headers; its failure is evidence, not a collection error."""
    try:
        return await _handshake(mcp, credentials=True)
    except ProbeError as exc:
        return Handshake(initialize=Reply(url=mcp.target.url, error=error_text(exc))), None


MAX_EXTENSIONS = 32
MAX_EXTENSION_CHARS = 100


def _capabilities(
    observation: McpObservation | None,
) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    """The declared capability names and `capabilities.extensions` keys, capped (None: unseen)."""
    if observation is None or observation.generation is None:
        return None, ()
    names = tuple(name[:MAX_EXTENSION_CHARS] for name in observation.capability_names)
    extensions = observation.capabilities.get("extensions")
    if not isinstance(extensions, Mapping):
        return names[:MAX_EXTENSIONS], ()
    keys = tuple(str(key)[:MAX_EXTENSION_CHARS] for key in list(extensions)[:MAX_EXTENSIONS])
    return names[:MAX_EXTENSIONS], keys


def _advertised(observation: McpObservation | None) -> tuple[AdvertisedUrl, ...]:
    """Icon and website URLs of the handshake that listed tools, if any did."""
    if observation is None:
        return ()
    return advertised_urls(observation.server_info, observation.tools)


async def collect_auth(target: Target, ctx: ProbeContext) -> AuthObservation:
    """Observe the endpoint's access model, OAuth discovery and Streamable HTTP hygiene."""
    observed_at = dt.datetime.now(dt.UTC)
    url = target.url
    configured = bool(ctx.extra_headers)
    async with shared_mcp(target, ctx) as mcp:
        bare = await mcp.http(credentials=False)
        async with EarlyHygiene(mcp, bare) as hygiene, Discovery(bare, url) as discovery:
            unauthenticated, listed = await _handshake(mcp, credentials=False)
            credentialed: Handshake | None = None
            if configured and not unauthenticated.open:
                credentialed, listed = await _credentialed(mcp)
            challenges = parse_www_authenticate(unauthenticated.www_authenticate)
            (prm, servers), checks = await asyncio.gather(
                discovery.documents(challenges), hygiene.result(unauthenticated, credentialed)
            )
    capabilities, extensions = _capabilities(listed)
    return AuthObservation(
        observed_at=observed_at,
        endpoint=url,
        credentials_configured=configured,
        unauthenticated=unauthenticated,
        credentialed=credentialed,
        challenges=challenges,
        protected_resource=prm,
        authorization_servers=servers,
        advertised_urls=_advertised(listed),
        bogus_origin=checks.bogus_origin,
        session_ids=checks.session_ids,
        unsupported_version=checks.unsupported_version,
        server_capabilities=capabilities,
        extensions=extensions,
    )
