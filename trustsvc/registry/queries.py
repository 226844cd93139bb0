"""Reading the registry: servers by name, their versions and remotes, publishers, claims."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.registry.models import (
    PublisherRow,
    RemoteRow,
    ServerEventRow,
    ServerVersionRow,
)

EVENTS_SHOWN = 100


@dataclass(frozen=True, slots=True)
class ServerVersions:
    """All versions of one server (newest first) and each version's remotes."""

    versions: Sequence[ServerVersionRow]
    remotes: dict[int, list[RemoteRow]]


@dataclass(frozen=True, slots=True)
class PublisherHistory:
    """A namespace owner and what it published."""

    publisher: PublisherRow
    servers: int
    versions: int
    by_status: dict[str, int]
    events: Sequence[ServerEventRow]
    remote_urls: list[str]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


async def latest_page(
    session: AsyncSession,
    *,
    after_name: str | None,
    limit: int,
    search: str | None = None,
    status: str | None = None,
    namespace: str | None = None,
) -> Sequence[ServerVersionRow]:
    """The latest version of each server in name order, after `after_name` (keyset)."""
    query = select(ServerVersionRow).where(ServerVersionRow.is_latest.is_(True))
    if after_name is not None:
        query = query.where(ServerVersionRow.name > after_name)
    if search:
        pattern = _like(search)
        query = query.where(
            func.lower(ServerVersionRow.name).like(pattern, escape="\\")
            | func.lower(ServerVersionRow.description).like(pattern, escape="\\")
        )
    if status:
        query = query.where(ServerVersionRow.status == status)
    if namespace:
        query = query.where(ServerVersionRow.namespace == namespace)
    rows = await session.scalars(query.order_by(ServerVersionRow.name).limit(limit))
    return list(rows)


async def remotes_of(
    session: AsyncSession, server_ids: Sequence[int]
) -> dict[int, list[RemoteRow]]:
    """Remotes per server version id, in declared order."""
    found: dict[int, list[RemoteRow]] = {server_id: [] for server_id in server_ids}
    if not server_ids:
        return found
    rows = await session.scalars(
        select(RemoteRow)
        .where(RemoteRow.server_id.in_(server_ids))
        .order_by(RemoteRow.server_id, RemoteRow.position)
    )
    for row in rows:
        found[row.server_id].append(row)
    return found


async def server_versions(session: AsyncSession, name: str) -> ServerVersions | None:
    """Every version of `name`, newest published first; None when unknown."""
    rows = list(
        await session.scalars(
            select(ServerVersionRow)
            .where(ServerVersionRow.name == name)
            .order_by(ServerVersionRow.published_at.desc(), ServerVersionRow.id.desc())
        )
    )
    if not rows:
        return None
    return ServerVersions(rows, await remotes_of(session, [row.id for row in rows]))


async def claimants(session: AsyncSession, urls: Sequence[str]) -> dict[str, list[str]]:
    """For each canonical URL, the namespaces whose servers list it (any version)."""
    found: dict[str, list[str]] = {url: [] for url in urls}
    if not urls:
        return found
    rows = await session.execute(
        select(RemoteRow.canonical_url, ServerVersionRow.namespace)
        .join(ServerVersionRow, ServerVersionRow.id == RemoteRow.server_id)
        .where(RemoteRow.canonical_url.in_(urls))
        .distinct()
        .order_by(ServerVersionRow.namespace)
    )
    for url, namespace in rows:
        if url is not None and namespace not in found[url]:
            found[url].append(namespace)
    return found


async def publisher_history(session: AsyncSession, namespace: str) -> PublisherHistory | None:
    """The publisher, counts of what it published, recent events and its remotes."""
    publisher = await session.get(PublisherRow, namespace)
    if publisher is None:
        return None
    in_namespace = ServerVersionRow.namespace == namespace
    servers, versions = (
        await session.execute(
            select(func.count(distinct(ServerVersionRow.name)), func.count()).where(in_namespace)
        )
    ).one()
    by_status = {
        str(status): int(count)
        for status, count in await session.execute(
            select(ServerVersionRow.status, func.count())
            .where(in_namespace, ServerVersionRow.is_latest.is_(True))
            .group_by(ServerVersionRow.status)
        )
    }
    events = await session.scalars(
        select(ServerEventRow)
        .where(ServerEventRow.namespace == namespace)
        .order_by(ServerEventRow.observed_at.desc(), ServerEventRow.id.desc())
        .limit(EVENTS_SHOWN)
    )
    urls = await session.scalars(
        select(RemoteRow.canonical_url)
        .join(ServerVersionRow, ServerVersionRow.id == RemoteRow.server_id)
        .where(in_namespace, RemoteRow.canonical_url.is_not(None))
        .distinct()
        .order_by(RemoteRow.canonical_url)
    )
    return PublisherHistory(
        publisher=publisher,
        servers=int(servers),
        versions=int(versions),
        by_status=by_status,
        events=list(events),
        remote_urls=[url for url in urls if url is not None],
    )


async def is_listed(session: AsyncSession, canonical_url: str) -> bool:
    """Whether any server version in the registry lists this endpoint as a remote."""
    query = select(RemoteRow.id).where(RemoteRow.canonical_url == canonical_url).limit(1)
    return (await session.scalar(query)) is not None
