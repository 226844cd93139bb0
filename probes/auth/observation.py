"""What one auth collection saw, reduced to plain typed values the auth probes judge.

The collector fills this from a handful of HTTP exchanges (unauthenticated initialize, RFC 9728
and RFC 8414 discovery, a bogus Origin, an unsupported protocol version, a second handshake).
It records what came back and never decides good or bad: the auth model is classified from
this by `probes.auth.classify`, and every probe reads only this, so all of them are pure.
An exchange that could not be made is recorded with its `error`, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

_SUCCESS_MIN, _SUCCESS_END = 200, 300
_OK = 200


class AuthModel(StrEnum):
    """How the endpoint controls access (scoring.md 8.2.2)."""

    OAUTH = "oauth"
    DECLARED_KEY = "declared-key"
    NONE = "none"
    BROKEN = "broken"


class PrmSource(StrEnum):
    """Where a protected resource metadata document was looked for (MCP 2025-11-25 order)."""

    CHALLENGE = "challenge"  # the resource_metadata parameter of WWW-Authenticate
    PATH_INSERTED = "path-inserted"  # /.well-known/oauth-protected-resource/<path>
    ROOT = "root"  # /.well-known/oauth-protected-resource


class AsVariant(StrEnum):
    """Which authorization server discovery URL was tried (MCP 2025-11-25, in client order)."""

    OAUTH_PATH_INSERTED = "oauth-path-inserted"  # RFC 8414 3.1
    OIDC_PATH_INSERTED = "oidc-path-inserted"  # RFC 8414 5 compatibility form
    OIDC_PATH_APPENDED = "oidc-path-appended"  # OpenID Connect Discovery 1.0, 4
    OAUTH_ROOT = "oauth-root"
    OIDC_ROOT = "oidc-root"


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """One HTTP exchange: its status and content type, or why no response came back.

    Attributes:
        served: the request was served: a JSON-RPC result (not an error) came back, or, for
            a GET of the legacy HTTP+SSE stream, the event stream opened.
        error: a transport failure or policy refusal; `status` is None then.
    """

    url: str
    status: int | None = None
    content_type: str | None = None
    served: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        """A 2xx answer carrying a JSON-RPC result."""
        return (
            self.status is not None and _SUCCESS_MIN <= self.status < _SUCCESS_END and self.served
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Handshake:
    """An MCP handshake (initialize, then tools/list if it succeeded) and how it ended.

    Attributes:
        initialize: the initialize POST (or the stateless server/discover equivalent).
        generation: the MCP wire generation that answered ("stateless", "streamable",
            "legacy_sse"), None when none did.
        tools_list: the tools/list request; None when initialize did not succeed.
        session_id: the Mcp-Session-Id the server assigned, if any.
        www_authenticate: raw WWW-Authenticate values of the refusing response, capped.
    """

    initialize: Reply
    generation: str | None = None
    tools_list: Reply | None = None
    session_id: str | None = None
    protocol_version: str | None = None
    www_authenticate: tuple[str, ...] = ()

    @property
    def refusing_status(self) -> int | None:
        """The status of the first step that was not a success (None when all succeeded)."""
        if not self.initialize.ok:
            return self.initialize.status
        if self.tools_list is not None and not self.tools_list.ok:
            return self.tools_list.status
        return None

    @property
    def open(self) -> bool:
        """Initialize and (when attempted) tools/list both succeeded."""
        return self.initialize.ok and (self.tools_list is None or self.tools_list.ok)


@dataclass(frozen=True, slots=True, kw_only=True)
class Challenge:
    """One RFC 9110 11.6.1 challenge: a scheme and either auth-params or a token68."""

    scheme: str
    params: tuple[tuple[str, str], ...] = ()
    token68: str | None = None

    def param(self, name: str) -> str | None:
        """The first value of an auth-param (names are case-insensitive, RFC 9110 11.2)."""
        wanted = name.lower()
        return next((value for key, value in self.params if key == wanted), None)

    @property
    def is_bearer(self) -> bool:
        """Whether this is an RFC 6750 Bearer challenge (schemes are case-insensitive)."""
        return self.scheme.lower() == "bearer"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtectedResourceMetadata:
    """The RFC 9728 section 2 fields a probe judges, plus every URL-valued field."""

    resource: str | None
    authorization_servers: tuple[str, ...]
    scopes_supported: tuple[str, ...] = ()
    bearer_methods_supported: tuple[str, ...] = ()
    urls: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorizationServerMetadata:
    """The RFC 8414 section 2 fields a probe judges, plus every URL-valued field.

    Attributes:
        code_challenge_methods_supported: None when the field is absent, which MCP clients
            must treat as "no PKCE" and refuse (MCP 2025-11-25 authorization, PKCE).
        client_id_metadata_document_supported: the CIMD flag (MCP 2025-11-25), None if absent.
        authorization_response_iss_parameter_supported: the RFC 9207 3 flag, None if absent.
        grant_types_supported / token_endpoint_auth_methods_supported /
            dpop_signing_alg_values_supported: RFC 8414 2 and RFC 9449 5.1 lists, None if
            absent (RFC 8414's defaults then apply: authorization_code and implicit;
            client_secret_basic).
        ignored_fields: fields of the 2026 surface that had the wrong JSON type; they are read
            as absent rather than making the whole document unusable.
    """

    issuer: str | None
    authorization_endpoint: str | None = None
    token_endpoint: str | None = None
    registration_endpoint: str | None = None
    code_challenge_methods_supported: tuple[str, ...] | None = None
    client_id_metadata_document_supported: bool | None = None
    authorization_response_iss_parameter_supported: bool | None = None
    grant_types_supported: tuple[str, ...] | None = None
    token_endpoint_auth_methods_supported: tuple[str, ...] | None = None
    dpop_signing_alg_values_supported: tuple[str, ...] | None = None
    ignored_fields: tuple[str, ...] = ()
    urls: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PrmDocument:
    """One protected resource metadata URL tried, and what it held.

    `metadata` is set when a 200 carried a usable JSON object; `problem` says why a 200 did
    not (wrong content type, not JSON, wrong field types).
    """

    source: PrmSource
    reply: Reply
    metadata: ProtectedResourceMetadata | None = None
    problem: str | None = None

    @property
    def served(self) -> bool:
        """The URL answered 200, whether or not the body was usable."""
        return self.reply.status == _OK


@dataclass(frozen=True, slots=True, kw_only=True)
class AsDocument:
    """One authorization server metadata URL tried for one issuer, and what it held."""

    issuer: str
    variant: AsVariant
    reply: Reply
    metadata: AuthorizationServerMetadata | None = None
    problem: str | None = None

    @property
    def served(self) -> bool:
        """The URL answered 200, whether or not the body was usable."""
        return self.reply.status == _OK


@dataclass(frozen=True, slots=True, kw_only=True)
class AdvertisedUrl:
    """A URL the endpoint hands to clients outside OAuth metadata (icons, website)."""

    where: str
    url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthObservation:
    """Everything the auth probes need about one endpoint at one moment.

    Attributes:
        observed_at: when collection started (UTC).
        endpoint: the canonical endpoint URL.
        credentials_configured: the operator supplied headers (a key or token) for this scan.
        unauthenticated: the handshake made without any credentials.
        credentialed: the handshake made with the operator's headers; None without them.
        challenges: parsed WWW-Authenticate challenges of the unauthenticated refusal.
        protected_resource: every PRM URL tried, in client order (challenge, path, root).
        authorization_servers: every AS metadata URL tried, per issuer in client order.
        advertised_urls: icon and website URLs from the initialize result and tools.
        bogus_origin: initialize sent with `Origin: https://evil.example`; None if not sent.
        session_ids: the session ids of two independent handshakes (None where none came).
        unsupported_version: a request on an open session with an unsupported
            MCP-Protocol-Version header; None if no session could be opened.
        server_capabilities: the top-level capability names the handshake that listed
            declared (logging, tools, ...); None when no handshake got that far.
        extensions: the keys of `capabilities.extensions` (MCP 2026-07-28, SEP-2133), capped.
    """

    observed_at: dt.datetime
    endpoint: str
    credentials_configured: bool
    unauthenticated: Handshake
    credentialed: Handshake | None = None
    challenges: tuple[Challenge, ...] = ()
    protected_resource: tuple[PrmDocument, ...] = ()
    authorization_servers: tuple[AsDocument, ...] = ()
    advertised_urls: tuple[AdvertisedUrl, ...] = ()
    bogus_origin: Reply | None = None
    session_ids: tuple[str | None, str | None] = (None, None)
    unsupported_version: Reply | None = None
    server_capabilities: tuple[str, ...] | None = None
    extensions: tuple[str, ...] = ()

    @property
    def working_handshake(self) -> Handshake | None:
        """The handshake that opened a session: unauthenticated if open, else credentialed."""
        if self.unauthenticated.open:
            return self.unauthenticated
        if self.credentialed is not None and self.credentialed.open:
            return self.credentialed
        return None
