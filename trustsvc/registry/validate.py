"""Turn one upstream `ServerList.servers[]` element into a `ServerRecord` or a `Rejection`.

The upstream `server.json` is publisher-written and the registry checks it loosely, so every
field is re-checked here and bounded before it reaches the database: a row is rejected only
when it cannot be identified or stored (name, version, description, status); everything else
is kept, truncated or flagged. Remotes are never a reason to reject: a suspicious remote is
exactly what trustsvc wants to know about, so it is stored with its problems listed.

Decisions:
- `content_hash` is the sha256 of the canonical JSON (sorted keys, compact, ASCII) of
  `{"server": <raw ServerDetail>, "status": <status>, "statusMessage": <message>}`. The raw
  detail is hashed (not the bounded copy) so any publisher edit counts, even in fields not
  stored; `updatedAt`, `publishedAt`, `statusChangedAt` and `isLatest` are left out because
  they change without the content changing (`isLatest` flips without `updatedAt`, §4.4).
- At most `MAX_REMOTES` remotes are kept, in published order; the rest are dropped without a
  note (a note on a remote's `problems` would read as a problem of that remote).
- Stored strings lose NUL characters and lone surrogates (PostgreSQL cannot store them); a
  version holding either is rejected instead, because it is half of the primary key.
- Dates are returned in UTC; a `null` status counts as absent (active).
"""

from __future__ import annotations

import hashlib
import ipaddress
import itertools
import json
import re
from collections.abc import Mapping
from typing import Any

from probes.errors import TargetRejected
from probes.netpolicy import NetworkPolicy
from probes.target import MAX_URL_LENGTH, parse_endpoint_url
from trustsvc.clock import parse_rfc3339
from trustsvc.registry.records import Rejection, RemoteRecord, ServerRecord, UpstreamStatus

OFFICIAL_META = "io.modelcontextprotocol.registry/official"
PUBLISHER_META = "io.modelcontextprotocol.registry/publisher-provided"
TRANSPORTS = frozenset({"streamable-http", "sse"})

NAME_PATTERN = re.compile(r"[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+")
NAME_MIN, NAME_MAX = 3, 200
VERSION_MAX = 255
DESCRIPTION_MAX = 100
TITLE_MAX = 100
STATUS_MESSAGE_MAX = 500
PUBLISHER_META_MAX_BYTES = 4096
MAX_REMOTES = 20
MAX_PACKAGES = 50
MAX_HEADERS = 50
MAX_VARIABLES = 50
MAX_CHOICES = 50
MAX_JSON_DEPTH = 32
TEXT_MAX = 1000  # descriptions, values and other free text inside remotes and packages
SHORT_MAX = 255  # identifiers, names, formats, versions inside remotes and packages
TEMPLATE_PLACEHOLDER = "v"

_TEMPLATE = re.compile(r"\{[^{}]*\}")
_STATUSES = frozenset(status.value for status in UpstreamStatus)
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_PUBLIC_ONLY = NetworkPolicy()
_INPUT_TEXT = ("description", "value", "default", "placeholder")
_INPUT_FLAGS = ("isRequired", "isSecret")
_PACKAGE_FIELDS = (
    "registryType",
    "registryBaseUrl",
    "identifier",
    "version",
    "fileSha256",
    "runtimeHint",
)
_REPOSITORY_FIELDS = ("url", "source", "id", "subfolder")


def validate_entry(entry: object) -> ServerRecord | Rejection:
    """Check one `{"server": ServerDetail, "_meta": {...}}` element; never raises."""
    if not isinstance(entry, Mapping):
        return Rejection(name=None, version=None, reasons=("entry is not an object",))
    server = entry.get("server")
    official = _official_meta(entry)
    reasons: list[str] = []
    if not isinstance(server, Mapping):
        reasons.append("server is missing or not an object")
        server = {}
    name, version = server.get("name"), server.get("version")
    reasons += _name_problems(name)
    reasons += _version_problems(version)
    description = server.get("description")
    if not isinstance(description, str):
        reasons.append("description is missing or not a string")
    status = _status(official.get("status"), reasons)
    status_message = _text(official.get("statusMessage"), STATUS_MESSAGE_MAX)
    content_hash = _content_hash(server, status, official.get("statusMessage"), reasons)
    if (
        reasons
        or not isinstance(name, str)
        or not isinstance(version, str)
        or not isinstance(description, str)
        or status is None
    ):
        return Rejection(
            name=_text(name, NAME_MAX), version=_text(version, VERSION_MAX), reasons=tuple(reasons)
        )
    return ServerRecord(
        name=name,
        version=version,
        description=_clean(description)[:DESCRIPTION_MAX],
        title=_text(server.get("title"), TITLE_MAX) or None,
        website_url=_https_url(server.get("websiteUrl")),
        repository=_repository(server.get("repository")),
        packages=_packages(server.get("packages")),
        remotes=_remotes(server.get("remotes")),
        publisher_meta=_publisher_meta(server.get("_meta")),
        status=status,
        status_message=status_message,
        status_changed_at=parse_rfc3339(official.get("statusChangedAt")),
        published_at=parse_rfc3339(official.get("publishedAt")),
        updated_at=parse_rfc3339(official.get("updatedAt")),
        is_latest=official.get("isLatest") is True,
        content_hash=content_hash,
    )


def check_remote_url(url: str) -> tuple[str | None, bool, tuple[str, ...]]:
    """The canonical URL, templated flag and problems of one remote URL (never raises)."""
    if _TEMPLATE.search(url):
        problems = ["templated URL: not probeable without values"]
        try:
            # Fill every variable with a harmless label: what the literal parts already say
            # (http, a *.localhost suffix) holds whatever values are supplied later.
            filled = parse_endpoint_url(_TEMPLATE.sub(TEMPLATE_PLACEHOLDER, url))
        except TargetRejected:
            return None, True, tuple(problems)
        return None, True, (*problems, *_endpoint_problems(filled.scheme, filled.host))
    try:
        endpoint = parse_endpoint_url(url)
    except TargetRejected as exc:
        return None, False, (_clean(exc.detail)[:TEXT_MAX],)
    return endpoint.url, False, _endpoint_problems(endpoint.scheme, endpoint.host)


def _endpoint_problems(scheme: str, host: str) -> tuple[str, ...]:
    problems: list[str] = []
    if scheme != "https":
        problems.append("not https")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            problems.append("private host")
    else:
        problems.append("IP-literal host")
        if _PUBLIC_ONLY.refusal(address) is not None:
            problems.append("private host")
    return tuple(problems)


def _official_meta(entry: Mapping[Any, Any]) -> Mapping[Any, Any]:
    meta = entry.get("_meta")
    official = meta.get(OFFICIAL_META) if isinstance(meta, Mapping) else None
    return official if isinstance(official, Mapping) else {}


def _name_problems(name: object) -> list[str]:
    if name is None:
        return ["name is missing"]
    if not isinstance(name, str):
        return ["name is not a string"]
    problems = []
    if not NAME_MIN <= len(name) <= NAME_MAX:
        problems.append(f"name length {len(name)} is outside {NAME_MIN}..{NAME_MAX}")
    if not NAME_PATTERN.fullmatch(name):
        problems.append("name does not match namespace/name (letters, digits, . _ -)")
    return problems


def _version_problems(version: object) -> list[str]:  # noqa: PLR0911 - one exit per rule
    if version is None:
        return ["version is missing"]
    if not isinstance(version, str):
        return ["version is not a string"]
    if not version:
        return ["version is empty"]
    if len(version) > VERSION_MAX:
        return [f"version is longer than {VERSION_MAX} characters"]
    if version == "latest":
        return ["version must not be 'latest'"]
    if _CONTROL.search(version):
        return ["version contains control characters or lone surrogates"]
    return []


def _status(value: object, reasons: list[str]) -> UpstreamStatus | None:
    if value is None:
        return UpstreamStatus.ACTIVE
    if isinstance(value, str) and value in _STATUSES:
        return UpstreamStatus(value)
    reasons.append(f"unknown status {_clean(repr(value))[:40]}")
    return None


def _content_hash(
    server: Mapping[Any, Any],
    status: UpstreamStatus | None,
    status_message: object,
    reasons: list[str],
) -> str:
    document = {
        "server": server,
        "status": status.value if status is not None else None,
        "statusMessage": status_message,
    }
    try:
        canonical = json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
        )
    except (TypeError, ValueError, RecursionError):
        reasons.append("entry is not JSON data")
        return ""
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _clean(text: str) -> str:
    """Drop NUL and lone surrogates, which PostgreSQL text and JSONB cannot hold."""
    return _UNSTORABLE.sub("", text) if _UNSTORABLE.search(text) else text


def _text(value: object, limit: int) -> str | None:
    return _clean(value)[:limit] if isinstance(value, str) else None


def _https_url(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        endpoint = parse_endpoint_url(value)
    except TargetRejected:
        return None
    return value if endpoint.scheme == "https" else None


def _repository(value: object) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        return None
    kept: dict[str, Any] = {}
    for key in _REPOSITORY_FIELDS:
        text = _text(value.get(key), MAX_URL_LENGTH if key == "url" else SHORT_MAX)
        if text is not None:
            kept[key] = text
    return kept


def _packages(value: object) -> tuple[dict[str, Any], ...]:
    if not isinstance(value, list):
        return ()
    packages: list[dict[str, Any]] = []
    for item in value:
        if not isinstance(item, Mapping):
            continue
        package: dict[str, Any] = {}
        for key in _PACKAGE_FIELDS:
            text = _text(item.get(key), MAX_URL_LENGTH if key == "registryBaseUrl" else SHORT_MAX)
            if text is not None:
                package[key] = text
        transport = item.get("transport")
        if isinstance(transport, Mapping):
            kept = {
                key: text
                for key in ("type", "url")
                if (text := _text(transport.get(key), MAX_URL_LENGTH)) is not None
            }
            package["transport"] = kept
        packages.append(package)
        if len(packages) == MAX_PACKAGES:
            break
    return tuple(packages)


def _remotes(value: object) -> tuple[RemoteRecord, ...]:
    if not isinstance(value, list):
        return ()
    remotes: list[RemoteRecord] = []
    for item in value:
        if not isinstance(item, Mapping):
            continue
        remotes.append(_remote(item))
        if len(remotes) == MAX_REMOTES:
            break
    return tuple(remotes)


def _remote(item: Mapping[Any, Any]) -> RemoteRecord:
    problems: list[str] = []
    raw_type = item.get("type")
    transport = _text(raw_type, SHORT_MAX) or ""
    if transport not in TRANSPORTS or not isinstance(raw_type, str):
        shown = transport if isinstance(raw_type, str) else _clean(repr(raw_type))[:40]
        problems.append(f"unknown transport type {shown[:40]}")
    raw_url = item.get("url")
    if not isinstance(raw_url, str):
        url, canonical, templated = "", None, False
        problems.append("URL is missing or not a string")
    else:
        url = _clean(raw_url)[:MAX_URL_LENGTH]
        canonical, templated, url_problems = check_remote_url(raw_url)
        problems += url_problems
    return RemoteRecord(
        type=transport,
        url=url,
        canonical_url=canonical,
        templated=templated,
        problems=tuple(problems),
        headers=_headers(item.get("headers")),
        variables=_variables(item.get("variables"), nested=True),
    )


def _headers(value: object) -> tuple[dict[str, Any], ...]:
    if not isinstance(value, list):
        return ()
    headers = (_input(item, nested=True) for item in value if isinstance(item, Mapping))
    return tuple(itertools.islice(headers, MAX_HEADERS))


def _variables(value: object, *, nested: bool) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        return {}
    kept: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(key, str) and isinstance(item, Mapping):
            kept[_clean(key)[:SHORT_MAX]] = _input(item, nested=nested)
            if len(kept) == MAX_VARIABLES:
                break
    return kept


def _input(item: Mapping[Any, Any], *, nested: bool) -> dict[str, Any]:
    """A KeyValueInput / Input object reduced to its documented fields, every one bounded."""
    kept: dict[str, Any] = {}
    for key in ("name", "format"):
        if (text := _text(item.get(key), SHORT_MAX)) is not None:
            kept[key] = text
    for key in _INPUT_TEXT:
        if (text := _text(item.get(key), TEXT_MAX)) is not None:
            kept[key] = text
    for key in _INPUT_FLAGS:
        if isinstance(item.get(key), bool):
            kept[key] = item[key]
    choices = item.get("choices")
    if isinstance(choices, list):
        strings = (_clean(c)[:SHORT_MAX] for c in choices if isinstance(c, str))
        kept["choices"] = list(itertools.islice(strings, MAX_CHOICES))
    if nested and isinstance(item.get("variables"), Mapping):
        # One level only: a header's value may use variables, whose own inputs need none.
        kept["variables"] = _variables(item["variables"], nested=False)
    return kept


def _publisher_meta(value: object) -> dict[str, Any] | None:
    publisher = value.get(PUBLISHER_META) if isinstance(value, Mapping) else None
    if not isinstance(publisher, dict):
        return None
    try:
        encoded = json.dumps(publisher, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return {"_truncated": True, "bytes": None}
    size = len(encoded.encode("utf-8", "surrogatepass"))
    if size > PUBLISHER_META_MAX_BYTES:
        return {"_truncated": True, "bytes": size}
    stored: dict[str, Any] = _bounded(publisher, 0)
    return stored


def _bounded(value: Any, depth: int) -> Any:  # noqa: ANN401 - any JSON value in, the same out
    """The JSON value with storable strings and nothing nested deeper than `MAX_JSON_DEPTH`."""
    if depth > MAX_JSON_DEPTH:
        return None
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, dict):
        return {_clean(str(k)): _bounded(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_bounded(v, depth + 1) for v in value]
    return value
