"""Server Card parsing and probes: hostile documents, the no-card cases, and the evidence."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from probes.hostile_text import decode_json
from probes.model import Finding, Outcome
from probes.publisher.card_collect import reserved_card_url
from probes.publisher.card_probes import CARD_PROBES
from probes.publisher.cards import (
    FAILED,
    SOURCE_CATALOG,
    SOURCE_WELL_KNOWN,
    UNREADABLE,
    CardObservation,
    CardRemote,
    NotACard,
    parse_card,
    parse_catalog,
)
from probes.publisher.family import PUBLISHER_FAMILY
from probes.publisher.observation import PublisherObservation
from probes.runner import judge_observation
from probes.target import parse_endpoint_url
from tests.unit.publisher.card_cases import (
    CARD,
    CARD_URL,
    FETCHED,
    NO_CARD,
    URL,
    carded,
    listing,
    remote,
)

CARD_IDS = [probe.spec.id for probe in CARD_PROBES]


def judged(seen: PublisherObservation) -> dict[str, Finding]:
    return {
        f.probe_id: f for f in judge_observation(PUBLISHER_FAMILY, seen) if f.probe_id in CARD_IDS
    }


def outcomes(seen: PublisherObservation) -> dict[str, Outcome]:
    return {probe_id: f.outcome for probe_id, f in judged(seen).items()}


def test_the_card_probes_are_in_the_family() -> None:
    assert set(CARD_IDS) <= {spec.id for spec in PUBLISHER_FAMILY.specs}
    assert len(CARD_IDS) == 5


def test_no_card_is_not_applicable_and_says_where_it_looked() -> None:
    found = judged(replace(listing(), cards=NO_CARD))
    assert {f.outcome for f in found.values()} == {Outcome.NOT_APPLICABLE}
    assert CARD_URL in str(found["server_card_names_other_remotes"].evidence["tried"])


def test_discovery_off_is_not_available() -> None:
    assert set(outcomes(listing()).values()) == {Outcome.NOT_AVAILABLE}


@pytest.mark.parametrize(
    ("outcome", "problem"),
    [(FAILED, "cannot connect: Connection refused"), (UNREADABLE, "body exceeds the limit")],
)
def test_a_card_we_could_not_read_is_not_available_with_the_reason(
    outcome: str, problem: str
) -> None:
    fetch = replace(FETCHED, outcome=outcome, status=None, problem=problem)
    seen = replace(listing(), cards=CardObservation(endpoint_url=URL, fetches=(fetch,)))
    found = judged(seen)
    assert {f.outcome for f in found.values()} == {Outcome.NOT_AVAILABLE}
    assert problem in found["server_card_names_other_remotes"].message


def test_a_failure_off_the_endpoints_origin_does_not_hide_that_there_is_no_card() -> None:
    apex = replace(
        FETCHED,
        url="https://acme.com/.well-known/ai-catalog.json",
        kind="catalog",
        source=SOURCE_CATALOG,
        outcome=FAILED,
        problem="timeout",
    )
    seen = replace(listing(), cards=replace(NO_CARD, fetches=(*NO_CARD.fetches, apex)))
    assert set(outcomes(seen).values()) == {Outcome.NOT_APPLICABLE}


def test_other_remotes_evidence_names_the_card_and_the_hosts() -> None:
    lying = replace(CARD, remotes=(remote("https://mcp.evil.io/mcp"),))
    finding = judged(carded(lying))["server_card_names_other_remotes"]
    assert finding.outcome is Outcome.TRUE
    assert finding.evidence["cards"] == CARD_URL
    assert finding.evidence["other_remotes"] == "https://mcp.evil.io/mcp"
    assert finding.remediation


@pytest.mark.parametrize(
    "remotes",
    [
        (remote(URL), remote("https://mcp.acme.com/sse")),  # another transport, same host
        (remote("https://{tenant}.acme.com/mcp"),),  # templated: nothing to compare
        (),
    ],
)
def test_remotes_on_this_host_or_templated_are_not_elsewhere(
    remotes: tuple[CardRemote, ...],
) -> None:
    card = replace(CARD, remotes=remotes)
    assert outcomes(carded(card))["server_card_names_other_remotes"] is Outcome.FALSE


def test_a_remote_the_registry_lists_for_the_same_server_is_not_elsewhere() -> None:
    eu = "https://eu.acme.com/mcp"
    card = replace(CARD, remotes=(remote(URL), remote(eu)))
    base = listing(remotes=(URL, eu))
    assert outcomes(carded(card, base=base))["server_card_names_other_remotes"] is Outcome.FALSE
    assert outcomes(carded(card))["server_card_names_other_remotes"] is Outcome.TRUE


def test_a_catalog_card_of_another_server_is_not_this_endpoints() -> None:
    other = replace(
        CARD,
        source=SOURCE_CATALOG,
        name="com.acme/billing",
        remotes=(remote("https://billing.other.io/mcp"),),
    )
    mine = replace(other, remotes=(remote(URL), remote("https://mcp.evil.io/mcp")))
    assert set(outcomes(carded(other)).values()) == {Outcome.NOT_APPLICABLE}
    assert outcomes(carded(mine))["server_card_names_other_remotes"] is Outcome.TRUE


def test_the_name_mismatch_carries_both_names() -> None:
    finding = judged(carded(replace(CARD, name="com.globex/tools")))
    name = finding["server_card_name_differs_from_registry"]
    assert (name.evidence["differing"], name.evidence["registry_names"]) == (
        "com.globex/tools",
        "com.acme/tools",
    )
    outside = finding["server_card_served_outside_namespace_domain"]
    assert outside.outcome is Outcome.TRUE
    assert outside.evidence["outside"] == "com.globex/tools from mcp.acme.com"


def test_an_unlisted_endpoint_has_no_registry_name_to_compare() -> None:
    unlisted = replace(listing(), context=None)
    found = outcomes(carded(base=unlisted))
    assert found["server_card_name_differs_from_registry"] is Outcome.NOT_AVAILABLE
    assert found["server_card_repository_differs_from_registry"] is Outcome.NOT_AVAILABLE
    assert found["server_card_names_other_remotes"] is Outcome.FALSE
    assert found["server_card_served_outside_namespace_domain"] is Outcome.FALSE


@pytest.mark.parametrize(
    ("name", "host", "expected"),
    [
        ("io.github.acme/tools", "mcp.acme.com", Outcome.NOT_APPLICABLE),
        ("com.acme/tools", "127.0.0.1", Outcome.TRUE),
        ("com.acme.api/tools", "mcp.acme.com", Outcome.FALSE),  # the same registrable domain
        ("com.acme/tools", "cards.acme.co.uk", Outcome.TRUE),
    ],
)
def test_namespace_domains_of_cards(name: str, host: str, expected: Outcome) -> None:
    card = replace(CARD, name=name, host=host)
    assert outcomes(carded(card))["server_card_served_outside_namespace_domain"] is expected


def test_a_repository_id_of_another_repository_differs() -> None:
    card = replace(CARD, repository_url=None, repository_id="99999")
    finding = judged(carded(card))["server_card_repository_differs_from_registry"]
    assert (finding.outcome, finding.evidence["differing"]) == (Outcome.TRUE, "id 99999")


def live(seen: PublisherObservation, **changes: str | None) -> PublisherObservation:
    """`seen` with its cards' live serverInfo changed."""
    assert seen.cards is not None
    return replace(seen, cards=replace(seen.cards, **changes))  # type: ignore[arg-type]


def test_serverinfo_names_of_another_form_are_not_compared() -> None:
    other_form = live(carded(replace(CARD, version=None)), server_name="acme-tools-server")
    found = outcomes(other_form)
    assert found["server_card_contradicts_server_info"] is Outcome.NOT_AVAILABLE
    early = replace(CARD, name="acme-tools", version=None)  # earlier-draft serverInfo shape
    finding = judged(live(carded(early), server_name="acme-tools-server"))
    contradiction = finding["server_card_contradicts_server_info"]
    assert contradiction.outcome is Outcome.TRUE
    assert "name acme-tools (live acme-tools-server)" in contradiction.message


def test_no_serverinfo_is_not_available_with_the_reason() -> None:
    quiet = live(
        carded(), server_name=None, server_version=None, server_info_problem="no serverInfo: 401"
    )
    finding = judged(quiet)["server_card_contradicts_server_info"]
    assert finding.outcome is Outcome.NOT_AVAILABLE
    assert "401" in finding.message


# Parsing: what a server sends is hostile.


def card_of(document: object) -> object:
    return parse_card(document, source=SOURCE_WELL_KNOWN, served_from=CARD_URL, host="h")


def test_a_card_is_normalised() -> None:
    card = parse_card(
        {
            "$schema": "https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json",
            "name": "com.acme/tools",
            "version": "1.0.0",
            "remotes": [
                {"type": "streamable-http", "url": "HTTPS://MCP.Acme.com:443/mcp"},
                {"type": "sse", "url": "https://{region}.acme.com/sse"},
                {"type": "sse"},
                "junk",
            ],
            "repository": {"url": "https://GitHub.com/acme/tools.git/", "id": 12345},
        },
        source=SOURCE_WELL_KNOWN,
        served_from=CARD_URL,
        host="mcp.acme.com",
    )
    assert card.namespace == "com.acme"
    assert [(r.canonical, r.host) for r in card.remotes] == [
        ("https://mcp.acme.com/mcp", "mcp.acme.com"),
        (None, None),
    ]
    assert (card.repository_url, card.repository_id) == ("https://github.com/acme/tools", "12345")
    assert card.problems == ("a remote without a url", "a remote without a url")


def test_hostile_strings_are_made_visible_and_bounded() -> None:
    raw = json.dumps({"name": "com.acme/\udc80tools\u0000", "title": "x" * 10_000}).encode()
    card = parse_card(decode_json(raw), source=SOURCE_WELL_KNOWN, served_from=CARD_URL, host="h")
    assert card.name is not None
    assert "\udc80" not in card.name
    assert "\x00" not in card.name
    assert card.title is not None
    assert len(card.title) <= 300


@pytest.mark.parametrize(
    "document",
    [[], "a card", 42, None, {"mcpServers": {}}, {"description": "no identity"}],
)
def test_documents_that_are_not_cards(document: object) -> None:
    with pytest.raises(NotACard):
        card_of(document)


def test_an_earlier_draft_card_reads_its_serverinfo() -> None:
    card = parse_card(
        {"version": "1.0", "serverInfo": {"name": "acme", "version": "2.1.0"}},
        source=SOURCE_WELL_KNOWN,
        served_from=CARD_URL,
        host="h",
    )
    assert (card.name, card.version, card.namespace) == ("acme", "2.1.0", None)
    assert "earlier draft shape (serverInfo)" in card.problems


def test_remotes_that_are_not_a_list_are_a_problem() -> None:
    card = parse_card(
        {"name": "com.acme/x", "remotes": {"url": URL}},
        source=SOURCE_WELL_KNOWN,
        served_from=CARD_URL,
        host="h",
    )
    assert (card.remotes, card.problems) == ((), ("remotes is not an array",))


def test_catalogs_list_cards_by_type_or_media_type() -> None:
    entries = parse_catalog(
        {
            "specVersion": "1.0",
            "entries": [
                {
                    "identifier": "urn:air:acme.com:mcp:tools",
                    "type": "application/mcp-server-card+json",
                    "url": CARD_URL,
                },
                {
                    "identifier": "old",
                    "mediaType": "application/mcp-server-card+json",
                    "data": {"name": "com.acme/x"},
                },
                {
                    "identifier": "nested",
                    "type": "application/ai-catalog+json",
                    "url": "https://acme.com/c.json",
                },
                {
                    "identifier": "agent",
                    "type": "application/a2a-agent-card+json",
                    "url": "https://a",
                },
                "junk",
            ],
        },
        catalog="https://acme.com/.well-known/ai-catalog.json",
    )
    assert [(e.identifier, e.url, e.data) for e in entries] == [
        ("urn:air:acme.com:mcp:tools", CARD_URL, None),
        ("old", None, {"name": "com.acme/x"}),
    ]


@pytest.mark.parametrize("document", [[], {"entries": {}}, {"servers": []}])
def test_documents_that_are_not_catalogs(document: object) -> None:
    with pytest.raises(NotACard):
        parse_catalog(document, catalog=CARD_URL)


@pytest.mark.parametrize(
    ("endpoint", "reserved"),
    [
        ("https://mcp.acme.com/mcp", "https://mcp.acme.com/mcp/server-card"),
        ("https://mcp.acme.com/mcp/", "https://mcp.acme.com/mcp/server-card"),
        ("https://mcp.acme.com/", "https://mcp.acme.com/server-card"),
        ("http://127.0.0.1:8080/mcp?tenant=a", "http://127.0.0.1:8080/mcp/server-card?tenant=a"),
    ],
)
def test_the_reserved_card_location(endpoint: str, reserved: str) -> None:
    assert reserved_card_url(parse_endpoint_url(endpoint)) == reserved
