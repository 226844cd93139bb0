"""The publisher family's view of the registry: what the database says about one URL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.publisher.context import PublisherFact, RegistryContext, RegistryLookup, VersionFact
from probes.publisher.hygiene import DEFAULT_FARM_SERVERS
from trustsvc.advisories.osv import normalise_ecosystem
from trustsvc.registry.hygiene import hygiene_facts
from trustsvc.registry.models import PublisherRow, RemoteRow, ServerVersionRow

MAX_OTHER_ENDPOINTS = 200  # a publisher's other endpoints checked for `block` verdicts
Verdicts = Callable[[str], Awaitable[str | None]]


def registry_lookup(
    sessions: async_sessionmaker[AsyncSession],
    verdict_of: Verdicts,
    *,
    farm_threshold: int = DEFAULT_FARM_SERVERS,
) -> RegistryLookup:
    """A RegistryLookup over this database; `verdict_of` gives an endpoint's latest verdict.

    `farm_threshold`: a proof domain granting more servers than this is a farm candidate.
    """

    async def lookup(url: str) -> RegistryContext | None:
        async with sessions() as session:
            facts = await _facts(session, url)
            if facts is None:
                return None
            versions, publishers, others = facts
            claimants = {v.namespace for v in versions if v.lists_endpoint}
            hygiene = await hygiene_facts(session, url, claimants, farm_threshold=farm_threshold)
        blocked = tuple([u for u in others if await verdict_of(u) == "block"])
        return RegistryContext(
            url=url,
            versions=versions,
            publishers=publishers,
            blocked_elsewhere=blocked,
            hygiene=hygiene,
        )

    return lookup


async def _facts(
    session: AsyncSession, url: str
) -> tuple[tuple[VersionFact, ...], tuple[PublisherFact, ...], list[str]] | None:
    listed = await session.execute(
        select(ServerVersionRow.id, ServerVersionRow.name)
        .join(RemoteRow, RemoteRow.server_id == ServerVersionRow.id)
        .where(RemoteRow.canonical_url == url)
    )
    listing_ids: set[int] = set()
    names: set[str] = set()
    for server_id, name in listed:
        listing_ids.add(server_id)
        names.add(name)
    if not names:
        return None
    rows = list(
        await session.scalars(
            select(ServerVersionRow)
            .where(ServerVersionRow.name.in_(sorted(names)))
            .order_by(ServerVersionRow.name, ServerVersionRow.published_at)
        )
    )
    remotes = await _remotes(session, [row.id for row in rows])
    versions = tuple(
        VersionFact(
            name=row.name,
            namespace=row.namespace,
            version=row.version,
            status=row.status,
            published_at=row.published_at,
            repository_id=_repository_id(row.repository),
            lists_endpoint=row.id in listing_ids,
            is_latest=row.is_latest,
            packages=_packages(row.packages),
            remotes=remotes.get(row.id, ()),
            repository_url=_repository_url(row.repository),
        )
        for row in rows
    )
    namespaces = sorted({row.namespace for row in rows})
    earliest = await session.execute(
        select(ServerVersionRow.namespace, func.min(ServerVersionRow.published_at))
        .where(ServerVersionRow.namespace.in_(namespaces))
        .group_by(ServerVersionRow.namespace)
    )
    first_published: dict[str, datetime | None] = dict(earliest.all())
    publishers = tuple(
        PublisherFact(
            namespace=row.namespace,
            kind=row.kind,
            first_seen_at=row.first_seen_at,
            first_published_at=first_published.get(row.namespace),
        )
        for row in await session.scalars(
            select(PublisherRow).where(PublisherRow.namespace.in_(namespaces))
        )
    )
    others = list(
        await session.scalars(
            select(RemoteRow.canonical_url)
            .join(ServerVersionRow, ServerVersionRow.id == RemoteRow.server_id)
            .where(
                ServerVersionRow.namespace.in_(namespaces),
                RemoteRow.canonical_url.is_not(None),
                RemoteRow.canonical_url != url,
            )
            .distinct()
            .order_by(RemoteRow.canonical_url)
            .limit(MAX_OTHER_ENDPOINTS)
        )
    )
    return versions, publishers, [u for u in others if u is not None]


def _packages(packages: list[dict[str, object]]) -> tuple[tuple[str, str, str | None], ...]:
    """The npm and PyPI packages a server entry names (other registries have no advisories)."""
    found = []
    for package in packages:
        ecosystem = normalise_ecosystem(str(package.get("registryType", "")))
        identifier = package.get("identifier")
        version = package.get("version")
        if ecosystem and isinstance(identifier, str) and identifier:
            found.append((ecosystem, identifier, version if isinstance(version, str) else None))
    return tuple(found)


async def _remotes(session: AsyncSession, ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The canonical remote URLs of each server version, in declaration order."""
    found: dict[int, list[str]] = {}
    for server_id, url in await session.execute(
        select(RemoteRow.server_id, RemoteRow.canonical_url)
        .where(RemoteRow.server_id.in_(ids), RemoteRow.canonical_url.is_not(None))
        .order_by(RemoteRow.server_id, RemoteRow.position)
    ):
        if url is not None:
            found.setdefault(server_id, []).append(url)
    return {server_id: tuple(urls) for server_id, urls in found.items()}


def _repository_url(repository: dict[str, object] | None) -> str | None:
    value = (repository or {}).get("url")
    return value if isinstance(value, str) and value else None


def _repository_id(repository: dict[str, object] | None) -> str | None:
    if not repository:
        return None
    value = repository.get("id")
    return str(value) if value not in (None, "") else None
