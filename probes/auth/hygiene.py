"""The auth family's Streamable HTTP hygiene exchanges: bogus Origin, session ids, bad version.

They need a handshake that worked, and only its generation and session id. Without
credentials they start as soon as the scan's shared handshake has identified the server, so
they run beside its listing instead of after it (the listing is most of a scan's time). The
answer is kept only if that handshake turns out open; an endpoint that initializes without
credentials but refuses tools/list has its early answers dropped (their sessions are still
deleted), and is checked again on the credentialed handshake when that one works.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from probes.auth.exchanges import (
    bogus_origin,
    bogus_origin_stream,
    end_session,
    session_sample,
    unsupported_version,
)
from probes.auth.observation import Handshake, Reply
from probes.errors import ProbeError
from probes.http import SafeHttp
from probes.mcp.shared import SharedMcp

LEGACY_SSE = "legacy_sse"


@dataclass(frozen=True, slots=True, kw_only=True)
class HygieneReplies:
    """What the hygiene exchanges saw; the defaults mean "not measured"."""

    bogus_origin: Reply | None = None
    session_ids: tuple[str | None, str | None] = (None, None)
    unsupported_version: Reply | None = None


async def check_hygiene(
    http: SafeHttp, url: str, generation: str | None, session_id: str | None
) -> HygieneReplies:
    """Bogus Origin, a second session id and the unsupported version, on a working handshake.

    The first session id is the handshake's own. A stateless-only endpoint (2026-07-28)
    refuses the session-era initialize: its ids stay None and the version request becomes a
    server/discover. The legacy HTTP+SSE transport (2024-11-05) has neither header: only its
    stream's Origin check is observed. The Origin request runs beside the second session,
    which it does not touch.
    """
    if generation == LEGACY_SSE:
        return HygieneReplies(bogus_origin=await bogus_origin_stream(http, url))

    async def second_session() -> tuple[str | None, Reply]:
        second_id, second = await session_sample(http, url)
        version = await unsupported_version(http, url, second, second_id)
        await end_session(http, url, second_id)
        return second_id, version

    origin, (second_id, version) = await asyncio.gather(bogus_origin(http, url), second_session())
    return HygieneReplies(
        bogus_origin=origin, session_ids=(session_id, second_id), unsupported_version=version
    )


class EarlyHygiene:
    """The unauthenticated hygiene checks, started when the shared handshake identifies."""

    def __init__(self, mcp: SharedMcp, http: SafeHttp) -> None:
        self._mcp = mcp
        self._http = http
        self._task: asyncio.Task[HygieneReplies | None] | None = None

    async def __aenter__(self) -> Self:
        self._task = asyncio.create_task(self._run(), name="auth hygiene")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the checks if the collector ended first (its budget ran out, or it failed)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> HygieneReplies | None:
        try:
            seen = await self._mcp.identified(credentials=False)
        except ProbeError:
            return None
        if seen.generation is None:
            return None
        return await check_hygiene(
            self._http, self._mcp.target.url, seen.generation, seen.session_id
        )

    async def result(
        self, unauthenticated: Handshake, credentialed: Handshake | None
    ) -> HygieneReplies:
        """The checks of the working handshake: the early ones if it is the open one."""
        if self._task is None:
            raise RuntimeError("EarlyHygiene is used outside its `async with` block")
        early = await self._task
        url = self._mcp.target.url
        if unauthenticated.open:
            if early is not None:
                return early
            generation, session_id = unauthenticated.generation, unauthenticated.session_id
            return await check_hygiene(self._http, url, generation, session_id)
        if credentialed is not None and credentialed.open:
            keyed = await self._mcp.http(credentials=True)
            generation, session_id = credentialed.generation, credentialed.session_id
            return await check_hygiene(keyed, url, generation, session_id)
        return HygieneReplies()
