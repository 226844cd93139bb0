"""The registry page: servers (latest versions), their publishers, remotes and verdicts.

Servers come in name order, keyset-paginated like the API's list; each remote's verdict is
the lookup's latest result for its canonical URL (memory first, one indexed query when
cold), so the page costs one query per remote at most.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.lookup.cache import LookupRecord
from trustsvc.registry.models import PublisherRow, ServerVersionRow, SyncRunRow
from trustsvc.registry.queries import latest_page, remotes_of

PAGE = 50
SYNC_RUNS = 10
STATUSES = ("active", "deprecated", "deleted")


@dataclass(frozen=True, slots=True)
class RemoteLine:
    """One declared remote and, when assessed, its standing."""

    url: str
    canonical_url: str | None
    problems: Sequence[str]
    latest: LookupRecord | None


@dataclass(frozen=True, slots=True)
class ServerLine:
    """A server's latest version with its publisher's proof and its remotes."""

    server: ServerVersionRow
    proof: str | None
    remotes: Sequence[RemoteLine]


@dataclass(frozen=True, slots=True)
class RegistryView:
    """A page of servers, the cursor of the next, and the latest sync runs."""

    servers: Sequence[ServerLine]
    next_after: str | None
    runs: Sequence[SyncRunRow]


async def registry_view(
    session: AsyncSession,
    latest: Callable[[str], Awaitable[LookupRecord | None]],
    *,
    after: str | None,
    search: str | None,
    status: str | None,
) -> RegistryView:
    """One page of the registry (`latest`: the lookup service's latest result by URL)."""
    rows = await latest_page(
        session, after_name=after, limit=PAGE + 1, search=search, status=status
    )
    page = rows[:PAGE]
    remotes = await remotes_of(session, [row.id for row in page])
    namespaces = sorted({row.namespace for row in page})
    kinds = dict(
        (
            await session.execute(
                select(PublisherRow.namespace, PublisherRow.kind).where(
                    PublisherRow.namespace.in_(namespaces)
                )
            )
        ).all()
    )
    lines = []
    for row in page:
        found = []
        for remote in remotes[row.id]:
            record = await latest(remote.canonical_url) if remote.canonical_url else None
            found.append(RemoteLine(remote.url, remote.canonical_url, remote.problems, record))
        lines.append(ServerLine(server=row, proof=kinds.get(row.namespace), remotes=found))
    runs = await session.scalars(
        select(SyncRunRow).order_by(SyncRunRow.started_at.desc()).limit(SYNC_RUNS)
    )
    more = len(rows) > PAGE
    return RegistryView(servers=lines, next_after=page[-1].name if more else None, runs=list(runs))
