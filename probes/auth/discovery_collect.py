"""The auth collector's OAuth discovery: RFC 9728 resource metadata, then RFC 8414 / OIDC.

Every document is fetched without credentials and each URL once. The well-known URLs depend
only on the endpoint, so they are fetched from the start, beside the handshake; only the
challenge's `resource_metadata` pointer, and the authorization servers the documents list,
wait for it. A failed fetch is kept in its Reply: evidence, not a collection failure.
"""

from __future__ import annotations

import asyncio
import dataclasses
from http import HTTPStatus
from types import TracebackType
from typing import Self

from probes.auth.documents import (
    as_discovery_urls,
    parse_authorization_server,
    parse_protected_resource,
    prm_urls,
)
from probes.auth.exchanges import fetch_document
from probes.auth.observation import AsDocument, Challenge, PrmDocument, PrmSource
from probes.http import SafeHttp

MAX_AUTHORIZATION_SERVERS = 4


async def _prm_document(http: SafeHttp, url: str) -> PrmDocument:
    """Fetch and parse one PRM URL; a non-200 answer is kept as it is."""
    reply, body = await fetch_document(http, url)
    if reply.status != HTTPStatus.OK:
        return PrmDocument(source=PrmSource.ROOT, reply=reply)
    metadata, problem = parse_protected_resource(body, reply.content_type)
    return PrmDocument(source=PrmSource.ROOT, reply=reply, metadata=metadata, problem=problem)


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


class Discovery:
    """One endpoint's discovery documents; use as an async context manager.

    Args:
        http: a SafeHttp without operator headers (and every fetch asks for none).
        endpoint: the MCP endpoint URL the well-known URLs derive from.
    """

    def __init__(self, http: SafeHttp, endpoint: str) -> None:
        self._http = http
        self._endpoint = endpoint
        self._fetches: dict[str, asyncio.Task[PrmDocument]] = {}

    async def __aenter__(self) -> Self:
        for _, url in prm_urls(self._endpoint):
            self._fetch(url)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop fetches nobody will read (the collector failed or ran out of budget)."""
        pending = [task for task in self._fetches.values() if not task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _fetch(self, url: str) -> asyncio.Task[PrmDocument]:
        task = self._fetches.get(url)
        if task is None:
            task = self._fetches[url] = asyncio.create_task(_prm_document(self._http, url))
        return task

    async def _protected_resource(
        self, challenges: tuple[Challenge, ...]
    ) -> tuple[PrmDocument, ...]:
        """Every PRM URL a client would try, each fetched once (RFC 9728 3.1 and 5.1)."""
        tried: list[tuple[PrmSource, str]] = []
        pointer = next((c.param("resource_metadata") for c in challenges if c.is_bearer), None)
        if pointer:
            tried.append((PrmSource.CHALLENGE, pointer))
        tried.extend(prm_urls(self._endpoint))
        fetched = await asyncio.gather(*(self._fetch(url) for _, url in tried))
        return tuple(
            dataclasses.replace(document, source=source)
            for (source, _), document in zip(tried, fetched, strict=True)
        )

    async def documents(
        self, challenges: tuple[Challenge, ...]
    ) -> tuple[tuple[PrmDocument, ...], tuple[AsDocument, ...]]:
        """RFC 9728 metadata, then the metadata of each authorization server it lists."""
        prm = await self._protected_resource(challenges)
        issuers = list(
            dict.fromkeys(s for d in prm if d.metadata for s in d.metadata.authorization_servers)
        )
        found = await asyncio.gather(
            *(_authorization_server(self._http, i) for i in issuers[:MAX_AUTHORIZATION_SERVERS])
        )
        return prm, tuple(d for documents in found for d in documents)
