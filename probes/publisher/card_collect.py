"""Fetch an endpoint's Server Cards and its domain's AI Catalog, then the live serverInfo.

Requests, all GETs through the scan's SafeHttp (SSRF-checked, redirect-limited, size-capped,
time-bounded), without the operator's headers: cards are public by design, and a card must
not be able to echo a credential back.

1. `<endpoint>/server-card` with `Accept: application/mcp-server-card+json` (the reserved path);
2. `/.well-known/mcp/server-card.json` and `/.well-known/mcp.json` at the endpoint's origin
   (seen in the wild);
3. `/.well-known/ai-catalog.json` and `/.well-known/mcp/catalog.json` at the endpoint's origin
   and, when off-origin fetches are on, at the registrable domain (same scheme and port);
4. the card entries those catalogs list: inline cards are read, at most MAX_CATALOG_CARDS
   URLs fetched (other origins only when off-origin fetches are on).

The whole discovery is bounded by min(3 request timeouts, half the family budget).

serverInfo is read from the scan's shared handshake (`probes.mcp.shared`) only when a card was
found: there is nothing to compare otherwise.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from urllib.parse import urlsplit, urlunsplit

from probes.context import ProbeContext
from probes.errors import ProbeError, ProtocolViolation, ResponseTooLarge, TargetRejected
from probes.http import HttpResponse, SafeHttp, parse_json
from probes.mcp.shared import shared_mcp
from probes.publisher.cards import (
    ABSENT,
    CARD_MEDIA_TYPE,
    FAILED,
    FOUND,
    REFUSED,
    SKIPPED,
    SOURCE_CATALOG,
    SOURCE_ENDPOINT,
    SOURCE_WELL_KNOWN,
    UNREADABLE,
    CardFetch,
    CardObservation,
    CatalogEntry,
    NotACard,
    ServerCard,
    canonical_url,
    parse_card,
    parse_catalog,
    text,
)
from probes.target import DEFAULT_PORTS, EndpointUrl, Target, parse_endpoint_url

WELL_KNOWN_CARDS = ("/.well-known/mcp/server-card.json", "/.well-known/mcp.json")
CATALOGS = ("/.well-known/ai-catalog.json", "/.well-known/mcp/catalog.json")
CARD_ACCEPT = f"{CARD_MEDIA_TYPE}, application/json;q=0.9"
CATALOG_ACCEPT = "application/ai-catalog+json, application/json;q=0.9"
MAX_CARD_BYTES = 64 * 1024  # a card is a few hundred bytes; the schema caps its strings
MAX_CATALOG_BYTES = 256 * 1024
MAX_CATALOG_CARDS = 4  # card URLs fetched from catalogs, in catalog order
_MISSING = frozenset({404, 410})

_Got = tuple[CardFetch, object]
"""A fetch and its parsed JSON document (None unless the fetch found one)."""


async def collect_cards(
    target: Target, ctx: ProbeContext, http: SafeHttp, *, off_origin: bool
) -> CardObservation:
    """Every card and catalog fetch for `target`, the cards read, and the live serverInfo."""
    endpoint = target.endpoint
    # Two rounds of fetches, then serverInfo; never more than half the family's budget, so
    # a card tarpit cannot cost the registry and advisory facts gathered beside it.
    limits = ctx.limits
    budget = min(3 * limits.request_timeout_s, limits.family_budget_s / 2)
    observation = CardObservation(endpoint_url=endpoint.url)
    try:
        async with asyncio.timeout(budget):
            fetches, cards = await _discover(endpoint, http, off_origin=off_origin)
            observation = CardObservation(endpoint_url=endpoint.url, fetches=fetches, cards=cards)
            if cards:
                observation = await _with_server_info(observation, target, ctx)
    except TimeoutError:
        reason = f"card discovery outlasted {budget:g} s"
        return replace(observation, unavailable_reason=reason)
    return observation


async def _discover(
    endpoint: EndpointUrl, http: SafeHttp, *, off_origin: bool
) -> tuple[tuple[CardFetch, ...], tuple[ServerCard, ...]]:
    origin = _origin(endpoint, endpoint.host)
    catalog_origins = [origin]
    apex = endpoint.registrable_domain
    if off_origin and apex is not None and apex != endpoint.host:
        catalog_origins.append(_origin(endpoint, apex))
    card_urls = [(reserved_card_url(endpoint), SOURCE_ENDPOINT)]
    card_urls += [(origin + path, SOURCE_WELL_KNOWN) for path in WELL_KNOWN_CARDS]
    catalog_urls = [o + path for o in catalog_origins for path in CATALOGS]
    got_cards, got_catalogs = await asyncio.gather(
        asyncio.gather(*(_card(http, url, source) for url, source in card_urls)),
        asyncio.gather(*(_fetch(http, url, "catalog", SOURCE_CATALOG) for url in catalog_urls)),
    )
    fetches = [fetch for fetch, _ in got_cards]
    cards = [card for _, card in got_cards if card is not None]
    entries: list[CatalogEntry] = []
    for got in got_catalogs:
        read, found = _catalog_entries(*got)
        fetches.append(read)
        entries += found
    inline, listed = _inline_cards(entries), [e for e in entries if e.url is not None]
    cards += inline
    tried = {canonical_url(f.url) for f in fetches} | {canonical_url(c.served_from) for c in cards}
    plan = _plan(listed, tried, origin, off_origin=off_origin)
    followed = await asyncio.gather(
        *(_card(http, url, SOURCE_CATALOG) for url, skip in plan if skip is None)
    )
    fetches += [fetch for fetch, _ in followed]
    cards += [card for _, card in followed if card is not None]
    fetches += [
        CardFetch(url=url, kind="card", source=SOURCE_CATALOG, outcome=SKIPPED, problem=skip)
        for url, skip in plan
        if skip is not None
    ]
    return tuple(fetches), tuple(cards)


def reserved_card_url(endpoint: EndpointUrl) -> str:
    """`<streamable-http-url>/server-card`: the suffix goes on the path, the query stays."""
    parts = urlsplit(endpoint.url)
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path.rstrip("/") + "/server-card", parts.query, "")
    )


def _origin(endpoint: EndpointUrl, host: str) -> str:
    netloc = f"[{host}]" if ":" in host else host
    if endpoint.port != DEFAULT_PORTS[endpoint.scheme]:
        netloc = f"{netloc}:{endpoint.port}"
    return f"{endpoint.scheme}://{netloc}"


def _plan(
    listed: list[CatalogEntry], tried: set[str | None], origin: str, *, off_origin: bool
) -> list[tuple[str, str | None]]:
    """The catalog card URLs to fetch (skip reason None) or to record as skipped, deduplicated."""
    plan: list[tuple[str, str | None]] = []
    seen = set(tried)
    fetched = 0
    for entry in listed:
        url = entry.url or ""
        key = canonical_url(url)
        if key in seen:
            continue
        seen.add(key)
        if key is None:
            plan.append((url, "not a valid http(s) URL"))
        elif not off_origin and not key.startswith(origin + "/"):
            plan.append((url, "on another origin, and off-origin card fetches are off"))
        elif fetched >= MAX_CATALOG_CARDS:
            plan.append((url, f"over the cap of {MAX_CATALOG_CARDS} catalog cards"))
        else:
            fetched += 1
            plan.append((url, None))
    return plan


async def _fetch(http: SafeHttp, url: str, kind: str, source: str) -> _Got:
    """GET one document and parse it as JSON; never raises for what the server does."""
    card = kind == "card"
    base = CardFetch(url=url, kind=kind, source=source, outcome=FAILED)
    try:
        response = await http.request(
            "GET",
            url,
            accept=CARD_ACCEPT if card else CATALOG_ACCEPT,
            max_bytes=MAX_CARD_BYTES if card else MAX_CATALOG_BYTES,
            send_credentials=False,
        )
    except TargetRejected as exc:
        return _ended(base, REFUSED, exc.detail), None
    except ResponseTooLarge as exc:
        return _ended(base, UNREADABLE, exc.detail), None
    except ProbeError as exc:
        return _ended(base, FAILED, exc.detail), None
    return _parsed(
        replace(
            base,
            outcome=ABSENT,
            status=response.status,
            final_url=text(response.url, 2048),
            content_type=text(response.content_type, 100),
        ),
        response,
    )


def _parsed(seen: CardFetch, response: HttpResponse) -> _Got:
    """A 200 JSON answer parsed; anything else is an absent document, with what it was."""
    kind_of = response.content_type
    if response.status in _MISSING:
        return seen, None
    if response.status != 200:  # noqa: PLR2004 - HTTP OK
        return _ended(seen, ABSENT, f"HTTP {response.status}"), None
    if kind_of != "application/json" and not kind_of.endswith("+json"):
        return _ended(seen, ABSENT, f"served {kind_of or 'no content type'}, not JSON"), None
    try:
        return _ended(seen, FOUND, None), parse_json(response.body, seen.url)
    except ProtocolViolation as exc:
        return _ended(seen, UNREADABLE, exc.detail), None


async def _card(http: SafeHttp, url: str, source: str) -> tuple[CardFetch, ServerCard | None]:
    fetch, document = await _fetch(http, url, "card", source)
    if fetch.outcome != FOUND:
        return fetch, None
    served_from = fetch.final_url or url
    try:
        card = parse_card(
            document,
            source=source,
            served_from=served_from,
            host=parse_endpoint_url(served_from).host,
        )
    except (NotACard, TargetRejected) as exc:
        return _ended(fetch, ABSENT, str(exc)), None
    return fetch, card


def _catalog_entries(fetch: CardFetch, document: object) -> tuple[CardFetch, list[CatalogEntry]]:
    if fetch.outcome != FOUND:
        return fetch, []
    try:
        entries = parse_catalog(document, catalog=fetch.final_url or fetch.url)
    except NotACard as exc:
        return _ended(fetch, ABSENT, str(exc)), []
    return fetch, list(entries)


def _inline_cards(entries: list[CatalogEntry]) -> list[ServerCard]:
    cards = []
    for entry in entries:
        if entry.data is None:
            continue
        try:
            host = parse_endpoint_url(entry.catalog).host
            cards.append(
                parse_card(entry.data, source=SOURCE_CATALOG, served_from=entry.catalog, host=host)
            )
        except (NotACard, TargetRejected):
            continue
    return cards


def _ended(fetch: CardFetch, outcome: str, problem: str | None) -> CardFetch:
    return replace(fetch, outcome=outcome, problem=None if problem is None else text(problem))


async def _with_server_info(
    observation: CardObservation, target: Target, ctx: ProbeContext
) -> CardObservation:
    """The live serverInfo from the scan's shared handshake (initialize or server/discover)."""
    name = version = problem = None
    try:
        async with shared_mcp(target, ctx) as shared:
            mcp = await shared.identified()
    except ProbeError as exc:
        problem = f"no serverInfo: {exc.detail}"
    else:
        name, version = text(mcp.server_name), text(mcp.server_version)
        if name is None and version is None:
            problem = "serverInfo gives no name or version"
    return replace(
        observation, server_name=name, server_version=version, server_info_problem=problem
    )
