"""RFC 9728 and RFC 8414 validation as pure functions: resource identity, HTTPS, issuer, schemes.

Each validator returns a list of human-readable problems (empty when the document is sound),
so a probe can both decide and explain. URL checks follow what a client would do with the
value: WHATWG URL parsing drops tabs and newlines and trims C0 controls and spaces, so
javascript: with a tab inside is still javascript:.
"""

from __future__ import annotations

import re
from enum import StrEnum
from urllib.parse import SplitResult, urlsplit

from probes.auth.observation import (
    AdvertisedUrl,
    AsDocument,
    AuthorizationServerMetadata,
    Challenge,
    PrmDocument,
)

# Schemes that run code or read local files when a client opens them (CVE-2025-6514 class;
# MCP security best practices, "OAuth Authorization URL Validation").
DANGEROUS_SCHEMES = frozenset({"javascript", "data", "file", "vbscript"})
WEB_SCHEMES = frozenset({"http", "https"})
# URL-valued challenge parameters: RFC 9728 5.1 and RFC 6750 3.
CHALLENGE_URL_PARAMS = ("resource_metadata", "error_uri")
S256 = "S256"  # RFC 7636 4.2; the method name is case-sensitive
# AS metadata fields that must be https besides every *_endpoint (MCP communication security;
# RFC 8414 2 issuer; RFC 7517 9.3 for the JWK Set).
_MUST_BE_HTTPS = frozenset({"issuer", "jwks_uri"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_STRIPPED = re.compile(r"[\t\n\r]")


class ResourceMatch(StrEnum):
    """How a PRM `resource` relates to the endpoint it was fetched for."""

    EXACT = "exact"
    PREFIX = "prefix"  # same origin, path a segment prefix: MCP SDK clients accept it
    TRAILING_SLASH = "trailing-slash"  # differs only by a final "/": strict clients refuse
    MISMATCH = "mismatch"
    INVALID = "invalid"


def url_scheme(url: str) -> str | None:
    """The scheme a client would see (lowercase), or None for a relative reference."""
    cleaned = _STRIPPED.sub("", url).lstrip("".join(map(chr, range(0x21))))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def is_https(url: str) -> bool:
    """An absolute https URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() == "https" and bool(parts.hostname)


def dangerous_url_reason(url: str, *, oauth_field: bool) -> str | None:
    """Why a client should refuse to open this URL, or None.

    OAuth endpoint fields must be http(s) (MCP authorization, communication security), so any
    other scheme there is refused. Elsewhere (icons, website) only the code-running and
    local-file schemes are, and a `data:` URI is allowed for images: MCP 2025-11-25 Icon.src
    permits Base64 image data.
    """
    scheme = url_scheme(url)
    if scheme in DANGEROUS_SCHEMES:
        media = url.split(":", 1)[1].split(";", 1)[0].split(",", 1)[0].strip().lower()
        if scheme == "data" and not oauth_field and media.startswith("image/"):
            return None
        return f"{scheme}: scheme"
    if oauth_field and scheme not in WEB_SCHEMES:
        return f"{scheme}: scheme" if scheme else "not an absolute http(s) URL"
    return None


def _canonical(parts: SplitResult) -> tuple[str, str, int | None, str]:
    """Scheme, host, port and path with RFC 3986 6.2.3 normalisation (empty path is "/")."""
    scheme = parts.scheme.lower()
    port = parts.port if parts.port is not None else _DEFAULT_PORTS.get(scheme)
    return scheme, (parts.hostname or "").lower(), port, parts.path or "/"


def match_resource(resource: str, endpoint: str) -> ResourceMatch:
    """Compare a PRM resource with the endpoint's canonical URI (RFC 8707 2, RFC 9728 3.3).

    Query components are ignored (RFC 8707 says a resource SHOULD NOT carry one); a fragment
    makes the resource invalid (RFC 8707 2: MUST NOT).
    """
    try:
        res, end = urlsplit(resource), urlsplit(endpoint)
        res_key, end_key = _canonical(res), _canonical(end)
    except ValueError:
        return ResourceMatch.INVALID
    if res.fragment or not res.scheme or not res.hostname:
        return ResourceMatch.INVALID
    if res_key[:3] != end_key[:3]:
        return ResourceMatch.MISMATCH
    return _match_path(res_key[3], end_key[3])


def _match_path(res_path: str, end_path: str) -> ResourceMatch:
    """Compare the paths of a same-origin resource and endpoint."""
    if res_path == end_path:
        return ResourceMatch.EXACT
    if res_path.rstrip("/") == end_path.rstrip("/"):
        return ResourceMatch.TRAILING_SLASH
    if res_path == "/" or end_path.startswith(res_path.rstrip("/") + "/"):
        return ResourceMatch.PREFIX
    return ResourceMatch.MISMATCH


def prm_problems(document: PrmDocument, endpoint: str) -> list[str]:
    """What makes a served PRM document unusable or unsafe for this endpoint (RFC 9728 2, 3.3)."""
    where = document.source.value
    metadata = document.metadata
    if metadata is None:
        return [f"{where}: {document.problem or 'unusable document'}"]
    problems: list[str] = []
    if metadata.resource is None:
        problems.append(f"{where}: resource is missing")
    else:
        match = match_resource(metadata.resource, endpoint)
        if match in (ResourceMatch.MISMATCH, ResourceMatch.INVALID, ResourceMatch.TRAILING_SLASH):
            problems.append(
                f"{where}: resource {metadata.resource} does not name {endpoint} ({match})"
            )
        if not is_https(metadata.resource):
            problems.append(f"{where}: resource {metadata.resource} is not https")
    if not metadata.authorization_servers:
        problems.append(f"{where}: authorization_servers is empty")
    problems.extend(
        f"{where}: authorization server {server} is not https"
        for server in metadata.authorization_servers
        if not is_https(server)
    )
    return problems


def served_prm(documents: tuple[PrmDocument, ...]) -> list[PrmDocument]:
    """The PRM documents that answered 200, in client order, each URL once."""
    first: dict[str, PrmDocument] = {}
    for document in documents:
        if document.served:
            first.setdefault(document.reply.url, document)
    return list(first.values())


def as_problems(document: AsDocument) -> list[str]:
    """What makes served AS metadata unusable or unsafe (RFC 8414 2 and 3.3, MCP HTTPS rule)."""
    metadata = document.metadata
    if metadata is None:
        return [f"{document.issuer}: {document.problem or 'unusable document'}"]
    problems: list[str] = []
    if metadata.issuer is None:
        problems.append(f"{document.issuer}: issuer is missing")
    elif metadata.issuer != document.issuer:
        problems.append(f"{document.issuer}: issuer {metadata.issuer} differs (RFC 8414 3.3)")
    for name, value in (
        ("authorization_endpoint", metadata.authorization_endpoint),
        ("token_endpoint", metadata.token_endpoint),
    ):
        if value is None:
            problems.append(f"{document.issuer}: {name} is missing")
    problems.extend(
        f"{document.issuer}: {field} {value} is not https"
        for field, value in metadata.urls
        if (field in _MUST_BE_HTTPS or field.endswith("_endpoint")) and not is_https(value)
    )
    return problems


def supports_s256(metadata: AuthorizationServerMetadata) -> bool:
    """code_challenge_methods_supported is present and lists S256 (RFC 8414 2, RFC 7636)."""
    methods = metadata.code_challenge_methods_supported
    return methods is not None and S256 in methods


def dangerous_urls(
    prm: tuple[PrmDocument, ...],
    servers: tuple[AsDocument, ...],
    advertised: tuple[AdvertisedUrl, ...],
    challenges: tuple[Challenge, ...] = (),
) -> list[tuple[str, str, str]]:
    """Every (where, url, reason) a client should refuse to open, across all documents."""
    # (where, url, is an OAuth field): OAuth fields must be http(s), icons may be data:image.
    candidates: list[tuple[str, str, bool]] = [
        (f"www-authenticate:{c.scheme}.{name}", url, True)
        for c in challenges
        for name in CHALLENGE_URL_PARAMS
        if (url := c.param(name)) is not None
    ]
    candidates.extend(
        (f"prm:{d.source}.{field}", url, True)
        for d in prm
        if d.metadata is not None
        for field, url in d.metadata.urls
    )
    candidates.extend(
        (f"as:{s.issuer}.{field}", url, True)
        for s in servers
        if s.metadata is not None
        for field, url in s.metadata.urls
    )
    candidates.extend((item.where, item.url, False) for item in advertised)
    return [
        (where, url, reason)
        for where, url, oauth_field in candidates
        if (reason := dangerous_url_reason(url, oauth_field=oauth_field))
    ]
