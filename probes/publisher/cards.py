"""Server Cards and AI Catalogs, as plain data: what was fetched, and what a card claims.

Follows the experimental server-card extension (modelcontextprotocol/experimental-ext-server-card,
tracking SEP-2127, Draft): `docs/discovery.md` at revision "draft" (media type
`application/mcp-server-card+json`, the reserved `GET <streamable-http-url>/server-card`, and
catalog entries `{identifier, type, url | data}`) and `schema.ts` (`name`, `version`, `title`,
`remotes[{type, url}]`, `repository{url, source, id}`). The AI Catalog
(`/.well-known/ai-catalog.json`, Agent-Card/ai-catalog) lists cards the same way. Paths seen in
the wild (`/.well-known/mcp.json`, `/.well-known/mcp/server-card.json`) are read as cards too.

A card is advisory, never authoritative (discovery.md, "Consistency with Runtime Behavior"):
the probes compare it with the registry and the live serverInfo, they do not believe it.
Everything here is frozen and JSON-friendly, and every string a server sent is made visible
(lone surrogates and NUL escaped) and cut to a bounded length before it is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from probes.errors import TargetRejected
from probes.hostile_text import visible
from probes.target import parse_endpoint_url

CARD_MEDIA_TYPE = "application/mcp-server-card+json"
MAX_TEXT = 300  # longest card string kept (the schema caps name at 200, title at 100)
MAX_REMOTES = 20  # remotes kept from one card
MAX_ENTRIES = 100  # catalog entries read from one catalog

# Where a card came from: the reserved path, a well-known path seen in the wild, a catalog.
SOURCE_ENDPOINT = "endpoint"
SOURCE_WELL_KNOWN = "well-known"
SOURCE_CATALOG = "catalog"

# How one fetch ended.
FOUND = "found"  # a card or a catalog, parsed
ABSENT = "absent"  # 404, 410, an HTML page, or a JSON document that is not a card (catalog)
UNREADABLE = "unreadable"  # a JSON or card answer that could not be parsed (hostile content)
FAILED = "failed"  # transport: timeout, connection refused, TLS, a broken exchange
REFUSED = "refused"  # the network policy refused the URL (SSRF guard), or it is invalid
SKIPPED = "skipped"  # not fetched: over the cap, or off-origin fetches are off


class NotACard(Exception):
    """A JSON document that is not a card (or not a catalog) at all."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CardFetch:
    """One GET of a card or catalog, and how it ended (`outcome` is one of the names above)."""

    url: str
    kind: str  # "card" or "catalog"
    source: str
    outcome: str
    status: int | None = None
    final_url: str | None = None
    content_type: str | None = None
    problem: str | None = None

    @property
    def primary(self) -> bool:
        """Fetched at the endpoint's own origin (its reserved path or the well-known paths)."""
        return self.source in (SOURCE_ENDPOINT, SOURCE_WELL_KNOWN)


@dataclass(frozen=True, slots=True, kw_only=True)
class CardRemote:
    """One `remotes[]` entry: the URL as given, and its canonical form when it has one."""

    type: str | None
    url: str
    canonical: str | None  # None: templated (`{tenant}`), or not a valid http(s) URL
    host: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerCard:
    """What one card claims, and where it was served from (after redirects)."""

    source: str
    served_from: str
    host: str
    name: str | None = None
    version: str | None = None
    title: str | None = None
    remotes: tuple[CardRemote, ...] = ()
    repository_url: str | None = None
    repository_id: str | None = None
    schema: str | None = None
    problems: tuple[str, ...] = ()

    @property
    def namespace(self) -> str | None:
        """The reverse-DNS namespace of `name` (before its one slash), when it has one."""
        if self.name is None or self.name.count("/") != 1:
            return None
        return self.name.split("/", 1)[0] or None


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogEntry:
    """A catalog entry of the card media type: a URL to fetch, or an inline card."""

    catalog: str
    identifier: str | None
    url: str | None
    data: object = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CardObservation:
    """Every card fetch of one scan, the cards read, and the live serverInfo to compare.

    Attributes:
        endpoint_url: the canonical endpoint URL the cards are compared with.
        fetches: every GET tried, in order, with how it ended.
        cards: every card read (from a fetch, or inline in a catalog).
        server_name / server_version: the live serverInfo (initialize or server/discover).
        server_info_problem: why there is no serverInfo to compare, when there is none.
        unavailable_reason: why discovery did not run or did not finish.
    """

    endpoint_url: str
    fetches: tuple[CardFetch, ...] = ()
    cards: tuple[ServerCard, ...] = ()
    server_name: str | None = None
    server_version: str | None = None
    server_info_problem: str | None = None
    unavailable_reason: str | None = None

    def for_endpoint(self) -> tuple[ServerCard, ...]:
        """The cards describing this endpoint: at its origin, or naming it as a remote.

        A domain's catalog may list cards of its other servers; those name other remotes
        rightly and are not this endpoint's.
        """
        return tuple(
            card
            for card in self.cards
            if card.source != SOURCE_CATALOG
            or any(r.canonical == self.endpoint_url for r in card.remotes)
        )


def text(value: object, limit: int = MAX_TEXT) -> str | None:
    """A string value made visible and cut to `limit`; None for anything else or empty."""
    if not isinstance(value, str) or not value.strip():
        return None
    shown = visible(value.strip())
    return shown if len(shown) <= limit else f"{shown[: limit - 1]}…"


def parse_card(document: object, *, source: str, served_from: str, host: str) -> ServerCard:
    """Normalise a card document; what does not fit the schema is kept as a problem.

    A card of the earlier draft (SEP-1649: `serverInfo{name, version}`) is read too, its
    name being an implementation name rather than a reverse-DNS one.

    Raises:
        NotACard: the document is not an object with a name, a serverInfo or remotes.
    """
    if not isinstance(document, dict):
        raise NotACard(f"a server card is a JSON object, not {type(document).__name__}")
    if not {"name", "serverInfo", "remotes"} & document.keys():
        raise NotACard("not a server card: no name, serverInfo or remotes")
    problems: list[str] = []
    info = document.get("serverInfo")
    if "name" not in document and isinstance(info, dict):
        problems.append("earlier draft shape (serverInfo)")
        document = {**document, "name": info.get("name"), "version": info.get("version")}
    name = text(document.get("name"))
    if name is None:
        problems.append("no name")
    elif name.count("/") != 1:
        problems.append("name is not reverse-DNS with one slash")
    repository = document.get("repository")
    repository = repository if isinstance(repository, dict) else {}
    remotes = _remotes(document.get("remotes"), problems)
    return ServerCard(
        source=source,
        served_from=served_from,
        host=host,
        name=name,
        version=text(document.get("version")),
        title=text(document.get("title")),
        remotes=remotes,
        repository_url=_repository_url(repository.get("url")),
        repository_id=_repository_id(repository.get("id")),
        schema=text(document.get("$schema")),
        problems=tuple(problems),
    )


def parse_catalog(document: object, *, catalog: str) -> tuple[CatalogEntry, ...]:
    """The card entries of an AI Catalog or MCP Catalog (`entries[]`), other types left out.

    The type is read from `type` (AI Catalog; discovery.md "draft") or `mediaType` (earlier
    drafts). Nested catalogs are not followed.

    Raises:
        NotACard: the document is not an object with an `entries` array.
    """
    entries = document.get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise NotACard("a catalog is a JSON object with an `entries` array")
    found = []
    for entry in entries[:MAX_ENTRIES]:
        if not isinstance(entry, dict):
            continue
        kind = entry.get("type", entry.get("mediaType"))
        if not isinstance(kind, str) or kind.split(";")[0].strip().lower() != CARD_MEDIA_TYPE:
            continue
        found.append(
            CatalogEntry(
                catalog=catalog,
                identifier=text(entry.get("identifier")),
                url=text(entry.get("url"), 2048),
                data=entry.get("data") if isinstance(entry.get("data"), dict) else None,
            )
        )
    return tuple(found)


def canonical_url(raw: str) -> str | None:
    """The canonical endpoint form of a URL, or None when it is templated or invalid."""
    if "{" in raw:
        return None
    try:
        return parse_endpoint_url(raw).url
    except TargetRejected:
        return None


def _remotes(value: object, problems: list[str]) -> tuple[CardRemote, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append("remotes is not an array")
        return ()
    if len(value) > MAX_REMOTES:
        problems.append(f"{len(value)} remotes, only the first {MAX_REMOTES} read")
    remotes = []
    for item in value[:MAX_REMOTES]:
        url = text(item.get("url"), 2048) if isinstance(item, dict) else None
        if url is None:
            problems.append("a remote without a url")
            continue
        canonical = canonical_url(url)
        host = None
        if canonical is not None:
            host = parse_endpoint_url(canonical).host
        remotes.append(
            CardRemote(type=text(item.get("type")), url=url, canonical=canonical, host=host)
        )
    return tuple(remotes)


def _repository_url(value: object) -> str | None:
    """A repository URL compared loosely: lowercased, no trailing slash or `.git`."""
    shown = text(value, 2048)
    if shown is None:
        return None
    return shown.lower().rstrip("/").removesuffix(".git")


def _repository_id(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return text(value, 200)


def repository_key(url: str | None) -> str | None:
    """The same loose form for a registry entry's repository URL."""
    return _repository_url(url)
