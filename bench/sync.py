#!/usr/bin/env python3
"""Wall time, rows per second and peak memory of the registry sync job (issue 5).

A generated upstream of `--entries` rows (default 30,000: io.github.* and domain namespaces,
1-3 versions per name with increasing publish dates, one or two remotes each, a few templated
or plain-http remotes, a few deprecated or deleted versions, some publisher `_meta`, and a
handful of invalid rows on purpose) is served by tests/servers/registry.py's FakeRegistry in
its own process, so the upstream's JSON encoding does not share the sync's GIL. For each
backend (an SQLite file, a fresh PostgreSQL database) this measures, in the same run:

- baseline: a bare walk of every page through `UpstreamClient.page` (HTTP fetch, JSON parse,
  validation into records), storing nothing. It is the floor of any sync: every row must be
  read and checked whatever the storage does, so "full / baseline" is the cost storing adds.
  The walk is timed just before and just after the full sync and the mean is used, because
  absolute times on this shared 2-core machine drift; the ratio drifts much less;
- full sync: `SyncJob.run(full=True)` into an empty, migrated database: wall time, rows/s;
- incremental sync: the upstream advances its clock by an hour (beyond the 5-minute overlap,
  so no imported row is walked again) and applies `--changes` changes (updates, deprecations,
  new versions) through the FakeRegistry helpers; then `SyncJob.run(full=False)`;
- peak memory: tracemalloc's peak of the Python allocations during a second full sync into
  another fresh database (a separate pass, so tracing does not distort the timing), and the
  process's ru_maxrss (a high-water mark of the whole run so far, not of one phase).

Every figure is checked before it is printed (they would be meaningless otherwise): stored
rows equal the valid rows generated, rejections equal the invalid ones, every name has one
latest version, and the incremental run saw exactly the changed rows.

Run from the repository root: `.venv/bin/python bench/sync.py [--entries 30000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import dataclasses
import datetime as dt
import gc
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.servers holds the fake upstream

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine  # noqa: E402

from tests.servers.registry import Entry, FakeRegistry, entry_key, make_entry, official  # noqa: E402
from trustsvc.registry.models import ServerVersionRow  # noqa: E402
from trustsvc.registry.sync import SyncJob, SyncReport  # noqa: E402
from trustsvc.registry.upstream import UpstreamClient, UpstreamConfig  # noqa: E402
from trustsvc.registry.validate import PUBLISHER_META  # noqa: E402
from trustsvc.store.db import make_engine, make_sessionmaker  # noqa: E402
from trustsvc.store.migrate import upgrade  # noqa: E402

FULL_GOAL_S = 60.0
INCREMENTAL_GOAL_S = 2.0
PAGE_SIZE = 100  # the upstream maximum, what a deployment uses
T0 = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)  # the upstream's frozen clock while importing
SEED = 5  # issue 5
VERSIONS = ("1.0.0", "1.1.0", "2.0.0")
NAMESPACES = (
    *(f"io.github.owner{k:03d}" for k in range(120)),
    *(f"{domain}{k}" for domain in ("com.acme", "ai.vendor", "dev.tools") for k in range(20)),
    *(
        f"{domain}{k}"
        for domain in ("io.example", "org.opendata", "net.cloudhost")
        for k in range(10)
    ),
)
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"

# -- the upstream: generated entries, served from a subprocess -----------------------------


def generate(count: int) -> tuple[list[Entry], list[Entry]]:
    """`count` upstream rows, deterministic: (valid rows, invalid rows)."""
    rng = random.Random(SEED)  # noqa: S311 - benchmark data, not security
    invalid = invalid_entries()
    target = count - len(invalid)
    if target < 1:
        raise SystemExit(f"--entries must exceed the {len(invalid)} invalid rows")
    valid: list[Entry] = []
    number = 0
    while len(valid) < target:
        name = f"{NAMESPACES[number % len(NAMESPACES)]}/server-{number:05d}"
        versions = min(rng.choice((1, 1, 2, 3)), target - len(valid))
        published = T0 - dt.timedelta(days=rng.randint(200, 900), minutes=rng.randint(0, 1439))
        remotes = remotes_for(name, number, rng)
        for index in range(versions):
            published += dt.timedelta(days=rng.randint(1, 30), seconds=rng.randint(0, 86399))
            row = len(valid)
            valid.append(
                make_entry(
                    name,
                    VERSIONS[index],
                    remotes=copy.deepcopy(remotes),
                    published_at=published,
                    is_latest=index == versions - 1,
                    **status_of(row),
                    **extra_fields(name, row, VERSIONS[index]),
                )
            )
        number += 1
    return valid, invalid


def remotes_for(name: str, number: int, rng: random.Random) -> list[dict[str, Any]]:
    """One streamable-http remote (a few templated or plain http), sometimes an SSE one too."""
    label = name.lower().replace("/", "-").replace(".", "-")
    if number % 53 == 7:
        first = {
            "type": "streamable-http",
            "url": f"https://{{tenant}}.{label}.example.net/mcp",
            "variables": {"tenant": {"description": "Your tenant id", "isRequired": True}},
        }
    elif number % 53 == 19:
        first = {"type": "streamable-http", "url": f"http://{label}.example.org/mcp"}
    else:
        first = {"type": "streamable-http", "url": f"https://{label}.example.com/mcp"}
    remotes = [first]
    if rng.random() < 0.35:
        header = {"name": "Authorization", "description": "Bearer token", "isSecret": True}
        remotes.append(
            {"type": "sse", "url": f"https://{label}.example.com/sse", "headers": [header]}
        )
    return remotes


def status_of(row: int) -> dict[str, Any]:
    if row % 89 == 17:
        return {"status": "deprecated", "status_message": "superseded by a newer server"}
    if row % 257 == 41:
        return {"status": "deleted", "status_message": "removed by the publisher"}
    return {}


def extra_fields(name: str, row: int, version: str) -> dict[str, Any]:
    """A repository or website, sometimes a package and publisher `_meta`."""
    owner, _, short = name.partition("/")
    extra: dict[str, Any] = {}
    if owner.startswith("io.github."):
        login = owner.removeprefix("io.github.")
        extra["repository"] = {"url": f"https://github.com/{login}/{short}", "source": "github"}
    else:
        extra["websiteUrl"] = f"https://{'.'.join(reversed(owner.split('.')))}/{short}"
    if row % 4 == 0:
        package = {"registryType": "npm", "identifier": f"@{short}/mcp", "version": version}
        extra["packages"] = [{**package, "transport": {"type": "stdio"}}]
    if row % 10 == 3:
        extra["_meta"] = {PUBLISHER_META: {"tool": "bench-publisher", "build": {"id": row}}}
    return extra


def invalid_entries() -> list[Entry]:
    """Rows the validator must reject, one per kind of reason."""
    published = T0 - dt.timedelta(days=30)

    def bad(name: str, version: str = "1.0.0", **kwargs: Any) -> Entry:  # noqa: ANN401
        return make_entry(name, version, published_at=published, **kwargs)

    no_description = bad("com.invalid/no-description")
    del no_description["server"]["description"]
    number_description = bad("com.invalid/number-description")
    number_description["server"]["description"] = 42
    not_an_object = bad("com.invalid/not-an-object")
    not_an_object["server"] = "a string"
    return [
        bad("com.invalid/latest-version", "latest"),
        bad("com.invalid/empty-version", ""),
        bad("com.invalid/unknown-status", status="banned"),
        bad("no-namespace"),
        bad("com.invalid/has space"),
        bad("com.invalid/" + "x" * 200),
        no_description,
        number_description,
        not_an_object,
    ]


class UpstreamState:
    """The subprocess's side: (re)generates the entries and applies rounds of changes."""

    def __init__(self, registry: FakeRegistry, count: int) -> None:
        self.registry = registry
        self.count = count
        self.valid_names: set[str] = set()
        self.round = 0

    def reset(self) -> dict[str, Any]:
        valid, invalid = generate(self.count)
        self.registry.entries = [*valid, *invalid]
        self.registry.reorder()
        self.registry.requests.clear()
        self.registry.queries.clear()
        self.registry.clock.set(T0)
        self.valid_names = {entry_key(entry)[0] for entry in valid}
        self.round = 0
        return {
            "url": self.registry.url,
            "entries": len(valid) + len(invalid),
            "valid": len(valid),
            "invalid": len(invalid),
            "names": len(self.valid_names),
        }

    def change(self, count: int) -> dict[str, Any]:
        """An hour later: new versions, deprecations and edits of `count` distinct names."""
        self.round += 1
        self.registry.clock.advance(3600)
        latest = {
            entry_key(entry)[0]: entry_key(entry)[1]
            for entry in self.registry.entries
            if entry_key(entry)[0] in self.valid_names
            and official(entry).get("isLatest") is True
            and official(entry).get("status") == "active"
        }
        rng = random.Random(SEED * 1000 + self.round)  # noqa: S311 - benchmark data
        names = rng.sample(sorted(latest), count)
        published = count * 3 // 10
        deprecated = count * 3 // 10
        version = f"9.{self.round}.0"
        for name in names[:published]:
            self.registry.publish(name, version)
        for name in names[published : published + deprecated]:
            self.registry.deprecate(name, latest[name], "use the newer server")
        for name in names[published + deprecated :]:
            self.registry.update(name, latest[name], description=f"Edited in round {self.round}")
        return {"added": published, "changed": count - published, "version": version}


async def serve_upstream(count: int) -> None:
    """Run the fake upstream until stdin closes; one JSON line answers each command."""
    async with FakeRegistry() as registry:
        state = UpstreamState(registry, count)
        print(json.dumps({"url": registry.url}), flush=True)
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            match line.split():
                case ["reset"]:
                    answer = state.reset()
                case ["change", number]:
                    answer = state.change(int(number))
                case _:
                    answer = {"error": f"unknown command {line.strip()!r}"}
            print(json.dumps(answer), flush=True)


SERVER_CODE = """
import asyncio, sys
from bench.sync import serve_upstream
asyncio.run(serve_upstream(int(sys.argv[1])))
"""


@dataclasses.dataclass(frozen=True, slots=True)
class Upstream:
    """The parent's handle on the upstream process."""

    proc: subprocess.Popen[str]
    url: str

    def ask(self, command: str) -> dict[str, Any]:
        if self.proc.stdin is None or self.proc.stdout is None:
            raise SystemExit("the upstream process has no pipes")
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"the upstream process died on {command!r}")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise SystemExit(f"the upstream refused {command!r}: {answer['error']}")
        return answer


@contextlib.contextmanager
def upstream_process(count: int) -> Iterator[Upstream]:
    """The fake upstream in its own process (cwd: the repository root); stops with stdin."""
    with subprocess.Popen(
        [sys.executable, "-c", SERVER_CODE, str(count)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        line = proc.stdout.readline() if proc.stdout is not None else ""
        if not line:
            raise SystemExit("the upstream process did not start")
        yield Upstream(proc, json.loads(line)["url"])


# -- the measurements ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Walk:
    seconds: float
    pages: int
    records: int
    rejected: int


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    backend: str
    entries: int
    pages: int
    walks: tuple[float, float]
    full_s: float
    full_rows: int
    incremental_s: float
    incremental: SyncReport
    peak_mib: float
    traced_s: float
    maxrss_mib: float

    @property
    def baseline_s(self) -> float:
        return sum(self.walks) / len(self.walks)

    @property
    def full_ok(self) -> bool:
        return self.full_s < FULL_GOAL_S

    @property
    def incremental_ok(self) -> bool:
        return self.incremental_s < INCREMENTAL_GOAL_S


def client(url: str) -> UpstreamClient:
    return UpstreamClient(UpstreamConfig(base_url=url, page_size=PAGE_SIZE))


async def walk(url: str) -> Walk:
    """The baseline: every page fetched, parsed and validated, nothing stored."""
    gc.collect()
    started = time.perf_counter()
    pages = records = rejected = 0
    cursor: str | None = None
    async with client(url) as upstream:
        while True:
            page = await upstream.page(cursor=cursor, updated_since=None, include_deleted=True)
            pages += 1
            records += len(page.records)
            rejected += len(page.rejections)
            cursor = page.next_cursor
            if cursor is None:
                break
    seconds = time.perf_counter() - started
    return Walk(seconds=seconds, pages=pages, records=records, rejected=rejected)


async def timed_sync(
    sessions: async_sessionmaker[AsyncSession], url: str, *, full: bool
) -> tuple[SyncReport, float]:
    gc.collect()
    started = time.perf_counter()
    async with client(url) as upstream:
        report = await SyncJob(sessions).run(upstream, url, full=full)
    return report, time.perf_counter() - started


@contextlib.asynccontextmanager
async def fresh_database(
    backend: str, postgres_url: str, workdir: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """An empty, migrated database: an SQLite file, or a PostgreSQL database dropped after."""
    name = f"trustsvc_bench_{uuid.uuid4().hex[:12]}"
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / name}.db"
    else:
        admin = make_url(postgres_url)
        await _admin(postgres_url, f'CREATE DATABASE "{name}"')
        url = admin.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        await upgrade(engine)
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()
        if backend == "postgres":
            await _admin(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def count_servers(sessions: async_sessionmaker[AsyncSession], *where: Any) -> int:  # noqa: ANN401
    async with sessions() as session:
        query = select(func.count()).select_from(ServerVersionRow).where(*where)
        return int(await session.scalar(query) or 0)


def check(backend: str, ok: object, what: str) -> None:
    if not ok:
        raise SystemExit(f"{backend}: {what}: the figures would be meaningless")


async def bench_backend(
    backend: str, upstream: Upstream, *, changes: int, postgres_url: str, workdir: Path
) -> Result:
    expected = upstream.ask("reset")
    url = upstream.url
    async with fresh_database(backend, postgres_url, workdir) as sessions:
        before = await walk(url)
        report, full_s = await timed_sync(sessions, url, full=True)
        after = await walk(url)

        for baseline in (before, after):
            check(backend, baseline.records == expected["valid"], f"walk read {baseline}")
            check(backend, baseline.rejected == expected["invalid"], f"walk rejected {baseline}")
        check(backend, report.status == "completed", f"full sync {report.status}: {report.error}")
        check(backend, report.rows == expected["entries"], f"full sync read {report.rows} rows")
        check(backend, report.pages == before.pages, f"full sync read {report.pages} pages")
        check(backend, report.added == expected["valid"], f"full sync added {report.added}")
        check(backend, report.rejected == expected["invalid"], f"rejected {report.rejected}")
        stored = await count_servers(sessions)
        check(backend, stored == expected["valid"], f"{stored} rows stored")
        latest = await count_servers(sessions, ServerVersionRow.is_latest.is_(True))
        check(backend, latest == expected["names"], f"{latest} latest versions")

        peak_mib, traced_s = await traced_full_sync(
            backend, upstream, expected, postgres_url, workdir
        )
        maxrss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        changed = upstream.ask(f"change {changes}")
        incremental, incremental_s = await timed_sync(sessions, url, full=False)
        counts = (incremental.rows, incremental.added, incremental.changed, incremental.unchanged)
        want = (changes, changed["added"], changed["changed"], 0)
        check(backend, incremental.status == "completed", f"incremental: {incremental.error}")
        check(backend, incremental.mode == "incremental", f"a {incremental.mode} run")
        check(backend, counts == want, f"incremental counts {counts}, expected {want}")
        stored = await count_servers(sessions)
        check(backend, stored == expected["valid"] + changed["added"], f"{stored} rows stored")
        latest = await count_servers(sessions, ServerVersionRow.is_latest.is_(True))
        check(backend, latest == expected["names"], f"{latest} latest after the changes")
        newest = await count_servers(
            sessions,
            ServerVersionRow.is_latest.is_(True),
            ServerVersionRow.version == changed["version"],
        )
        check(backend, newest == changed["added"], f"{newest} new versions are latest")
    return Result(
        backend=backend,
        entries=expected["entries"],
        pages=report.pages,
        walks=(before.seconds, after.seconds),
        full_s=full_s,
        full_rows=report.rows,
        incremental_s=incremental_s,
        incremental=incremental,
        peak_mib=peak_mib,
        traced_s=traced_s,
        maxrss_mib=maxrss_mib,
    )


async def traced_full_sync(
    backend: str, upstream: Upstream, expected: dict[str, Any], postgres_url: str, workdir: Path
) -> tuple[float, float]:
    """(peak traced MiB, seconds) of a full sync into another fresh database under tracemalloc.

    The seconds are only there to explain the bench's own run time: tracing slows the sync.
    """
    async with fresh_database(backend, postgres_url, workdir) as sessions:
        gc.collect()
        tracemalloc.start()
        try:
            report, seconds = await timed_sync(sessions, upstream.url, full=True)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    check(backend, report.status == "completed", f"traced sync {report.status}: {report.error}")
    check(backend, report.added == expected["valid"], f"traced sync added {report.added}")
    return peak / 2**20, seconds


# -- the report ------------------------------------------------------------------------


def print_result(result: Result) -> None:
    incremental = result.incremental
    walks = ", ".join(f"{s:.2f}" for s in result.walks)
    lines = [
        ("entries", f"{result.entries:,}"),
        ("pages", f"{result.pages} of {PAGE_SIZE}"),
        ("baseline walk s", f"{result.baseline_s:.2f} (mean of {walks})"),
        ("full sync s", f"{result.full_s:.2f}"),
        ("rows/s", f"{result.full_rows / result.full_s:,.0f}"),
        ("ratio full/baseline", f"{result.full_s / result.baseline_s:.2f}"),
        (
            "incremental s (rows)",
            (
                f"{result.incremental_s:.3f} ({incremental.rows} rows: {incremental.added} added,"
                f" {incremental.changed} changed; {incremental.pages} pages)"
            ),
        ),
        (
            "peak traced MiB",
            f"{result.peak_mib:.1f} (separate full sync, {result.traced_s:.0f} s traced)",
        ),
        ("maxrss MiB", f"{result.maxrss_mib:.0f} (process high-water so far)"),
        ("goal full < 60 s", "met" if result.full_ok else "MISSED"),
        ("goal incremental < 2 s", "met" if result.incremental_ok else "MISSED"),
    ]
    print(f"\n== {result.backend}")
    for label, value in lines:
        print(f"  {label:24} {value}")


def print_summary(results: list[Result]) -> None:
    print(
        f"\n{'backend':9} {'entries':>7} {'pages':>5} {'walk s':>7} {'full s':>7} {'rows/s':>7} "
        f"{'ratio':>6} {'incr s':>7} {'rows':>5} {'peak MiB':>8} {'rss MiB':>7} goals"
    )
    for r in results:
        goals = "met" if r.full_ok and r.incremental_ok else "MISSED"
        print(
            f"{r.backend:9} {r.entries:7d} {r.pages:5d} {r.baseline_s:7.2f} {r.full_s:7.2f} "
            f"{r.full_rows / r.full_s:7.0f} {r.full_s / r.baseline_s:6.2f} "
            f"{r.incremental_s:7.3f} {r.incremental.rows:5d} {r.peak_mib:8.1f} "
            f"{r.maxrss_mib:7.0f} {goals}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=30_000, help="upstream rows (all kinds)")
    parser.add_argument("--changes", type=int, default=100, help="rows the incremental sees")
    parser.add_argument("--backends", default="sqlite,postgres", help="comma-separated")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="an admin database")
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(backends) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")
    print(
        f"sync bench: {args.entries:,} entries, {args.changes} changes, page size {PAGE_SIZE};"
        f" Python {platform.python_version()}, {os.cpu_count()} CPUs;"
        f" goals: full < {FULL_GOAL_S:.0f} s, incremental < {INCREMENTAL_GOAL_S:.0f} s"
    )
    results = []
    with tempfile.TemporaryDirectory() as tmp, upstream_process(args.entries) as upstream:
        for backend in backends:
            result = asyncio.run(
                bench_backend(
                    backend,
                    upstream,
                    changes=args.changes,
                    postgres_url=args.postgres_url,
                    workdir=Path(tmp),
                )
            )
            print_result(result)
            results.append(result)
    print_summary(results)
    return 0 if all(r.full_ok and r.incremental_ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
