"""One scan's MCP handshakes, made once and shared by the families that speak MCP.

The auth and tools families judge the same handshake and listing, and the publisher family
reads serverInfo from it; three handshakes per scan tripled the requests an endpoint sees
(issue 14). The runner opens one SharedMcp per scan and hands it to collectors in a
`ScanContext` (the process's ProbeContext plus this scan's memo, so collectors keep their
signature); each handshake is a single-flight memo keyed by credentials and client identity.
It stays I/O: collectors still build their own observations, probes stay pure.

Each family keeps its own budget and failure. A handshake runs as a task of its own, which
waiters await through `asyncio.shield`: a family whose budget runs out stops waiting without
cancelling the handshake the others wait on, and a handshake's failure (a ProbeError) is
raised to every waiter, each classifying it as its family would. The task is bounded by the
family budget too, so it never outlives the scan by more than one budget.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, fields
from types import TracebackType
from typing import Self

from probes.context import ProbeContext
from probes.errors import ProbeTimeout
from probes.http import SafeHttp
from probes.mcp.client import handshake
from probes.mcp.identity import PROBE_CLIENT, ClientInfo
from probes.mcp.observation import McpObservation
from probes.target import Target


@dataclass(frozen=True, slots=True)
class _Key:
    """What makes two handshakes different: operator headers sent or not, and who we say we are."""

    credentials: bool
    client: ClientInfo


@dataclass(frozen=True, slots=True)
class _Flight:
    """One handshake in flight: its whole observation, and the observation at identification."""

    done: asyncio.Task[McpObservation]
    identified: asyncio.Future[McpObservation]


class SharedMcp:
    """The per-scan MCP memo; use as an async context manager around the scan's families.

    Args:
        target: the scan's target; its host stays pinned to the approved addresses.
        ctx: the process's context; operator headers go only where SafeHttp lets them.
    """

    def __init__(self, target: Target, ctx: ProbeContext) -> None:
        self.target = target
        self._ctx = ctx
        self._stack = AsyncExitStack()
        self._clients: dict[tuple[bool, str | None], SafeHttp] = {}
        self._opening = asyncio.Lock()
        self._flights: dict[_Key, _Flight] = {}
        self._closed = False

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closed = True
        for flight in self._flights.values():
            flight.done.cancel()
            flight.identified.cancel()
        await asyncio.gather(*(f.done for f in self._flights.values()), return_exceptions=True)
        await self._stack.aclose()

    def _lane(self, credentials: bool) -> bool:  # noqa: FBT001 - a private key function
        """Whether operator headers are sent; without any configured both lanes are one."""
        return credentials and bool(self._ctx.extra_headers)

    async def http(self, *, credentials: bool, user_agent: str | None = None) -> SafeHttp:
        """The scan's SafeHttp with or without the operator's headers, opened on first use.

        Collectors make their side exchanges on it too, so one scan shares its connections.
        `user_agent` None is trustsvc's own; a disguised handshake gets a client of its own.
        """
        lane = self._lane(credentials)
        async with self._opening:
            if self._closed:
                raise RuntimeError("SharedMcp is used after its scan ended")
            client = self._clients.get((lane, user_agent))
            if client is None:
                ctx = self._ctx if lane else dataclasses.replace(self._ctx, extra_headers={})
                client = await self._stack.enter_async_context(
                    SafeHttp(ctx, self.target, user_agent=user_agent)
                )
                self._clients[lane, user_agent] = client
            return client

    async def observe(
        self, *, credentials: bool = True, client: ClientInfo = PROBE_CLIENT
    ) -> McpObservation:
        """The handshake and listing under this identity, made once per scan.

        Raises what `probes.mcp.client.handshake` raises, to every caller alike.
        """
        return await asyncio.shield(self._flight(credentials, client).done)

    async def identified(
        self, *, credentials: bool = True, client: ClientInfo = PROBE_CLIENT
    ) -> McpObservation:
        """The same handshake as soon as the server said who it is, before the listing.

        When the handshake ends without identifying the server (credentials demanded, or a
        failure), this is its final observation or its error.
        """
        return await asyncio.shield(self._flight(credentials, client).identified)

    def _flight(self, credentials: bool, client: ClientInfo) -> _Flight:  # noqa: FBT001
        key = _Key(self._lane(credentials), client)
        flight = self._flights.get(key)
        if flight is None:
            if self._closed:
                raise RuntimeError("SharedMcp is used after its scan ended")
            identified: asyncio.Future[McpObservation] = asyncio.get_running_loop().create_future()
            done = asyncio.create_task(self._handshake(key, identified), name=f"mcp {key}")
            # Every outcome counts as retrieved: a flight nobody waits on is not an error.
            for future in (done, identified):
                future.add_done_callback(_retrieve)
            flight = self._flights[key] = _Flight(done=done, identified=identified)
        return flight

    async def _handshake(
        self, key: _Key, identified: asyncio.Future[McpObservation]
    ) -> McpObservation:
        def first(observation: McpObservation) -> None:
            if not identified.done():
                identified.set_result(observation)

        budget_s = self._ctx.limits.family_budget_s
        try:
            http = await self.http(credentials=key.credentials, user_agent=key.client.user_agent)
            async with asyncio.timeout(budget_s):
                observation = await handshake(
                    http, self.target.url, self._ctx.limits, client=key.client, on_identified=first
                )
        except TimeoutError as exc:
            error = ProbeTimeout(f"the MCP handshake outlasted the {budget_s:g} s budget")
            _fail(identified, error)
            raise error from exc
        except BaseException as exc:
            _fail(identified, exc)
            raise
        first(observation)
        return observation


def _fail(future: asyncio.Future[McpObservation], exc: BaseException) -> None:
    if future.done():
        return
    if isinstance(exc, asyncio.CancelledError):
        future.cancel()
    else:
        future.set_exception(exc)


def _retrieve(future: asyncio.Future[McpObservation]) -> None:
    if not future.cancelled():
        future.exception()


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanContext(ProbeContext):
    """The process's ProbeContext for one scan, carrying that scan's SharedMcp.

    A subclass rather than a field of ProbeContext: the context stays per-process (and
    imports nothing of MCP), while collectors keep receiving "a ProbeContext".
    """

    mcp: SharedMcp

    @classmethod
    def of(cls, ctx: ProbeContext, mcp: SharedMcp) -> ScanContext:
        """`ctx`'s settings and resources (its executor too) with this scan's memo."""
        shared = {f.name: getattr(ctx, f.name) for f in fields(ProbeContext)}
        return cls(**shared, mcp=mcp)


@asynccontextmanager
async def shared_mcp(target: Target, ctx: ProbeContext) -> AsyncIterator[SharedMcp]:
    """The scan's SharedMcp from `ctx`, or a private one for a collector run on its own."""
    if isinstance(ctx, ScanContext) and ctx.mcp.target == target:
        yield ctx.mcp
        return
    async with SharedMcp(target, ctx) as own:
        yield own
