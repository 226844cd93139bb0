"""Both outcomes for every Server Card probe, over the healthy listing of polarity_cases.

The healthy case: `com.acme/tools` is listed by the registry at https://mcp.acme.com/mcp with
repository github.com/acme/tools (id 12345), and its card at <endpoint>/server-card says the
same, and serverInfo agrees. Each bad case changes one claim.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from probes.model import Outcome
from probes.publisher.cards import (
    ABSENT,
    FOUND,
    SOURCE_ENDPOINT,
    CardFetch,
    CardObservation,
    CardRemote,
    ServerCard,
)
from probes.publisher.context import PublisherFact, RegistryContext, VersionFact
from probes.publisher.observation import PublisherObservation

URL = "https://mcp.acme.com/mcp"
CARD_URL = f"{URL}/server-card"
REPOSITORY = "https://github.com/acme/tools"
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
T, F = Outcome.TRUE, Outcome.FALSE


def remote(url: str, host: str | None = None) -> CardRemote:
    templated = "{" in url
    return CardRemote(
        type="streamable-http",
        url=url,
        canonical=None if templated else url,
        host=None if templated else host or url.split("/")[2],
    )


CARD = ServerCard(
    source=SOURCE_ENDPOINT,
    served_from=CARD_URL,
    host="mcp.acme.com",
    name="com.acme/tools",
    version="1.0.0",
    title="Acme tools",
    remotes=(remote(URL),),
    repository_url=REPOSITORY,
    repository_id="12345",
)
FETCHED = CardFetch(url=CARD_URL, kind="card", source=SOURCE_ENDPOINT, outcome=FOUND, status=200)


def listing(**changes: object) -> PublisherObservation:
    """The endpoint listed by `com.acme/tools` (a proven domain publisher); changes its version."""
    version = VersionFact(
        name="com.acme/tools",
        namespace="com.acme",
        version="1.0.0",
        status="active",
        published_at=NOW - dt.timedelta(days=400),
        repository_id="12345",
        lists_endpoint=True,
        is_latest=True,
        remotes=(URL,),
        repository_url=f"{REPOSITORY}.git",
    )
    acme = PublisherFact(
        namespace="com.acme", kind="domain", first_seen_at=NOW - dt.timedelta(days=300)
    )
    context = RegistryContext(
        url=URL,
        versions=(replace(version, **changes),),  # type: ignore[arg-type]
        publishers=(acme,),
    )
    return PublisherObservation(
        observed_at=NOW,
        url=URL,
        host="mcp.acme.com",
        registrable_domain="acme.com",
        context=context,
    )


def carded(*cards: ServerCard, base: PublisherObservation | None = None) -> PublisherObservation:
    """`base` (the healthy listing by default) with these cards and an agreeing serverInfo."""
    seen = CardObservation(
        endpoint_url=URL,
        fetches=(FETCHED,),
        cards=cards or (CARD,),
        server_name="com.acme/tools",
        server_version="1.0.0",
    )
    return replace(base or listing(), cards=seen)


NO_CARD = CardObservation(
    endpoint_url=URL,
    fetches=(replace(FETCHED, outcome=ABSENT, status=404),),
)

CARD_CASES: list[tuple[str, PublisherObservation, Outcome]] = [
    (
        "server_card_names_other_remotes",
        carded(replace(CARD, remotes=(remote(URL), remote("https://mcp.evil.io/mcp")))),
        T,
    ),
    ("server_card_names_other_remotes", carded(), F),
    ("server_card_name_differs_from_registry", carded(replace(CARD, name="com.acme/other")), T),
    ("server_card_name_differs_from_registry", carded(), F),
    (
        "server_card_served_outside_namespace_domain",
        carded(replace(CARD, name="com.stripe/payments")),
        T,
    ),
    ("server_card_served_outside_namespace_domain", carded(), F),
    (
        "server_card_repository_differs_from_registry",
        carded(replace(CARD, repository_url="https://github.com/mallory/tools")),
        T,
    ),
    ("server_card_repository_differs_from_registry", carded(), F),
    ("server_card_contradicts_server_info", carded(replace(CARD, version="0.9.0")), T),
    ("server_card_contradicts_server_info", carded(), F),
]
