"""The registry: servers and their versions, publishers, hand registration, sync runs."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.params import JSONBody, QueryParameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trustsvc.api.controllers.endpoints import (
    Cursor,
    Limit,
    decode_cursor,
    encode_cursor,
    summary_of,
)
from trustsvc.api.errors import PROBLEM_RESPONSE, ProblemError, not_found
from trustsvc.api.params import NO_NUL, PathKey
from trustsvc.api.registry_schemas import (
    PublisherDoc,
    PublisherEventDoc,
    RemoteDoc,
    ServerDoc,
    ServerPage,
    ServerSummary,
    SyncRunDoc,
    SyncRunPage,
    VersionDoc,
)
from trustsvc.api.state import services
from trustsvc.auth.principal import Scope
from trustsvc.registry.hygiene import HYGIENE_FLAGS, raised_flags
from trustsvc.registry.models import RemoteRow, ServerVersionRow, SyncRunRow
from trustsvc.registry.queries import (
    claimants,
    latest_page,
    publisher_history,
    remotes_of,
    server_versions,
)
from trustsvc.registry.records import Rejection
from trustsvc.registry.sync import SyncReport, recent_runs
from trustsvc.registry.upsert import RegistryWriter
from trustsvc.registry.validate import validate_entry
from trustsvc.services import AppServices

Status = Annotated[
    str | None,
    QueryParameter(pattern="^(active|deprecated|deleted)$", description="Upstream status."),
]
Verdict = Annotated[
    str | None,
    QueryParameter(
        pattern="^(allow|warn|block)$",
        description="Keep servers with a remote whose latest verdict is this.",
    ),
]
Search = Annotated[
    str | None,
    QueryParameter(max_length=200, pattern=NO_NUL, description="Name or description."),
]
Namespace = Annotated[
    str | None, QueryParameter(max_length=200, pattern=NO_NUL, description="Exact namespace.")
]
Flag = Annotated[
    str | None,
    QueryParameter(
        pattern=f"^({'|'.join(HYGIENE_FLAGS)})$",
        description=(
            "Keep servers with a remote whose latest assessment raised this registry hygiene "
            "flag: " + ", ".join(f"`{name}` ({probe})" for name, probe in HYGIENE_FLAGS.items())
        ),
    ),
]
MAX_FILTER_BATCHES = 20  # a verdict or flag filter reads at most this many batches per page
Flags = dict[str, list[str]]


class ServersController(Controller):
    """Servers imported from the upstream registry or registered by hand."""

    path = "/v1/servers"
    tags = ["registry"]  # noqa: RUF012 - Litestar reads a plain class attribute
    opt = {"scope": Scope.READ}  # noqa: RUF012 - Litestar reads a plain class attribute

    @get(
        "/",
        operation_id="ListServers",
        summary="Servers (latest versions), in name order",
        responses={400: PROBLEM_RESPONSE},
    )
    async def list_servers(  # noqa: PLR0917 - one parameter per documented filter
        self,
        state: State,
        limit: Limit = 50,
        cursor: Cursor = None,
        search: Search = None,
        status: Status = None,
        namespace: Namespace = None,
        verdict: Verdict = None,
        flag: Flag = None,
    ) -> ServerPage:
        """Keyset-paginated by name; verdict and flag filters read remotes' latest assessments."""
        app = services(state)
        after = decode_cursor(cursor)
        items: list[ServerSummary] = []
        exhausted = False
        async with app.sessions() as session:
            for _ in range(MAX_FILTER_BATCHES):
                rows = await latest_page(
                    session,
                    after_name=after,
                    limit=limit + 1,
                    search=search,
                    status=status,
                    namespace=namespace,
                )
                batch = rows[:limit]
                remotes = await remotes_of(session, [row.id for row in batch])
                claims = await claimants(session, _urls(remotes))
                flags = await _flags(app, session, _urls(remotes))
                for row in batch:
                    after = row.name
                    summary = await _summary(app, row, remotes[row.id], claims, flags)
                    if _kept(summary, verdict, flag):
                        items.append(summary)
                    if len(items) == limit:
                        break
                exhausted = len(rows) <= limit and (not batch or after == batch[-1].name)
                if len(items) == limit or exhausted:
                    break
        more = not exhausted and after is not None
        return ServerPage(items=items, next_cursor=encode_cursor(after) if more and after else None)

    @get(
        "/{name:path}",
        operation_id="GetServer",
        summary="A server with every version and each remote's latest assessment",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
    )
    async def get_server(self, state: State, name: PathKey) -> ServerDoc:
        """`name` is the upstream name, slash included (`io.github.alice/weather`)."""
        return await _server_doc(services(state), name.lstrip("/"))

    @post(
        "/",
        operation_id="RegisterServer",
        opt={"scope": Scope.SCAN},
        summary="Register a server by hand (validated like the sync)",
        responses={400: PROBLEM_RESPONSE, 422: PROBLEM_RESPONSE},
    )
    async def register(self, state: State, data: JSONBody[dict[str, Any]]) -> ServerDoc:
        """Body: a `server.json` document, or an upstream entry `{"server": {...}}`."""
        app = services(state)
        entry = data if isinstance(data.get("server"), dict) else {"server": data}
        record = validate_entry(entry)
        if isinstance(record, Rejection):
            raise ProblemError(422, "invalid-server", "Invalid server", "; ".join(record.reasons))
        now = app.scans.clock()
        record = dataclasses.replace(record, is_latest=True, published_at=now, updated_at=now)
        async with app.sessions.begin() as session:
            await RegistryWriter(session).store([record], now=now, source="manual")
        return await _server_doc(app, record.name)


class PublishersController(Controller):
    """Namespace owners and their track record."""

    path = "/v1/publishers"
    tags = ["registry"]  # noqa: RUF012 - Litestar reads a plain class attribute
    opt = {"scope": Scope.READ}  # noqa: RUF012 - Litestar reads a plain class attribute

    @get(
        "/{namespace:str}",
        operation_id="GetPublisher",
        summary="A publisher's servers, status history and blocked endpoints",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
    )
    async def get_publisher(self, state: State, namespace: PathKey) -> PublisherDoc:
        """History comes from the sync's events; incidents from the endpoints' assessments."""
        app = services(state)
        async with app.sessions() as session:
            history = await publisher_history(session, namespace)
        if history is None:
            raise not_found(f"publisher {namespace}")
        blocked = [
            url
            for url in history.remote_urls
            if (latest := await app.lookup.latest(url)) is not None and latest.verdict == "block"
        ]
        publisher = history.publisher
        return PublisherDoc(
            namespace=publisher.namespace,
            kind=publisher.kind,
            first_seen_at=publisher.first_seen_at,
            last_seen_at=publisher.last_seen_at,
            servers=history.servers,
            versions=history.versions,
            latest_by_status=history.by_status,
            blocked_endpoints=blocked,
            events=[
                PublisherEventDoc(
                    name=e.name,
                    version=e.version,
                    kind=e.kind,
                    before=e.before,
                    after=e.after,
                    observed_at=e.observed_at,
                )
                for e in history.events
            ],
        )


class SyncRunsController(Controller):
    """The registry sync job's runs."""

    path = "/v1/sync/runs"
    tags = ["registry"]  # noqa: RUF012 - Litestar reads a plain class attribute
    opt = {"scope": Scope.READ}  # noqa: RUF012 - Litestar reads a plain class attribute

    @get(
        "/",
        operation_id="ListSyncRuns",
        summary="The latest sync runs, newest first",
        responses={400: PROBLEM_RESPONSE},
    )
    async def list_runs(self, state: State, limit: Limit = 20) -> SyncRunPage:
        """Started, finished, pages, rows, rejected rows and the error of each run."""
        async with services(state).sessions() as session:
            runs = await recent_runs(session, limit=limit)
        return SyncRunPage(items=[_run_doc(run) for run in runs])

    @get(
        "/{run_id:str}",
        operation_id="GetSyncRun",
        summary="One sync run",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
    )
    async def get_run(self, state: State, run_id: PathKey) -> SyncRunDoc:
        """Including the first rejected rows and their reasons."""
        async with services(state).sessions() as session:
            row = await session.scalar(select(SyncRunRow).where(SyncRunRow.id == run_id))
        if row is None:
            raise not_found(f"sync run {run_id}")
        return _run_doc(SyncReport.of(row))


async def _server_doc(app: AppServices, name: str) -> ServerDoc:
    async with app.sessions() as session:
        found = await server_versions(session, name)
        if found is None:
            raise not_found(f"server {name}")
        claims = await claimants(session, _urls(found.remotes))
        flags = await _flags(app, session, _urls(found.remotes))
    versions = [
        await _version(app, row, found.remotes[row.id], claims, flags) for row in found.versions
    ]
    return ServerDoc(name=name, namespace=found.versions[0].namespace, versions=versions)


def _run_doc(run: SyncReport) -> SyncRunDoc:
    return SyncRunDoc(**dataclasses.asdict(run))


def _urls(remotes: dict[int, list[RemoteRow]]) -> list[str]:
    return sorted({r.canonical_url for rows in remotes.values() for r in rows if r.canonical_url})


def _kept(summary: ServerSummary, verdict: str | None, flag: str | None) -> bool:
    """Whether a server passes the verdict and flag filters (through any one remote each)."""
    by_verdict = verdict is None or any(
        r.latest is not None and r.latest.verdict == verdict for r in summary.remotes
    )
    return by_verdict and (flag is None or any(flag in r.flags for r in summary.remotes))


async def _flags(app: AppServices, session: AsyncSession, urls: list[str]) -> Flags:
    """Per canonical URL, the hygiene flags raised by its latest assessment."""
    scans: dict[str, str] = {}
    for url in urls:
        latest = await app.lookup.latest(url)
        if latest is not None:
            scans[latest.scan_id] = url
    raised = await raised_flags(session, list(scans))
    return {scans[scan_id]: flags for scan_id, flags in raised.items()}


async def _remote(
    app: AppServices, row: RemoteRow, claims: dict[str, list[str]], flags: Flags
) -> RemoteDoc:
    latest = None
    if row.canonical_url is not None:
        latest = summary_of(await app.lookup.latest(row.canonical_url))
    return RemoteDoc(
        type=row.type,
        url=row.url,
        canonical_url=row.canonical_url,
        templated=row.templated,
        problems=list(row.problems),
        claimed_by=claims.get(row.canonical_url or "", []),
        flags=flags.get(row.canonical_url or "", []),
        latest=latest,
    )


async def _summary(
    app: AppServices,
    row: ServerVersionRow,
    remotes: Sequence[RemoteRow],
    claims: dict[str, list[str]],
    flags: Flags,
) -> ServerSummary:
    return ServerSummary(
        name=row.name,
        namespace=row.namespace,
        version=row.version,
        status=row.status,
        description=row.description,
        remotes=[await _remote(app, remote, claims, flags) for remote in remotes],
    )


async def _version(
    app: AppServices,
    row: ServerVersionRow,
    remotes: Sequence[RemoteRow],
    claims: dict[str, list[str]],
    flags: Flags,
) -> VersionDoc:
    return VersionDoc(
        version=row.version,
        status=row.status,
        status_message=row.status_message,
        is_latest=row.is_latest,
        published_at=row.published_at,
        upstream_updated_at=row.upstream_updated_at,
        first_seen_at=row.first_seen_at,
        source=row.source,
        description=row.description,
        title=row.title,
        website_url=row.website_url,
        repository=row.repository,
        packages=list(row.packages),
        publisher_meta=row.publisher_meta,
        remotes=[await _remote(app, remote, claims, flags) for remote in remotes],
    )
