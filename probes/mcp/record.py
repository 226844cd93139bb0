"""The mutable notebook a handshake writes into, frozen into an McpObservation at the end.

Kept apart from the client so the protocol flow reads top to bottom without bookkeeping.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from probes.mcp.identity import ClientInfo
from probes.mcp.jsonrpc import RpcResponse
from probes.mcp.observation import Generation, JsonObject, McpListing, McpObservation, McpStep
from probes.mcp.transport import Exchange

# 2025-11-25 basic/transports "Session Management": visible ASCII only.
_SESSION_ID = re.compile(r"^[\x21-\x7e]+$")
_UNAUTHORIZED = 401


@dataclass(slots=True, kw_only=True)
class Record:
    """Everything seen so far in one handshake."""

    url: str
    observed_at: dt.datetime
    client: ClientInfo
    on_identified: Callable[[McpObservation], None] | None = None
    steps: list[McpStep] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    generation: Generation | None = None
    protocol_version: str | None = None
    supported_versions: tuple[str, ...] = ()
    server_info: JsonObject | None = None
    instructions: str | None = None
    capabilities: JsonObject = field(default_factory=dict)
    session_id: str | None = None
    message_endpoint: str | None = None
    message_endpoint_cross_origin: bool | None = None
    tools: tuple[JsonObject, ...] = ()
    prompts: tuple[JsonObject, ...] = ()
    resources: tuple[JsonObject, ...] = ()
    resource_templates: tuple[JsonObject, ...] = ()
    listings: list[McpListing] = field(default_factory=list)
    legacy_worth_trying: bool = False
    _last_id: int = 0

    def next_id(self) -> int:
        """A fresh JSON-RPC request id (1, 2, ...)."""
        self._last_id += 1
        return self._last_id

    def add(self, exchange: Exchange) -> RpcResponse | None:
        """Keep an exchange's step; hand back its reply."""
        self.steps.append(exchange.step)
        return exchange.response

    def identify(
        self, generation: Generation, version: str, result: Mapping[str, object], info: object
    ) -> None:
        """Note who answered: generation, version, serverInfo, capabilities, instructions."""
        self.generation = generation
        self.protocol_version = version
        if isinstance(info, dict):
            self.server_info = info
        else:
            self.problems.append("the server sent no serverInfo object")
        capabilities = result.get("capabilities")
        if isinstance(capabilities, dict):
            self.capabilities = capabilities
        else:
            self.problems.append("the server sent no capabilities object")
        instructions = result.get("instructions")
        if isinstance(instructions, str):
            self.instructions = instructions
        elif instructions is not None:
            self.problems.append("instructions is not a string")
        if self.on_identified is not None:
            self.on_identified(self.freeze())

    def check_session_id(self) -> None:
        """Record a session id that is not visible ASCII (0x21-0x7E)."""
        if self.session_id is not None and not _SESSION_ID.match(self.session_id):
            self.problems.append("Mcp-Session-Id contains characters outside 0x21-0x7E")

    async def listed(
        self, listing: Awaitable[tuple[tuple[JsonObject, ...], McpListing]]
    ) -> tuple[JsonObject, ...]:
        """Await a list_all call, keep its summary, hand back its items."""
        items, summary = await listing
        self.listings.append(summary)
        return items

    @property
    def auth_required(self) -> bool:
        """Whether some exchange was answered 401 Unauthorized."""
        return any(step.status == _UNAUTHORIZED for step in self.steps)

    def summary(self) -> str:
        """The steps as "POST initialize -> 405" for an error detail."""
        parts = [f"{s.http_method} {s.method} -> {s.status or 'no answer'}" for s in self.steps]
        return "; ".join(parts) or "no exchange completed"

    def freeze(self) -> McpObservation:
        """The observation, with generation None when credentials stopped the handshake."""
        challenge = next(
            (
                s.headers.get("www-authenticate")
                for s in self.steps
                if s.status == _UNAUTHORIZED and "www-authenticate" in s.headers
            ),
            None,
        )
        info = self.server_info or {}
        name, version = info.get("name"), info.get("version")
        return McpObservation(
            observed_at=self.observed_at,
            url=self.url,
            generation=self.generation,
            protocol_version=self.protocol_version,
            supported_versions=self.supported_versions,
            server_name=name if isinstance(name, str) else None,
            server_version=version if isinstance(version, str) else None,
            server_info=self.server_info,
            instructions=self.instructions,
            capabilities=self.capabilities,
            session_id=self.session_id,
            message_endpoint=self.message_endpoint,
            message_endpoint_cross_origin=self.message_endpoint_cross_origin,
            tools=self.tools,
            prompts=self.prompts,
            resources=self.resources,
            resource_templates=self.resource_templates,
            listings=tuple(self.listings),
            steps=tuple(self.steps),
            problems=tuple(self.problems),
            auth_required=self.generation is None and self.auth_required,
            auth_challenge=challenge,
        )
