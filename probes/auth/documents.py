"""Discovery URLs and parsers for RFC 9728 and RFC 8414 documents and MCP-advertised URLs.

Pure functions the collector uses to decide what to fetch and to turn a fetched body into the
typed values of `probes.auth.observation`. Parsing reports problems instead of raising: a
document we cannot use is evidence, not a collection failure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from probes.auth.observation import (
    AdvertisedUrl,
    AsVariant,
    AuthorizationServerMetadata,
    PrmSource,
    ProtectedResourceMetadata,
)
from probes.hostile_text import decode_json

PRM_WELL_KNOWN = "/.well-known/oauth-protected-resource"
OAUTH_WELL_KNOWN = "/.well-known/oauth-authorization-server"
OIDC_WELL_KNOWN = "/.well-known/openid-configuration"
MAX_URLS = 64
MAX_URL_CHARS = 2048
MAX_VALUE_CHARS = 200
_URL_SUFFIXES = ("_endpoint", "_uri", "_url")
# RFC 8414 2 and RFC 9728 2 URL fields whose names do not end in _endpoint, _uri or _url.
_URL_KEYS = frozenset(
    {
        "issuer",
        "resource",
        "resource_documentation",
        "service_documentation",
        "authorization_servers",
    }
)


def prm_urls(endpoint: str) -> list[tuple[PrmSource, str]]:
    """The RFC 9728 3.1 well-known URLs for an endpoint: path-inserted first, then root.

    The well-known string goes between the host and the path, with a terminating slash
    removed; an endpoint at the origin's root has only the root form.
    """
    parts = urlsplit(endpoint)
    path = parts.path.rstrip("/")
    root = urlunsplit((parts.scheme, parts.netloc, PRM_WELL_KNOWN, "", ""))
    if not path:
        return [(PrmSource.ROOT, root)]
    inserted = urlunsplit((parts.scheme, parts.netloc, PRM_WELL_KNOWN + path, parts.query, ""))
    return [(PrmSource.PATH_INSERTED, inserted), (PrmSource.ROOT, root)]


def as_discovery_urls(issuer: str) -> list[tuple[AsVariant, str]]:
    """Authorization server metadata URLs for an issuer, in MCP 2025-11-25 client order.

    With a path: RFC 8414 3.1 insertion, OIDC insertion, then OIDC Discovery 4 appending.
    Without one: the RFC 8414 and OIDC root forms.
    """
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")

    def at(new_path: str) -> str:
        return urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))

    if not path:
        return [
            (AsVariant.OAUTH_ROOT, at(OAUTH_WELL_KNOWN)),
            (AsVariant.OIDC_ROOT, at(OIDC_WELL_KNOWN)),
        ]
    return [
        (AsVariant.OAUTH_PATH_INSERTED, at(OAUTH_WELL_KNOWN + path)),
        (AsVariant.OIDC_PATH_INSERTED, at(OIDC_WELL_KNOWN + path)),
        (AsVariant.OIDC_PATH_APPENDED, at(path + OIDC_WELL_KNOWN)),
    ]


def is_json_content_type(content_type: str | None) -> bool:
    """application/json or any +json media type (RFC 6839), parameters ignored."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def load_json_object(
    body: bytes, content_type: str | None
) -> tuple[dict[str, Any] | None, str | None]:
    """The body as a JSON object, or None and the reason it is not one."""
    if not is_json_content_type(content_type):
        return None, f"content type {content_type or '(none)'} is not JSON"
    try:
        document = decode_json(body)
    except (ValueError, RecursionError):
        return None, "the body is not valid JSON"
    if not isinstance(document, dict):
        return None, "the body is not a JSON object"
    return document, None


class _TypeProblem(Exception):
    """A field has the wrong JSON type; the document is unusable as a whole."""


def _string(document: Mapping[str, Any], key: str) -> str | None:
    value = document.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _TypeProblem(f"{key} is not a string")


def _boolean(document: Mapping[str, Any], key: str) -> bool | None:
    value = document.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise _TypeProblem(f"{key} is not a boolean")


def _strings(document: Mapping[str, Any], key: str) -> tuple[str, ...] | None:
    value = document.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _TypeProblem(f"{key} is not a list of strings")
    return tuple(value[:MAX_URLS])


def _lenient_flag(document: Mapping[str, Any], key: str, ignored: list[str]) -> bool | None:
    value = document.get(key)
    if value is None or isinstance(value, bool):
        return value
    ignored.append(key)
    return None


def _lenient_strings(
    document: Mapping[str, Any], key: str, ignored: list[str]
) -> tuple[str, ...] | None:
    value = document.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        ignored.append(key)
        return None
    return tuple(v[:MAX_VALUE_CHARS] for v in value[:MAX_URLS])


def url_fields(document: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Every URL-valued top-level field, as (field, value); lists yield one pair per item."""
    found: list[tuple[str, str]] = []
    for key, value in document.items():
        if not (key in _URL_KEYS or key.endswith(_URL_SUFFIXES)):
            continue
        items = value if isinstance(value, list) else [value]
        found.extend((key, item[:MAX_URL_CHARS]) for item in items if isinstance(item, str))
    return tuple(found[:MAX_URLS])


def parse_protected_resource(
    body: bytes, content_type: str | None
) -> tuple[ProtectedResourceMetadata | None, str | None]:
    """An RFC 9728 section 2 document, or None and why it cannot be used."""
    document, problem = load_json_object(body, content_type)
    if document is None:
        return None, problem
    try:
        metadata = ProtectedResourceMetadata(
            resource=_string(document, "resource"),
            authorization_servers=_strings(document, "authorization_servers") or (),
            scopes_supported=_strings(document, "scopes_supported") or (),
            bearer_methods_supported=_strings(document, "bearer_methods_supported") or (),
            urls=url_fields(document),
        )
    except _TypeProblem as exc:
        return None, str(exc)
    return metadata, None


def parse_authorization_server(
    body: bytes, content_type: str | None
) -> tuple[AuthorizationServerMetadata | None, str | None]:
    """An RFC 8414 section 2 (or OIDC Discovery 3) document, or None and why not."""
    document, problem = load_json_object(body, content_type)
    if document is None:
        return None, problem
    ignored: list[str] = []
    try:
        metadata = AuthorizationServerMetadata(
            issuer=_string(document, "issuer"),
            authorization_endpoint=_string(document, "authorization_endpoint"),
            token_endpoint=_string(document, "token_endpoint"),
            registration_endpoint=_string(document, "registration_endpoint"),
            code_challenge_methods_supported=_strings(document, "code_challenge_methods_supported"),
            client_id_metadata_document_supported=_boolean(
                document, "client_id_metadata_document_supported"
            ),
            # Read leniently: a wrong type here says the flag is not usable, not the document.
            authorization_response_iss_parameter_supported=_lenient_flag(
                document, "authorization_response_iss_parameter_supported", ignored
            ),
            grant_types_supported=_lenient_strings(document, "grant_types_supported", ignored),
            token_endpoint_auth_methods_supported=_lenient_strings(
                document, "token_endpoint_auth_methods_supported", ignored
            ),
            dpop_signing_alg_values_supported=_lenient_strings(
                document, "dpop_signing_alg_values_supported", ignored
            ),
            ignored_fields=tuple(ignored),
            urls=url_fields(document),
        )
    except _TypeProblem as exc:
        return None, str(exc)
    return metadata, None


def _icons(owner: Mapping[str, Any], where: str) -> list[AdvertisedUrl]:
    icons = owner.get("icons")
    if not isinstance(icons, list):
        return []
    return [
        AdvertisedUrl(where=f"{where}.icons[{i}].src", url=icon["src"][:MAX_URL_CHARS])
        for i, icon in enumerate(icons)
        if isinstance(icon, dict) and isinstance(icon.get("src"), str)
    ]


def advertised_urls(
    server_info: Mapping[str, Any] | None, tools: Sequence[Mapping[str, Any]] = ()
) -> tuple[AdvertisedUrl, ...]:
    """Icon and website URLs of serverInfo and tools (MCP 2025-11-25 Implementation, Icon)."""
    found: list[AdvertisedUrl] = []
    if server_info is not None:
        found.extend(_icons(server_info, "serverInfo"))
        website = server_info.get("websiteUrl")
        if isinstance(website, str):
            found.append(AdvertisedUrl(where="serverInfo.websiteUrl", url=website[:MAX_URL_CHARS]))
    for tool in tools:
        name = tool.get("name")
        found.extend(_icons(tool, f"tool:{name if isinstance(name, str) else '?'}"))
    return tuple(found[:MAX_URLS])
