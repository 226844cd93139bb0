"""What one MCP handshake saw, as frozen data the tools and auth families judge.

The client records rather than hides: every HTTP exchange is a step with its status, content
type and timing, and every deviation from the protocol is a problem string, so probes can judge
sloppiness (a wrong `jsonrpc` field, an id mismatch) without the collector deciding anything.
Tool, prompt and resource definitions stay the raw JSON objects the server sent, because the
tools family hashes and inspects exactly what a client would show a model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

Generation: TypeAlias = Literal["stateless", "streamable", "legacy_sse"]
JsonObject: TypeAlias = Mapping[str, object]
"""A JSON object as parsed (plain dicts, lists and scalars); treat it as read-only."""

TOOLS_LIST = "tools/list"
PROMPTS_LIST = "prompts/list"
RESOURCES_LIST = "resources/list"
RESOURCE_TEMPLATES_LIST = "resources/templates/list"


@dataclass(frozen=True, slots=True, kw_only=True)
class McpStep:
    """One HTTP exchange of the handshake.

    Attributes:
        method: the JSON-RPC method sent ("initialize", "tools/list"), or what the exchange
            was for ("open SSE stream", "end session").
        http_method: POST, GET or DELETE.
        status: the HTTP status, or None when no response arrived (see `problems`).
        content_type: the response media type ("" when absent).
        session_id: the `Mcp-Session-Id` response header, if any.
        headers: selected response headers (lowercased names), e.g. `www-authenticate`.
        rpc_error: "code: message" when the reply was a JSON-RPC error.
        sse_events: events read from an SSE-framed reply, priming events included.
        priming_events: events with empty data (2025-11-25 resumability priming).
        problems: protocol deviations seen in this exchange.
    """

    method: str
    http_method: str
    url: str
    status: int | None
    content_type: str = ""
    elapsed_ms: float = 0.0
    session_id: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    rpc_error: str | None = None
    sse_events: int = 0
    priming_events: int = 0
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class McpListing:
    """How one list method went: pages fetched, items kept, and why it stopped."""

    method: str
    pages: int
    items: int
    truncated: bool = False
    error: str | None = None

    @property
    def complete(self) -> bool:
        """Whether every item was fetched (no error, no truncation)."""
        return self.error is None and not self.truncated


@dataclass(frozen=True, slots=True, kw_only=True)
class McpObservation:
    """The outcome of one handshake with an MCP endpoint.

    Attributes:
        observed_at: UTC time the handshake started; probes use it as "now".
        url: the endpoint URL handshaken with.
        generation: the wire generation that answered; None when none completed because the
            endpoint demanded credentials (`auth_required`).
        protocol_version: the version agreed (negotiated, or 2026-07-28 for stateless).
        supported_versions: `server/discover`'s supportedVersions (stateless only).
        server_name / server_version: from serverInfo (None when absent or not a string).
        server_info: the raw serverInfo object.
        capabilities: the raw capabilities object the server declared.
        session_id: the `Mcp-Session-Id` issued at initialize (streamable only).
        message_endpoint: the legacy `endpoint` event's URL, resolved (legacy_sse only).
        message_endpoint_cross_origin: whether that URL is on another origin than `url`.
        listings: one entry per list method attempted, in order.
        auth_required: an exchange was answered 401 and no generation completed.
        auth_challenge: the WWW-Authenticate value of that 401, if any.
    """

    observed_at: dt.datetime
    url: str
    generation: Generation | None
    protocol_version: str | None = None
    supported_versions: tuple[str, ...] = ()
    server_name: str | None = None
    server_version: str | None = None
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
    listings: tuple[McpListing, ...] = ()
    steps: tuple[McpStep, ...] = ()
    problems: tuple[str, ...] = ()
    auth_required: bool = False
    auth_challenge: str | None = None

    @property
    def capability_names(self) -> tuple[str, ...]:
        """The top-level capabilities declared (tools, prompts, resources, logging, ...)."""
        return tuple(sorted(self.capabilities))

    def listing(self, method: str) -> McpListing | None:
        """How the given list method went, or None when it was not attempted."""
        return next((entry for entry in self.listings if entry.method == method), None)

    @property
    def tools_truncated(self) -> bool:
        """Whether tools/list stopped at max_pages or max_items."""
        entry = self.listing(TOOLS_LIST)
        return entry is not None and entry.truncated

    @property
    def pages_fetched(self) -> int:
        """Pages fetched across every list method."""
        return sum(entry.pages for entry in self.listings)
