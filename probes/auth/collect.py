"""The auth collector: how the endpoint answers strangers, and what it says about signing in.

Exchanges, all through SafeHttp (every URL the target hands us is policy-checked and pinned):
1. the MCP client's handshake without credentials (initialize, tools/list), and again with
   the operator's headers when it was refused and some were configured;
2. RFC 9728 metadata at the challenge's resource_metadata URL, the path-inserted and the root
   well-known URLs, never with credentials;
3. RFC 8414 / OIDC metadata for each authorization server listed, in MCP client order;
4. on whichever handshake worked: two session-era initializes (session ids), a request with
   an unsupported MCP-Protocol-Version, and an initialize with a bogus Origin; sessions we
   open are deleted again.
Passive: no client registration and no tool calls, whatever `ctx.active_mode` says.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from contextlib import AsyncExitStack
from http import HTTPStatus

from probes.auth.documents import (
    advertised_urls,
    as_discovery_urls,
    parse_authorization_server,
    parse_protected_resource,
    prm_urls,
)
from probes.auth.exchanges import (
    bare_initialize,
    bogus_origin,
    bogus_origin_stream,
    end_session,
    error_text,
    fetch_document,
    handshake_from,
    session_sample,
    unsupported_version,
)
from probes.auth.observation import (
    AdvertisedUrl,
    AsDocument,
    AuthObservation,
    Challenge,
    Handshake,
    PrmDocument,
    PrmSource,
    Reply,
)
from probes.auth.www_authenticate import parse_www_authenticate
from probes.context import ProbeContext
from probes.errors import ProbeError, ProtocolViolation
from probes.http import SafeHttp
from probes.mcp.client import handshake
from probes.mcp.observation import McpObservation
from probes.target import Target

MAX_AUTHORIZATION_SERVERS = 4
_NOT_THERE = frozenset({HTTPStatus.NOT_FOUND, HTTPStatus.METHOD_NOT_ALLOWED})
LEGACY_SSE = "legacy_sse"


async def _handshake(
    http: SafeHttp, ctx: ProbeContext, url: str
) -> tuple[Handshake, McpObservation | None]:
    """The MCP client's handshake; an endpoint that speaks no MCP gets one bare initialize.

    A refusal (401/403) or a server error is evidence about access. A success status that
    carries no JSON-RPC result, or a 404/405, means the URL is not an MCP endpoint at all:
    its access model cannot be judged, so collection fails instead of calling it "broken".
    """
    try:
        observation = await handshake(http, url, ctx.limits)
    except ProtocolViolation as exc:
        bare = await bare_initialize(http, url)
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


async def _credentialed(
    http: SafeHttp, ctx: ProbeContext, url: str
) -> tuple[Handshake, McpObservation | None]:
    """The handshake with operator headers; its failure is evidence, not a collection error."""
    try:
        return await _handshake(http, ctx, url)
    except ProbeError as exc:
        return Handshake(initialize=Reply(url=url, error=error_text(exc))), None


async def _prm_document(http: SafeHttp, source: PrmSource, url: str) -> PrmDocument:
    """Fetch and parse one PRM URL; a non-200 answer is kept as it is."""
    reply, body = await fetch_document(http, url)
    if reply.status != HTTPStatus.OK:
        return PrmDocument(source=source, reply=reply)
    metadata, problem = parse_protected_resource(body, reply.content_type)
    return PrmDocument(source=source, reply=reply, metadata=metadata, problem=problem)


async def _protected_resource(
    http: SafeHttp, endpoint: str, challenges: tuple[Challenge, ...]
) -> tuple[PrmDocument, ...]:
    """Every PRM URL a client would try, each fetched once (RFC 9728 3.1 and 5.1)."""
    tried: list[tuple[PrmSource, str]] = []
    pointer = next((c.param("resource_metadata") for c in challenges if c.is_bearer), None)
    if pointer:
        tried.append((PrmSource.CHALLENGE, pointer))
    tried.extend(prm_urls(endpoint))
    unique = list(dict.fromkeys(url for _, url in tried))
    fetched = await asyncio.gather(*(_prm_document(http, PrmSource.ROOT, url) for url in unique))
    by_url = dict(zip(unique, fetched, strict=True))
    return tuple(dataclasses.replace(by_url[url], source=source) for source, url in tried)


async def _authorization_server(http: SafeHttp, issuer: str) -> list[AsDocument]:
    """Try the discovery URLs in client order until one answers 200 (MCP 2025-11-25)."""
    documents: list[AsDocument] = []
    for variant, url in as_discovery_urls(issuer):
        reply, body = await fetch_document(http, url)
        if reply.status != HTTPStatus.OK:
            documents.append(AsDocument(issuer=issuer, variant=variant, reply=reply))
            continue
        metadata, problem = parse_authorization_server(body, reply.content_type)
        documents.append(
            AsDocument(
                issuer=issuer, variant=variant, reply=reply, metadata=metadata, problem=problem
            )
        )
        break
    return documents


async def _discovery(
    http: SafeHttp, endpoint: str, challenges: tuple[Challenge, ...]
) -> tuple[tuple[PrmDocument, ...], tuple[AsDocument, ...]]:
    """RFC 9728 metadata, then the metadata of each authorization server it lists."""
    prm = await _protected_resource(http, endpoint, challenges)
    issuers = list(
        dict.fromkeys(s for d in prm if d.metadata for s in d.metadata.authorization_servers)
    )
    found = await asyncio.gather(
        *(_authorization_server(http, i) for i in issuers[:MAX_AUTHORIZATION_SERVERS])
    )
    return prm, tuple(d for documents in found for d in documents)


async def _hygiene(
    http: SafeHttp | None, url: str, generation: str | None
) -> tuple[Reply | None, tuple[str | None, str | None], Reply | None]:
    """Bogus Origin, two session ids and the unsupported version, where a handshake worked.

    A stateless-only endpoint (2026-07-28) refuses the session-era initialize: its ids stay
    None and the version request becomes a server/discover. The legacy HTTP+SSE transport
    (2024-11-05) has neither header: only its stream's Origin check is observed.
    """
    if http is None:
        return None, (None, None), None
    if generation == LEGACY_SSE:
        return await bogus_origin_stream(http, url), (None, None), None
    first_id, first = await session_sample(http, url)
    second_id, _ = await session_sample(http, url)
    version = await unsupported_version(http, url, first, first_id)
    origin = await bogus_origin(http, url)
    await asyncio.gather(end_session(http, url, first_id), end_session(http, url, second_id))
    return origin, (first_id, second_id), version


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
    async with AsyncExitStack() as stack:
        bare_ctx = dataclasses.replace(ctx, extra_headers={})
        bare = await stack.enter_async_context(SafeHttp(bare_ctx, target))
        keyed = await stack.enter_async_context(SafeHttp(ctx, target)) if configured else None
        unauthenticated, mcp = await _handshake(bare, ctx, url)
        credentialed: Handshake | None = None
        if keyed is not None and not unauthenticated.open:
            credentialed, mcp = await _credentialed(keyed, ctx, url)
        working = bare if unauthenticated.open else None
        if working is None and credentialed is not None and credentialed.open:
            working = keyed
        challenges = parse_www_authenticate(unauthenticated.www_authenticate)
        (prm, servers), (origin, session_ids, version) = await asyncio.gather(
            _discovery(bare, url, challenges),
            _hygiene(working, url, (credentialed or unauthenticated).generation),
        )
    return AuthObservation(
        observed_at=observed_at,
        endpoint=url,
        credentials_configured=configured,
        unauthenticated=unauthenticated,
        credentialed=credentialed,
        challenges=challenges,
        protected_resource=prm,
        authorization_servers=servers,
        advertised_urls=_advertised(mcp),
        bogus_origin=origin,
        session_ids=session_ids,
        unsupported_version=version,
    )
