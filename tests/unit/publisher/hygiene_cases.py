"""Both outcomes of the registry hygiene probes, self-contained (polarity_cases adds them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from probes.model import Outcome
from probes.publisher.context import PublisherFact, RegistryContext, VersionFact
from probes.publisher.hygiene import (
    CatalogueTwin,
    DomainFarm,
    HygieneFacts,
    RemoteAnswer,
    ToolSetFact,
)
from probes.publisher.observation import PublisherObservation

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
T, F = Outcome.TRUE, Outcome.FALSE
MCP = RemoteAnswer(speaks_mcp=True, status=200, content_type="application/json")
HTML_PAGE = RemoteAnswer(speaks_mcp=False, status=200, content_type="text/html")
DIGEST = "ab" * 32
FARM = DomainFarm(
    domain="clauxel.com",
    servers=75,
    threshold=20,
    remotes=75,
    speaking=13,
    not_speaking=62,
    sample_limit=200,
)
SMALL = replace(FARM, servers=4, remotes=0, speaking=0, not_speaking=0)


def listing(
    namespace: str = "com.clauxel",
    name: str = "com.clauxel/tools",
    repository_url: str | None = None,
) -> VersionFact:
    return VersionFact(
        name=name,
        namespace=namespace,
        version="1.0.0",
        status="active",
        published_at=NOW - dt.timedelta(days=100),
        repository_id=None,
        lists_endpoint=True,
        is_latest=True,
        repository_url=repository_url,
    )


def seen(
    *versions: VersionFact,
    hygiene: HygieneFacts | None = None,
    answer: RemoteAnswer | None = MCP,
    host: str = "mcp.clauxel.com",
) -> PublisherObservation:
    """A listing of `https://<host>/mcp` with these facts; the defaults are clean."""
    versions = versions or (listing(),)
    publishers = tuple(
        PublisherFact(
            namespace=ns,
            kind="github" if ns.startswith("io.github.") else "domain",
            first_seen_at=NOW - dt.timedelta(days=300),
        )
        for ns in sorted({v.namespace for v in versions})
    )
    context = RegistryContext(
        url=f"https://{host}/mcp",
        versions=versions,
        publishers=publishers,
        hygiene=hygiene if hygiene is not None else HygieneFacts(farms=(SMALL,)),
    )
    return PublisherObservation(
        observed_at=NOW,
        url=context.url,
        host=host,
        registrable_domain=".".join(host.split(".")[-2:]),
        context=context,
        remote_answer=answer,
    )


def tool_set(*twins: CatalogueTwin) -> HygieneFacts:
    return HygieneFacts(
        tool_set=ToolSetFact(digest=DIGEST, definitions=3, taken_at=NOW, twins=twins)
    )


COPY_ELSEWHERE = CatalogueTwin(
    url="https://mcp.copycat.io/mcp", host="mcp.copycat.io", servers=("io.github.copycat/tools",)
)
SAME_SERVER_OTHER_PATH = CatalogueTwin(
    url="https://mcp.clauxel.com/sse", host="mcp.clauxel.com", servers=("com.clauxel/tools",)
)
ALICE = "io.github.alice"

HYGIENE_CASES: list[tuple[str, PublisherObservation, Outcome]] = [
    ("publisher_namespace_farm", seen(hygiene=HygieneFacts(farms=(FARM,))), T),
    ("publisher_namespace_farm", seen(), F),
    (
        "publisher_namespace_farm",
        seen(hygiene=HygieneFacts(farms=(replace(FARM, speaking=60, not_speaking=2),))),
        F,
    ),
    ("publisher_duplicate_catalogue", seen(hygiene=tool_set(COPY_ELSEWHERE)), T),
    ("publisher_duplicate_catalogue", seen(hygiene=tool_set(SAME_SERVER_OTHER_PATH)), F),
    ("publisher_duplicate_catalogue", seen(hygiene=tool_set()), F),
    ("publisher_remote_serves_html", seen(answer=HTML_PAGE), T),
    ("publisher_remote_serves_html", seen(), F),
    (
        "publisher_remote_serves_html",
        seen(answer=replace(HTML_PAGE, content_type="application/json")),
        F,
    ),
    (
        "publisher_github_repository_owner_changed",
        seen(listing(ALICE, f"{ALICE}/tools", "https://github.com/Mallory/tools")),
        T,
    ),
    (
        "publisher_github_repository_owner_changed",
        seen(
            replace(
                listing(ALICE, f"{ALICE}/tools", "https://github.com/alice/tools"),
                version="0.9.0",
                is_latest=False,
                published_at=NOW - dt.timedelta(days=200),
            ),
            listing(ALICE, f"{ALICE}/tools", "https://github.com/alice-new/tools.git"),
        ),
        T,
    ),
    (
        "publisher_github_repository_owner_changed",
        seen(listing(ALICE, f"{ALICE}/tools", "https://github.com/Alice/tools/")),
        F,
    ),
]
