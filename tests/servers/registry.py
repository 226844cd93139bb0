"""A fake upstream MCP registry on 127.0.0.1 speaking `GET /v0.1/servers` (scoring.md §4.3, §4.4).

It reproduces what the sync job depends on: rows ordered by (name, version), `nextCursor` =
`"<name>:<version>"` of the last row only when the page is full (so a walk ends with an empty
page when the count divides evenly, as upstream does), `updated_since` strict on `updatedAt`,
deleted rows hidden unless `include_deleted` or `updated_since`, 400 for `include_deleted=false`
with `updated_since`, and an old version's `isLatest` flipped without touching its `updatedAt`.
Entries live in `entries` (the exact wire shape `make_entry` builds); the helpers mutate them
the way upstream would, and the `fail_*`/`throttle_once`/`malformed_once` switches inject
failures. Time comes from `clock`, real time until a test sets or advances it.
"""

from __future__ import annotations

import asyncio
import bisect
import copy
import datetime as dt
import email.utils
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

from aiohttp import web
from aiohttp.typedefs import Handler

HOST = "127.0.0.1"
OFFICIAL = "io.modelcontextprotocol.registry/official"
SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
DEFAULT_LIMIT = 30
MAX_LIMIT = 100
MALFORMED = {
    "not-json": b"<html>upstream maintenance</html>",
    "not-object": b"[]",
    "no-servers": b'{"metadata": {"count": 0}}',
    "servers-not-list": b'{"servers": {"a": 1}, "metadata": {}}',
    "bad-cursor": b'{"servers": [], "metadata": {"nextCursor": 42}}',
}
Entry = dict[str, Any]


@dataclass(kw_only=True)
class Clock:
    """Real UTC time until `set` or `advance` freezes it."""

    fixed: dt.datetime | None = None

    def now(self) -> dt.datetime:
        """The current time (tz-aware, UTC)."""
        return self.fixed if self.fixed is not None else dt.datetime.now(dt.UTC)

    def set(self, when: dt.datetime) -> None:
        """Freeze the clock at `when`."""
        self.fixed = when

    def advance(self, seconds: float) -> dt.datetime:
        """Freeze the clock `seconds` after now and return the new time."""
        self.fixed = self.now() + dt.timedelta(seconds=seconds)
        return self.fixed


def rfc3339(when: dt.datetime) -> str:
    """Go's RFC3339Nano shape: UTC, `Z`, trailing zeros of the fraction trimmed."""
    utc = when.astimezone(dt.UTC)
    fraction = f"{utc.microsecond:06d}".rstrip("0")
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


def default_remotes(name: str) -> list[dict[str, Any]]:
    """One streamable-http remote on a host unique to the name (upstream requires uniqueness)."""
    label = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:63].strip("-") or "x"
    return [{"type": "streamable-http", "url": f"https://{label}.example.com/mcp"}]


def make_entry(
    name: str,
    version: str,
    *,
    remotes: list[dict[str, Any]] | None = None,
    description: str | None = None,
    status: str = "active",
    status_message: str | None = None,
    status_changed_at: dt.datetime | str | None = None,
    published_at: dt.datetime | str | None = None,
    updated_at: dt.datetime | str | None = None,
    is_latest: bool = True,
    **extra: Any,  # noqa: ANN401 - any server.json field: websiteUrl=..., repository=..., _meta=...
) -> Entry:
    """One `ServerResponse` in the exact upstream shape; dates default to now (strings kept)."""
    now = dt.datetime.now(dt.UTC)
    published = _date(published_at, now)
    server: dict[str, Any] = {
        "$schema": SCHEMA,
        "name": name,
        "description": description if description is not None else f"The {name} server",
        "version": version,
        "remotes": default_remotes(name) if remotes is None else remotes,
    }
    server.update(extra)
    official: dict[str, Any] = {"status": status}
    if status_message is not None:
        official["statusMessage"] = status_message
    official["statusChangedAt"] = _date(status_changed_at, None) or published
    official["publishedAt"] = published
    official["updatedAt"] = _date(updated_at, None) or published
    official["isLatest"] = is_latest
    return {"server": server, "_meta": {OFFICIAL: official}}


def _date(value: dt.datetime | str | None, default: dt.datetime | None) -> str | None:
    if isinstance(value, str):
        return value
    if value is not None:
        return rfc3339(value)
    return rfc3339(default) if default is not None else None


def entry_key(entry: object) -> tuple[str, str]:
    """The (name, version) an entry sorts by; malformed entries sort as well as they can."""
    server = entry.get("server") if isinstance(entry, dict) else None
    if not isinstance(server, dict):
        return ("", "")
    return (str(server.get("name", "")), str(server.get("version", "")))


def official(entry: Entry) -> dict[str, Any]:
    """The entry's `_meta["io.modelcontextprotocol.registry/official"]` block."""
    block: dict[str, Any] = entry["_meta"][OFFICIAL]
    return block


@dataclass(frozen=True, slots=True, kw_only=True)
class Injected:
    """A canned failure answer for one request."""

    status: int
    retry_after: str | None = None
    body: bytes = b'{"title": "injected failure"}'


@dataclass(kw_only=True)
class FakeRegistry:
    """Start with `async with FakeRegistry() as registry`; `registry.url` is the base URL.

    Attributes:
        entries: the rows served, in any order (the test may edit them; call the helpers to
            get upstream's side effects on `updatedAt` and `isLatest`).
        requests: `path_qs` of every request received (decoded, for reading and `in` checks).
        queries: the decoded query parameters of every request (for exact value checks).
        user_agents: the User-Agent of every request.
        legacy_cursor: answer `metadata.next_cursor` instead of `metadata.nextCursor`.
        chunked: stream bodies without Content-Length.
        padding: extra bytes of junk in every page body (for body-size caps).
    """

    clock: Clock = field(default_factory=Clock)
    entries: list[Entry] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    queries: list[dict[str, str]] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)
    legacy_cursor: bool = False
    chunked: bool = False
    padding: int = 0
    url: str = ""
    stalled: asyncio.Event = field(default_factory=asyncio.Event)
    _stall_from: int | None = None
    _failures: dict[int, Injected] = field(default_factory=dict)
    _pending: list[Injected] = field(default_factory=list)
    _malformed: list[bytes] = field(default_factory=list)
    _sorted: tuple[tuple[int, ...], list[tuple[str, str]], list[Entry]] | None = None
    _runner: web.AppRunner | None = None

    async def __aenter__(self) -> Self:
        app = web.Application(middlewares=[self._record])
        app.add_routes([web.get("/v0.1/servers", self._list)])
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        server = site._server
        assert server is not None
        port = int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]
        self.url = f"http://{HOST}:{port}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- the test's side: entries ---------------------------------------------------------

    def find(self, name: str, version: str) -> Entry:
        """The entry for (name, version); KeyError when absent."""
        for entry in self.entries:
            if entry_key(entry) == (name, version):
                return entry
        raise KeyError((name, version))

    def add(self, entry: Entry) -> Entry:
        """Serve a prepared entry as it is (no side effects on other versions)."""
        self.entries.append(entry)
        return entry

    def publish(self, name: str, version: str, **kwargs: Any) -> Entry:  # noqa: ANN401
        """Publish a new latest version now: the previous latest loses `isLatest` silently."""
        now = self.clock.now()
        for entry in self.entries:
            if entry_key(entry)[0] == name and official(entry).get("isLatest"):
                official(entry)["isLatest"] = False  # upstream: updated_at untouched
        kwargs.setdefault("published_at", now)
        kwargs.setdefault("updated_at", now)
        return self.add(make_entry(name, version, is_latest=True, **kwargs))

    def update(self, name: str, version: str, **server_fields: Any) -> Entry:  # noqa: ANN401
        """Edit server.json fields of one version (upstream `UpdateServer`): bumps updatedAt."""
        entry = self.find(name, version)
        entry["server"].update(server_fields)
        self.reorder()
        self.touch(name, version)
        return entry

    def set_status(self, name: str, version: str, status: str, message: str | None = None) -> Entry:
        """Change a version's status: bumps updatedAt; statusChangedAt only on a real change."""
        entry = self.find(name, version)
        block = official(entry)
        now = rfc3339(self.clock.now())
        if block.get("status") != status:
            block["statusChangedAt"] = now
        block["status"] = status
        if message is None:
            block.pop("statusMessage", None)
        else:
            block["statusMessage"] = message
        block["updatedAt"] = now
        return entry

    def deprecate(self, name: str, version: str, message: str | None = None) -> Entry:
        """Mark a version deprecated."""
        return self.set_status(name, version, "deprecated", message)

    def delete(self, name: str, version: str, message: str | None = None) -> Entry:
        """Mark a version deleted (upstream keeps the row; listings hide it by default)."""
        return self.set_status(name, version, "deleted", message)

    def touch(self, name: str, version: str) -> Entry:
        """Bump a version's updatedAt to the clock's now."""
        entry = self.find(name, version)
        official(entry)["updatedAt"] = rfc3339(self.clock.now())
        return entry

    def set_latest(self, name: str, version: str) -> Entry:
        """Make `version` the latest of its name, flipping the others: no updatedAt changes."""
        chosen = self.find(name, version)
        for entry in self.entries:
            if entry_key(entry)[0] == name:
                official(entry)["isLatest"] = entry is chosen
        return chosen

    # -- the test's side: failures --------------------------------------------------------

    def fail_request(self, n: int, status: int = 500, retry_after: str | None = None) -> None:
        """Answer the n-th request received (1-based, counting all of them) with `status`."""
        self._failures[n] = Injected(status=status, retry_after=retry_after)

    def stall_from(self, n: int | None) -> None:
        """Never answer the n-th request or any after it; `stalled` is set when one arrives.

        For a client killed mid-run: the request stays open until the server shuts down.
        None answers every later request again.
        """
        self._stall_from = n

    def fail_next(
        self, status: int = 500, *, times: int = 1, retry_after: str | None = None
    ) -> None:
        """Answer the next `times` requests with `status`."""
        self._pending.extend([Injected(status=status, retry_after=retry_after)] * times)

    def throttle_once(self, retry_after: str = "2") -> None:
        """Answer the next request 429 with this Retry-After (seconds or an HTTP date)."""
        self.fail_next(429, retry_after=retry_after)

    def malformed_once(self, kind: str = "not-json") -> None:
        """Answer the next request 200 with a body that is not a ServerList (see MALFORMED)."""
        self.serve_once(MALFORMED[kind])

    def serve_once(self, body: bytes) -> None:
        """Answer the next list request 200 with exactly this body."""
        self._malformed.append(body)

    # -- the server's side ----------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.requests.append(request.path_qs)
        self.queries.append(dict(request.query))
        self.user_agents.append(request.headers.get("User-Agent", ""))
        if self._stall_from is not None and len(self.requests) >= self._stall_from:
            self.stalled.set()
            await asyncio.Event().wait()  # until the client or the server goes away
        injected = self._failures.pop(len(self.requests), None)
        if injected is None and self._pending:
            injected = self._pending.pop(0)
        if injected is not None:
            headers = {"Content-Type": "application/problem+json", "Date": self._date()}
            if injected.retry_after is not None:
                headers["Retry-After"] = injected.retry_after
            return web.Response(status=injected.status, body=injected.body, headers=headers)
        response: web.StreamResponse = await handler(request)
        return response

    async def _list(self, request: web.Request) -> web.StreamResponse:
        if self._malformed:
            return await self._send(request, self._malformed.pop(0))
        query = ListQuery.parse(request.query)
        keys, rows = self._ordered()
        start = 0 if query.after is None else bisect.bisect_right(keys, query.after)
        page: list[Entry] = []
        for entry in rows[start:]:
            if query.shows(entry):
                page.append(entry)
                if len(page) == query.limit:
                    break
        metadata: dict[str, Any] = {"count": len(page)}
        if len(page) >= query.limit:
            name, ver = entry_key(page[-1])
            metadata["next_cursor" if self.legacy_cursor else "nextCursor"] = f"{name}:{ver}"
        document: dict[str, Any] = {"servers": page, "metadata": metadata}
        if self.padding:
            document["padding"] = "x" * self.padding
        return await self._send(request, json.dumps(document).encode())

    async def _send(self, request: web.Request, body: bytes) -> web.StreamResponse:
        headers = {"Content-Type": "application/json", "Date": self._date()}
        if not self.chunked:
            return web.Response(body=body, headers=headers)
        response = web.StreamResponse(headers=headers)
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(body), 16 * 1024):
            await response.write(body[start : start + 16 * 1024])
        await response.write_eof()
        return response

    def _date(self) -> str:
        return email.utils.format_datetime(self.clock.now().astimezone(dt.UTC), usegmt=True)

    def _ordered(self) -> tuple[list[tuple[str, str]], list[Entry]]:
        """Entries sorted by (name, version), re-sorted when the list changed (not per request).

        A test that renames an entry in place (rather than through `update`) calls `reorder`.
        """
        ids = tuple(map(id, self.entries))
        if self._sorted is None or self._sorted[0] != ids:
            rows = sorted(self.entries, key=entry_key)
            self._sorted = (ids, [entry_key(entry) for entry in rows], rows)
        return self._sorted[1], self._sorted[2]

    def reorder(self) -> None:
        """Forget the cached order (after editing a name or version in place)."""
        self._sorted = None

    def snapshot(self) -> list[Entry]:
        """A deep copy of the entries (to compare against what a sync stored)."""
        return copy.deepcopy(self.entries)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListQuery:
    """The parameters of one `GET /v0.1/servers`, validated as upstream does."""

    limit: int
    after: tuple[str, str] | None
    since: dt.datetime | None
    show_deleted: bool
    version: str | None
    search: str

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> ListQuery:
        """Parse or raise the 400/422 answer upstream gives."""
        try:
            limit = int(query.get("limit", DEFAULT_LIMIT))
        except ValueError:
            raise _problem(422, "limit must be an integer") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise _problem(422, f"limit must be within 1..{MAX_LIMIT}")
        since = None
        if "updated_since" in query:
            since = _parse_date(query["updated_since"])
            if since is None:
                raise _problem(400, "Invalid updated_since format: expected RFC3339")
        include_deleted = query.get("include_deleted")
        if include_deleted not in {None, "true", "false"}:
            raise _problem(422, "include_deleted must be a boolean")
        if include_deleted == "false" and since is not None:
            raise _problem(400, "include_deleted=false cannot be combined with updated_since")
        after = None
        if "cursor" in query:
            name, sep, version = query["cursor"].partition(":")
            if not sep:
                raise _problem(400, "Invalid cursor")
            after = (name, version)
        return cls(
            limit=limit,
            after=after,
            since=since,
            show_deleted=include_deleted == "true" or since is not None,
            version=query.get("version"),
            search=query.get("search", "").lower(),
        )

    def shows(self, entry: Entry) -> bool:
        """Whether the entry passes the filters (the cursor is applied by position)."""
        meta = entry.get("_meta")
        block = meta.get(OFFICIAL) if isinstance(meta, dict) else None
        block = block if isinstance(block, dict) else {}
        if not self.show_deleted and block.get("status") == "deleted":
            return False
        if self.since is not None:
            updated = _parse_date(block.get("updatedAt"))
            if updated is None or updated <= self.since:
                return False
        name, version = entry_key(entry)
        if self.version == "latest" and block.get("isLatest") is not True:
            return False
        if self.version not in {None, "latest"} and version != self.version:
            return False
        return self.search in name.lower()


def _parse_date(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def _problem(status: int, detail: str) -> web.HTTPException:
    body = {"title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    error = web.HTTPBadRequest if status == 400 else web.HTTPUnprocessableEntity
    return error(text=json.dumps(body), content_type="application/problem+json")
