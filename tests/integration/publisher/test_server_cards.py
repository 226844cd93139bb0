"""Server Cards fetched from a real aiohttp lab: cards that match, cards that lie, none, hostile.

The endpoint is http://mcp.acme.com:<port>/mcp, listed by `com.acme/tools`; `acme.com` (the
registrable domain) and `cards.evil.io` are other names of the same lab server, resolved by
the lab's fake resolver to 127.0.0.1. The collector runs as the family runs it; no MCP server
answers at /mcp, so serverInfo is missing and says why.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from probes.context import ProbeLimits
from probes.model import Outcome
from probes.publisher.card_collect import MAX_CATALOG_CARDS
from probes.publisher.card_probes import CARD_PROBES
from probes.publisher.cards import ABSENT, FOUND, REFUSED, SKIPPED, UNREADABLE, CardFetch
from probes.publisher.collect import PublisherCollector
from probes.publisher.context import PublisherFact, RegistryContext, VersionFact
from probes.publisher.family import publisher_family
from probes.publisher.observation import PublisherObservation
from probes.publisher.sources import PublisherSources
from probes.runner import judge_observation
from probes.target import Target, parse_endpoint_url
from tests.integration.mcp.support import ROOMY_LIMITS, SMALL_LIMITS, make_context
from tests.servers.cards import CardLab, Document, as_json, card, card_entry, catalog

ENDPOINT_HOST = "mcp.acme.com"
APEX = "acme.com"
EVIL = "cards.evil.io"
NAME = "com.acme/tools"
REPOSITORY = "https://github.com/acme/tools"
CARD_IDS = {probe.spec.id for probe in CARD_PROBES}
ALL_LOCATIONS = [
    "/mcp/server-card",
    "/.well-known/mcp/server-card.json",
    "/.well-known/mcp.json",
    "/.well-known/ai-catalog.json",
    "/.well-known/mcp/catalog.json",
]


@pytest.fixture
async def lab() -> AsyncIterator[CardLab]:
    async with CardLab() as running:
        yield running


def endpoint(lab: CardLab) -> str:
    return lab.url(ENDPOINT_HOST, "/mcp")


def registry_for(url: str) -> RegistryContext:
    now = dt.datetime.now(dt.UTC)
    version = VersionFact(
        name=NAME,
        namespace="com.acme",
        version="1.0.0",
        status="active",
        published_at=now - dt.timedelta(days=100),
        repository_id=None,
        lists_endpoint=True,
        is_latest=True,
        remotes=(url,),
        repository_url=REPOSITORY,
    )
    publisher = PublisherFact(
        namespace="com.acme", kind="domain", first_seen_at=now - dt.timedelta(days=100)
    )
    return RegistryContext(url=url, versions=(version,), publishers=(publisher,))


async def collect(
    lab: CardLab,
    *,
    off_origin: bool = True,
    url: str | None = None,
    limits: ProbeLimits = ROOMY_LIMITS,  # a loaded machine may take over 1 s to answer
) -> PublisherObservation:
    url = url or endpoint(lab)
    context = registry_for(url)

    async def registry(asked: str) -> RegistryContext | None:
        return context if asked == url else None

    sources = PublisherSources(registry=registry, cards_off_origin=off_origin)
    target = Target(endpoint=parse_endpoint_url(url), addresses=("127.0.0.1",))
    ctx = make_context(limits=limits)
    try:
        return await PublisherCollector(sources, resolver=lab.resolver)(target, ctx)
    finally:
        ctx.executor.shutdown(wait=False)


def outcomes(observation: PublisherObservation) -> dict[str, Outcome]:
    findings = judge_observation(publisher_family(), observation)
    return {f.probe_id: f.outcome for f in findings if f.probe_id in CARD_IDS}


def fetches(observation: PublisherObservation) -> dict[str, CardFetch]:
    assert observation.cards is not None
    return {f.url: f for f in observation.cards.fetches}


async def test_a_card_that_matches_is_clean(lab: CardLab) -> None:
    here = endpoint(lab)
    lab.serve(ENDPOINT_HOST, "/mcp/server-card", as_json(card(NAME, [here], repository=REPOSITORY)))
    observation = await collect(lab)
    assert outcomes(observation) == {
        "server_card_names_other_remotes": Outcome.FALSE,
        "server_card_name_differs_from_registry": Outcome.FALSE,
        "server_card_served_outside_namespace_domain": Outcome.FALSE,
        "server_card_repository_differs_from_registry": Outcome.FALSE,
        "server_card_contradicts_server_info": Outcome.NOT_AVAILABLE,  # nothing speaks MCP
    }
    assert observation.cards is not None
    assert observation.cards.server_info_problem is not None
    accepts = [accept for host, path, accept in lab.seen if path == "/mcp/server-card"]
    assert accepts == ["application/mcp-server-card+json, application/json;q=0.9"]
    assert sorted(set(lab.paths(ENDPOINT_HOST)) - {"/mcp"}) == sorted(ALL_LOCATIONS)
    assert sorted(set(lab.paths(APEX))) == sorted(ALL_LOCATIONS[3:])


async def test_a_card_that_lies_about_remotes_name_and_repository(lab: CardLab) -> None:
    elsewhere = lab.url("mcp.evil.io", "/mcp")
    lying = card("com.acme/other", [endpoint(lab), elsewhere], repository="https://github.com/x/y")
    lab.serve(ENDPOINT_HOST, "/mcp/server-card", as_json(lying))
    observation = await collect(lab)
    found = {
        f.probe_id: f
        for f in judge_observation(publisher_family(), observation)
        if f.probe_id in CARD_IDS
    }
    remotes = found["server_card_names_other_remotes"]
    assert remotes.outcome is Outcome.TRUE
    assert remotes.evidence["other_remotes"] == elsewhere
    assert remotes.evidence["cards"] == lab.url(ENDPOINT_HOST, "/mcp/server-card")
    name = found["server_card_name_differs_from_registry"]
    assert (name.outcome, name.evidence["differing"]) == (Outcome.TRUE, "com.acme/other")
    repository = found["server_card_repository_differs_from_registry"]
    assert (repository.outcome, repository.evidence["differing"]) == (
        Outcome.TRUE,
        "https://github.com/x/y",
    )


async def test_a_card_served_off_the_namespaces_domain(lab: CardLab) -> None:
    """The apex's AI Catalog lists a card for this endpoint that another domain serves."""
    off = lab.url(EVIL, "/cards/tools")
    lab.serve(APEX, "/.well-known/ai-catalog.json", catalog(card_entry(off)))
    lab.serve(EVIL, "/cards/tools", as_json(card(NAME, [endpoint(lab)])))
    observation = await collect(lab)
    found = outcomes(observation)
    assert found["server_card_served_outside_namespace_domain"] is Outcome.TRUE
    assert found["server_card_name_differs_from_registry"] is Outcome.FALSE
    assert fetches(observation)[off].outcome == FOUND


async def test_off_origin_fetches_off_reads_the_endpoints_origin_only(lab: CardLab) -> None:
    off = lab.url(EVIL, "/cards/tools")
    lab.serve(ENDPOINT_HOST, "/.well-known/ai-catalog.json", catalog(card_entry(off)))
    lab.serve(EVIL, "/cards/tools", as_json(card(NAME, [endpoint(lab)])))
    observation = await collect(lab, off_origin=False)
    assert lab.paths(APEX) == lab.paths(EVIL) == []
    skipped = fetches(observation)[off]
    assert (skipped.outcome, skipped.problem) == (
        SKIPPED,
        "on another origin, and off-origin card fetches are off",
    )
    assert set(outcomes(observation).values()) == {Outcome.NOT_APPLICABLE}


async def test_an_inline_catalog_card_naming_this_endpoint_is_judged(lab: CardLab) -> None:
    inline = card("io.github.mallory/tools", [endpoint(lab), lab.url("mcp.evil.io", "/mcp")])
    lab.serve(ENDPOINT_HOST, "/.well-known/mcp/catalog.json", catalog(card_entry(data=inline)))
    found = outcomes(await collect(lab))
    assert found["server_card_names_other_remotes"] is Outcome.TRUE
    assert found["server_card_name_differs_from_registry"] is Outcome.TRUE
    assert found["server_card_served_outside_namespace_domain"] is Outcome.NOT_APPLICABLE


async def test_no_card_anywhere_is_not_applicable(lab: CardLab) -> None:
    lab.serve(
        ENDPOINT_HOST, "/.well-known/mcp.json", as_json({"mcpServers": {}}, "application/json")
    )
    observation = await collect(lab)
    assert set(outcomes(observation).values()) == {Outcome.NOT_APPLICABLE}
    assert {f.outcome for f in fetches(observation).values()} == {ABSENT}


def nested(depth: int) -> bytes:
    return b'{"name": "com.acme/x", "remotes": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize(
    ("document", "outcome", "expected"),
    [
        (Document(body=b"{" + b" " * (70 * 1024) + b"}"), UNREADABLE, Outcome.NOT_AVAILABLE),
        (
            Document(body=b"<html>app shell</html>", content_type="text/html"),
            ABSENT,
            Outcome.NOT_APPLICABLE,
        ),
        (Document(body=b"{not json"), UNREADABLE, Outcome.NOT_AVAILABLE),
        (Document(body=b"\xff\xfe{}"), UNREADABLE, Outcome.NOT_AVAILABLE),
        (Document(body=nested(30_000)), UNREADABLE, Outcome.NOT_AVAILABLE),
        (Document(body=b"[1, 2, 3]"), ABSENT, Outcome.NOT_APPLICABLE),
        (Document(body=b"{}", status=500), ABSENT, Outcome.NOT_APPLICABLE),
    ],
    ids=["huge", "html", "not-json", "not-utf8", "deep", "array", "error"],
)
async def test_hostile_cards_are_recorded_never_a_crash(
    lab: CardLab, document: Document, outcome: str, expected: Outcome
) -> None:
    lab.serve(ENDPOINT_HOST, "/mcp/server-card", document)
    observation = await collect(lab)
    reserved = fetches(observation)[lab.url(ENDPOINT_HOST, "/mcp/server-card")]
    assert reserved.outcome == outcome
    assert set(outcomes(observation).values()) == {expected}


async def test_lone_surrogates_and_nul_are_kept_visible(lab: CardLab) -> None:
    body = json.dumps(card("com.acme/\udcfftools\u0000", [endpoint(lab)])).encode()
    lab.serve(ENDPOINT_HOST, "/mcp/server-card", Document(body=body))
    observation = await collect(lab)
    assert observation.cards is not None
    (found,) = observation.cards.cards
    assert found.name is not None
    assert "\udcff" not in found.name
    assert "\x00" not in found.name
    assert outcomes(observation)["server_card_name_differs_from_registry"] is Outcome.TRUE


async def test_redirects_and_catalog_urls_to_private_addresses_are_refused(lab: CardLab) -> None:
    private = "http://10.0.0.1/card"
    lab.serve(
        ENDPOINT_HOST,
        "/mcp/server-card",
        Document(status=302, headers={"Location": private}),
    )
    lab.serve(
        ENDPOINT_HOST, "/.well-known/ai-catalog.json", catalog(card_entry("http://10.0.0.2/c"))
    )
    observation = await collect(lab)
    seen = fetches(observation)
    assert seen[lab.url(ENDPOINT_HOST, "/mcp/server-card")].outcome == REFUSED
    assert seen["http://10.0.0.2/c"].outcome == REFUSED
    assert set(outcomes(observation).values()) == {Outcome.NOT_APPLICABLE}


async def test_a_card_fetch_that_fails_in_transport_is_not_available(lab: CardLab) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        observation = await collect(lab, url=f"http://{ENDPOINT_HOST}:{port}/mcp")
    found = {
        f.probe_id: f
        for f in judge_observation(publisher_family(), observation)
        if f.probe_id in CARD_IDS
    }
    assert {f.outcome for f in found.values()} == {Outcome.NOT_AVAILABLE}
    assert "cannot connect" in found["server_card_names_other_remotes"].message


async def test_catalog_cards_are_fetched_up_to_the_cap(lab: CardLab) -> None:
    urls = [lab.url(ENDPOINT_HOST, f"/cards/{i}") for i in range(MAX_CATALOG_CARDS + 2)]
    lab.serve(ENDPOINT_HOST, "/.well-known/ai-catalog.json", catalog(*map(card_entry, urls)))
    for i, url in enumerate(urls):
        lab.serve(ENDPOINT_HOST, f"/cards/{i}", as_json(card(f"com.acme/s{i}", [url])))
    observation = await collect(lab)
    seen = fetches(observation)
    assert [seen[url].outcome for url in urls] == [FOUND] * MAX_CATALOG_CARDS + [SKIPPED] * 2
    assert observation.cards is not None
    assert len(observation.cards.cards) == MAX_CATALOG_CARDS
    # Cards of the domain's other servers are not this endpoint's.
    assert set(outcomes(observation).values()) == {Outcome.NOT_APPLICABLE}


async def test_a_card_tarpit_costs_half_the_budget_not_the_registry_facts(lab: CardLab) -> None:
    lab.serve(ENDPOINT_HOST, "/mcp/server-card", Document(hang=True))
    slow = replace(SMALL_LIMITS, family_budget_s=1.0, request_timeout_s=10.0)
    observation = await collect(lab, limits=slow)
    assert observation.cards is not None
    assert observation.cards.unavailable_reason == "card discovery outlasted 0.5 s"
    assert observation.context is not None  # the registry was read beside it
    found = outcomes(observation)
    assert set(found.values()) == {Outcome.NOT_AVAILABLE}
