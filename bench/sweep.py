#!/usr/bin/env python3
"""Re-probing throughput of `trustsvc worker` processes on PostgreSQL (issue 6).

`--endpoints` distinct loopback URLs (default 1,000: `http://127.0.0.1:<port>/mcp/<i>` spread
over `--servers` ports, so the workers' per-host limit applies as it would to a fleet of
hosts) are served by a small aiohttp MCP responder in its own process: every path answers
initialize and tools/list (trustsvc.lab.mcp's replies), well-known metadata paths answer 404.
It is plain http by default, so sslyze stays out of the loop and the figure measures the
sweep machinery: claims and leases, the five probe families' HTTP work, drift snapshots and
the fenced commit. `--tls` serves HTTPS from a throw-away lab PKI instead, so every re-probe
runs sslyze too.

In a fresh PostgreSQL database (migrated by `trustsvc db upgrade`, dropped at the end) the
endpoints are created through trustsvc's repositories and scheduled a month ahead. Then, per
round, real `trustsvc worker` processes start, report that they run, and only then are all
endpoints made due (`ScheduleRepository.make_due`), which starts the clock; the clock stops
when every endpoint has a completed scan requested in this round. Each round is checked:
exactly one scan per endpoint (duplicates and missing are printed and must both be 0),
no failed scan, workers exit 0 on SIGTERM. The rounds:

- first probe (`--workers-max` workers): no earlier scan, so no drift to compute; it is also
  what makes the timed rounds re-probes;
- re-probe with 1, then 2 (up to `--workers-max`) workers: each endpoint is diffed against
  its previous scan, as a scheduled re-probe is.

Reported per round: wall seconds, endpoints per minute, peak RSS of each worker (VmHWM just
before SIGTERM; the goal is < 400 MB, and < 300 MiB with `--tls`, issue 16), the peak RSS of
its TLS children (sslyze runs in a small pool of child processes, each replaced after a
bounded number of scans; summed per worker, and the largest one), CPU seconds used by the
workers and the responder, and how busy the machine's CPUs were. The scaling ratio is the
2-worker rate over the 1-worker rate of the same run. Workers, responder and PostgreSQL
share this machine's CPUs, so the ratio is bounded by the cores left idle by one worker.

`--first-only` runs the first round alone (e.g. `--tls --first-only --workers-max 1`: one
worker scans 1,000 TLS endpoints without a restart, the issue 16 memory figure).

Run from the repository root: `.venv/bin/python bench/sweep.py [--endpoints 1000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import math
import os
import platform
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the responder process imports this module as bench.sweep

from aiohttp import web  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine  # noqa: E402

from probes.target import parse_endpoint_url  # noqa: E402
from trustsvc.clock import utc_now  # noqa: E402
from trustsvc.lab.mcp import HONEST_TOOLS, answer_post  # noqa: E402
from trustsvc.schedule.repository import ScheduleRepository  # noqa: E402
from trustsvc.store.db import make_engine, make_sessionmaker  # noqa: E402
from trustsvc.store.models import AttemptRow, ScanRow  # noqa: E402
from trustsvc.store.repositories import EndpointRepository  # noqa: E402

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
TRUSTSVC = Path(sys.executable).with_name("trustsvc")  # the console script the image runs
RSS_GOAL_MIB = 400.0
TLS_RSS_GOAL_MIB = 300.0  # issue 16: sslyze runs in the worker's children, not its threads
HOST = "127.0.0.1"
MCP_PREFIX = "/mcp/"
CLOCK_TICK = os.sysconf("SC_CLK_TCK")
POLL_S = 0.5
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 60.0

# -- the responder: many MCP endpoints per port, in its own process -------------------------

REQUESTS = web.AppKey("requests", list[int])  # MCP POSTs answered, for the report


async def _answer(request: web.Request) -> web.StreamResponse:
    """MCP on every /mcp/<i> path (POST), 405 for other methods there, 404 elsewhere."""
    if not request.path.startswith(MCP_PREFIX):
        return web.json_response({"error": "not found"}, status=404)
    if request.method != "POST":
        return web.Response(status=200 if request.method == "DELETE" else 405)
    request.app[REQUESTS][0] += 1
    headers = {name.lower(): value for name, value in request.headers.items()}
    reply = answer_post(HONEST_TOOLS, headers, await request.read())
    if reply.body is None:
        return web.Response(status=reply.status, headers=reply.headers)
    return web.json_response(reply.body, status=reply.status, headers=reply.headers)


async def serve_lab(servers: int, chain: str | None, key: str | None) -> None:
    """Serve `servers` ports until stdin closes; `stats` on stdin answers the MCP POST count."""
    app = web.Application()
    app[REQUESTS] = [0]
    app.router.add_route("*", "/{tail:.*}", _answer)
    tls: ssl.SSLContext | None = None
    if chain is not None:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(chain, key)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    ports: list[int] = []
    try:
        for _ in range(servers):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((HOST, 0))
            ports.append(int(sock.getsockname()[1]))
            await web.SockSite(runner, sock, ssl_context=tls, backlog=1024).start()
        print(json.dumps({"ports": ports, "pid": os.getpid()}), flush=True)
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            if line.strip() == "stats":
                print(json.dumps({"requests": app[REQUESTS][0]}), flush=True)
    finally:
        await runner.cleanup()


LAB_CODE = """
import asyncio, json, sys
from bench.sweep import serve_lab
args = json.loads(sys.argv[1])
asyncio.run(serve_lab(args["servers"], args["chain"], args["key"]))
"""


@dataclasses.dataclass(frozen=True, slots=True)
class Lab:
    """The parent's handle on the responder process."""

    proc: subprocess.Popen[str]
    ports: tuple[int, ...]
    scheme: str
    ca_file: Path | None

    def url(self, index: int) -> str:
        port = self.ports[index % len(self.ports)]
        return f"{self.scheme}://{HOST}:{port}{MCP_PREFIX}{index:05d}"

    def requests(self) -> int:
        """MCP POSTs answered so far."""
        if self.proc.stdin is None or self.proc.stdout is None:
            raise SystemExit("the responder has no pipes")
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        return int(json.loads(self.proc.stdout.readline())["requests"])


@contextlib.contextmanager
def lab_process(servers: int, workdir: Path, *, tls: bool) -> Iterator[Lab]:
    """The responder (cwd: the repository root); it stops when its stdin closes."""
    chain = key = ca_file = None
    if tls:
        from trustsvc.lab.pki import mint_lab_pki  # noqa: PLC0415 - only with --tls

        pki = mint_lab_pki(workdir / "pki")
        chain, key, ca_file = str(pki["valid"].chain), str(pki["valid"].key), pki.ca_cert
    argv = json.dumps({"servers": servers, "chain": chain, "key": key})
    with subprocess.Popen(
        [sys.executable, "-c", LAB_CODE, argv],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            line = proc.stdout.readline() if proc.stdout is not None else ""
            if not line:
                raise SystemExit("the responder did not start")
            ports = tuple(json.loads(line)["ports"])
            yield Lab(proc, ports, "https" if tls else "http", ca_file)
        finally:
            if proc.stdin is not None:
                proc.stdin.close()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


# -- the database --------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def fresh_database(admin_url: str) -> AsyncIterator[str]:
    """A new PostgreSQL database migrated by `trustsvc db upgrade`; dropped on the way out."""
    name = f"trustsvc_sweep_{uuid.uuid4().hex[:12]}"
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    await _admin(admin_url, f'CREATE DATABASE "{name}"')
    try:
        upgrade = await asyncio.create_subprocess_exec(
            str(TRUSTSVC),
            "db",
            "upgrade",
            env=clean_env() | {"TRUSTSVC_DATABASE_URL": url},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(upgrade.communicate(), 120)
        if upgrade.returncode != 0:
            raise SystemExit(f"trustsvc db upgrade failed: {err.decode().strip()}")
        yield url
    finally:
        await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def seed(sessions: async_sessionmaker[AsyncSession], lab: Lab, count: int) -> list[str]:
    """Create the endpoints and schedule them a month ahead, so nothing is due yet."""
    now = utc_now()
    async with sessions.begin() as session:
        endpoints = EndpointRepository(session)
        ids = [
            (await endpoints.get_or_create(parse_endpoint_url(lab.url(i)), now)).id
            for i in range(count)
        ]
        await ScheduleRepository(session).ensure(
            ids, due_at=now + dt.timedelta(days=30), reason="bench"
        )
    return ids


async def make_due(sessions: async_sessionmaker[AsyncSession], ids: Sequence[str]) -> dt.datetime:
    """Make every endpoint due now; the returned time starts the round's clock."""
    now = utc_now()
    async with sessions.begin() as session:
        await ScheduleRepository(session).make_due(ids, now=now, reason="bench")
    return now


async def scanned_since(sessions: async_sessionmaker[AsyncSession], since: dt.datetime) -> int:
    """Endpoints with a completed scan requested since `since`."""
    async with sessions() as session:
        query = select(func.count(ScanRow.endpoint_id.distinct())).where(
            ScanRow.status == "completed", ScanRow.requested_at >= since
        )
        return int(await session.scalar(query) or 0)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Audit:
    """What the database holds for one round."""

    scanned: int
    missing: int
    duplicates: int
    not_completed: int
    failed_attempts: int
    failed_by: tuple[tuple[str, str, int], ...] = ()  # (family, reason, count), most first


async def audit(
    sessions: async_sessionmaker[AsyncSession], ids: Sequence[str], since: dt.datetime
) -> Audit:
    """Scans per endpoint in this round: exactly one each, all completed."""
    async with sessions() as session:
        per_endpoint: dict[str, int] = {
            str(endpoint_id): int(n)
            for endpoint_id, n in (
                await session.execute(
                    select(ScanRow.endpoint_id, func.count())
                    .where(ScanRow.status == "completed", ScanRow.requested_at >= since)
                    .group_by(ScanRow.endpoint_id)
                )
            ).all()
        }
        not_completed = await session.scalar(
            select(func.count()).where(ScanRow.status != "completed", ScanRow.requested_at >= since)
        )
        failed = (
            await session.execute(
                select(AttemptRow.family, AttemptRow.reason, func.count())
                .join(ScanRow, ScanRow.id == AttemptRow.scan_id)
                .where(ScanRow.requested_at >= since, AttemptRow.status != "completed")
                .group_by(AttemptRow.family, AttemptRow.reason)
            )
        ).all()
        failed_by = tuple(
            sorted(((str(f), str(r), int(n)) for f, r, n in failed), key=lambda t: -t[2])
        )
    return Audit(
        scanned=len(per_endpoint),
        missing=sum(1 for endpoint_id in ids if endpoint_id not in per_endpoint),
        duplicates=sum(n - 1 for n in per_endpoint.values()),
        not_completed=int(not_completed or 0),
        failed_attempts=sum(n for _, _, n in failed_by),
        failed_by=failed_by,
    )


# -- the workers ---------------------------------------------------------------------------


def clean_env() -> dict[str, str]:
    """This environment without the operator's TRUSTSVC_* settings, so runs are comparable."""
    return {k: v for k, v in os.environ.items() if not k.startswith("TRUSTSVC_")}


def worker_env(database_url: str, args: argparse.Namespace, lab: Lab) -> dict[str, str]:
    env = clean_env() | {
        "TRUSTSVC_DATABASE_URL": database_url,
        "TRUSTSVC_ALLOWED_NETWORKS": "127.0.0.0/8",
        "TRUSTSVC_DOMAIN_LOOKUPS": "off",
        "TRUSTSVC_REGISTRY_SYNC_S": "0",
        "TRUSTSVC_SWEEP_S": str(args.sweep_s),
        "TRUSTSVC_WORKER_CONCURRENCY": str(args.concurrency),
        "TRUSTSVC_WORKER_PER_HOST": str(args.per_host),
        "TRUSTSVC_WORKER_MAX_SCANS": str(args.max_scans),
    }
    if lab.ca_file is not None:
        env["TRUSTSVC_CA_FILE"] = str(lab.ca_file)
    return env


@dataclasses.dataclass(slots=True)
class WorkerProc:
    """One `trustsvc worker` process and its log files."""

    proc: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path
    peak_rss_mib: float = 0.0
    peak_children_mib: float = 0.0  # the TLS children's RSS, summed, at its highest
    peak_child_mib: float = 0.0  # the largest single child seen

    def ready(self) -> bool:
        return b" running" in self.stdout.read_bytes()

    def tail(self) -> str:
        return self.stderr.read_text(errors="replace")[-3000:]


def start_workers(count: int, env: dict[str, str], logdir: Path, label: str) -> list[WorkerProc]:
    workers = []
    for index in range(count):
        out, err = logdir / f"{label}-{index}.out", logdir / f"{label}-{index}.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            proc = subprocess.Popen(
                [str(TRUSTSVC), "worker"], env=env, stdout=stdout, stderr=stderr, cwd=logdir
            )
        workers.append(WorkerProc(proc, out, err))
    return workers


async def wait_ready(workers: Sequence[WorkerProc]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not all(w.ready() for w in workers):
        check_alive(workers)
        if time.monotonic() > deadline:
            raise SystemExit("the workers did not report running in time")
        await asyncio.sleep(0.1)


def restart_recycled(
    workers: list[WorkerProc], env: dict[str, str], logdir: Path, label: str
) -> int:
    """Start a fresh worker for each that exited 0 (recycled), as compose's restart would."""
    restarted = 0
    for index, worker in enumerate(workers):
        if worker.proc.poll() == 0 and b"recycling" in worker.stderr.read_bytes():
            [fresh] = start_workers(1, env, logdir, f"{label}-{index}-{worker.proc.pid}")
            fresh.peak_rss_mib = worker.peak_rss_mib
            workers[index] = fresh
            restarted += 1
    return restarted


def check_alive(workers: Sequence[WorkerProc]) -> None:
    for worker in workers:
        if worker.proc.poll() is not None:
            raise SystemExit(
                f"worker {worker.proc.pid} exited with {worker.proc.returncode}:\n{worker.tail()}"
            )


def status_kib(pid: int, field: str) -> float:
    """A `VmRSS:`-style field of /proc/<pid>/status, in KiB (0 when the process is gone)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    return 0.0


def children_of(pid: int) -> list[int]:
    """The process ids a process started (its TLS children), from every one of its threads."""
    pids: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                pids.extend(int(p) for p in (task / "children").read_text().split())
    return pids


def sample_children(worker: WorkerProc) -> None:
    """Fold the RSS of the worker's children now into its peaks."""
    sizes = [status_kib(child, "VmRSS") / 1024 for child in children_of(worker.proc.pid)]
    worker.peak_children_mib = max(worker.peak_children_mib, sum(sizes))
    worker.peak_child_mib = max([worker.peak_child_mib, *sizes])


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far, and of its children it has reaped.

    A worker's TLS children count once they have exited (each after a bounded number of
    scans); the few alive at the end of a round are left out.
    """
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(f) for f in fields[11:15]) / CLOCK_TICK
    return 0.0


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def stop_workers(workers: Sequence[WorkerProc]) -> list[int | None]:
    """SIGTERM each (a clean stop finishes held scans), SIGKILL after the timeout."""
    for worker in workers:
        if worker.proc.poll() is None:
            worker.proc.send_signal(signal.SIGTERM)
    codes: list[int | None] = []
    for worker in workers:
        try:
            codes.append(worker.proc.wait(STOP_TIMEOUT_S))
        except subprocess.TimeoutExpired:
            worker.proc.kill()
            worker.proc.wait()
            codes.append(None)
    return codes


# -- a round -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Round:
    label: str
    workers: int
    endpoints: int
    seconds: float
    complete: bool
    audit: Audit
    peak_rss_mib: tuple[float, ...]
    peak_children_mib: tuple[float, ...]
    peak_child_mib: float
    rss_goal_mib: float
    worker_cpu_s: float
    lab_cpu_s: float
    machine_busy: float
    machine_cpu_s: float
    mcp_posts: int
    exit_codes: tuple[int | None, ...]

    @property
    def per_minute(self) -> float:
        return self.audit.scanned / self.seconds * 60

    @property
    def ok(self) -> bool:
        return (
            self.complete
            and self.audit.missing == 0
            and self.audit.duplicates == 0
            and self.audit.not_completed == 0
            and all(code == 0 for code in self.exit_codes)
        )


async def run_round(
    label: str,
    count: int,
    *,
    sessions: async_sessionmaker[AsyncSession],
    ids: Sequence[str],
    env: dict[str, str],
    lab: Lab,
    logdir: Path,
    timeout_s: float,
    rss_goal_mib: float,
) -> Round:
    """Start `count` workers, make everything due, wait until each endpoint has its scan."""
    workers = start_workers(count, env, logdir, label.replace(" ", "-"))
    try:
        await wait_ready(workers)
        cpu_before = [cpu_s(w.proc.pid) for w in workers]
        lab_before = cpu_s(lab.proc.pid)
        posts_before = lab.requests()
        busy_before, total_before = machine_ticks()
        since = await make_due(sessions, ids)
        started = time.perf_counter()
        done, last_report, restarts = 0, started, 0
        while done < len(ids):
            restarts += restart_recycled(workers, env, logdir, label.replace(" ", "-"))
            check_alive(workers)
            for worker in workers:
                rss = status_kib(worker.proc.pid, "VmRSS") / 1024
                worker.peak_rss_mib = max(worker.peak_rss_mib, rss)
                sample_children(worker)
            if time.perf_counter() - started > timeout_s:
                break
            await asyncio.sleep(POLL_S)
            done = await scanned_since(sessions, since)
            if time.perf_counter() - last_report >= 15:
                last_report = time.perf_counter()
                elapsed = last_report - started
                print(f"  {label}: {done}/{len(ids)} after {elapsed:.0f} s", flush=True)
        seconds = time.perf_counter() - started
        busy_after, total_after = machine_ticks()
        for worker in workers:  # the high-water mark, just before stopping
            hwm = status_kib(worker.proc.pid, "VmHWM") / 1024
            worker.peak_rss_mib = max(worker.peak_rss_mib, hwm)
        worker_cpu = (
            sum(cpu_s(w.proc.pid) - b for w, b in zip(workers, cpu_before, strict=True))
            if not restarts
            else math.nan  # a recycled process's CPU time left with it
        )
        if restarts:
            print(f"  {label}: {restarts} worker restart(s) after recycling", flush=True)
        lab_cpu = cpu_s(lab.proc.pid) - lab_before
        posts = lab.requests() - posts_before
    finally:
        codes = stop_workers(workers)
    for worker, code in zip(workers, codes, strict=True):
        if code != 0 or done < len(ids):
            log = worker.tail()
            print(f"  worker {worker.proc.pid} exit code {code}, its log:\n{log}", flush=True)
    result = Round(
        label=label,
        workers=count,
        endpoints=len(ids),
        seconds=seconds,
        complete=done >= len(ids),
        audit=await audit(sessions, ids, since),  # after the stop: late duplicates count too
        peak_rss_mib=tuple(w.peak_rss_mib for w in workers),
        peak_children_mib=tuple(w.peak_children_mib for w in workers),
        peak_child_mib=max((w.peak_child_mib for w in workers), default=0.0),
        rss_goal_mib=rss_goal_mib,
        worker_cpu_s=worker_cpu,
        lab_cpu_s=lab_cpu,
        machine_busy=(busy_after - busy_before) / max(total_after - total_before, 1),
        machine_cpu_s=(busy_after - busy_before) / CLOCK_TICK,
        mcp_posts=posts,
        exit_codes=tuple(codes),
    )
    print_round(result)
    return result


# -- the report ----------------------------------------------------------------------------


def print_round(r: Round) -> None:
    a = r.audit
    scanned = max(a.scanned, 1)
    rss = ", ".join(f"{m:.0f}" for m in r.peak_rss_mib)
    children = ", ".join(f"{m:.0f}" for m in r.peak_children_mib)
    rest = r.machine_cpu_s - r.worker_cpu_s - r.lab_cpu_s
    state = "complete" if r.complete else f"TIMED OUT at {a.scanned}/{r.endpoints}"
    lines = [
        ("wall s", f"{r.seconds:.1f}"),
        ("endpoints/min", f"{r.per_minute:,.0f}"),
        ("scans: duplicates", str(a.duplicates)),
        ("scans: missing", str(a.missing)),
        ("scans not completed", str(a.not_completed)),
        ("family attempts failed", str(a.failed_attempts)),
        *((f"  {family}: {reason}", str(n)) for family, reason, n in a.failed_by),
        ("MCP POSTs / endpoint", f"{r.mcp_posts / scanned:.1f}"),
        ("peak RSS MiB / worker", f"{rss} (goal < {r.rss_goal_mib:.0f})"),
        (
            "peak RSS MiB, TLS children",
            f"{children} summed per worker, {r.peak_child_mib:.0f} the largest child",
        ),
        (
            "CPU s: workers, lab, rest",
            f"{r.worker_cpu_s:.1f}, {r.lab_cpu_s:.1f}, {rest:.1f} (rest: PostgreSQL, this bench)",
        ),
        (
            "CPU ms / endpoint",
            (
                f"{r.worker_cpu_s / scanned * 1000:.0f} in workers,"
                f" {r.machine_cpu_s / scanned * 1000:.0f} on the whole machine"
            ),
        ),
        ("machine CPUs busy", f"{r.machine_busy:.0%} of {os.cpu_count()}"),
        ("worker exit codes", ", ".join(str(c) for c in r.exit_codes)),
    ]
    print(f"== {r.label}: {r.workers} worker(s), {state}", flush=True)
    for label, value in lines:
        print(f"  {label:26} {value}", flush=True)


def print_summary(rounds: Sequence[Round]) -> None:
    print(
        f"\n{'round':16} {'workers':>7} {'endpoints':>9} {'wall s':>7} {'per min':>8}"
        f" {'dup':>4} {'miss':>4} {'peak RSS MiB':>14} {'CPU busy':>8}"
    )
    for r in rounds:
        rss = "/".join(f"{m:.0f}" for m in r.peak_rss_mib)
        print(
            f"{r.label:16} {r.workers:7d} {r.audit.scanned:9d} {r.seconds:7.1f}"
            f" {r.per_minute:8,.0f} {r.audit.duplicates:4d} {r.audit.missing:4d} {rss:>14}"
            f" {r.machine_busy:8.0%}"
        )
    timed = [r for r in rounds if r.label.startswith("re-probe")]
    if len(timed) > 1:
        base = timed[0]
        for r in timed[1:]:
            print(
                f"scaling ratio {r.workers} workers / {base.workers} worker:"
                f" {r.per_minute / base.per_minute:.2f} (ideal {r.workers / base.workers:.0f})"
            )
    peak = max(m for r in rounds for m in r.peak_rss_mib)
    goal = rounds[0].rss_goal_mib
    verdict = "met" if peak < goal else "MISSED"
    print(f"peak RSS of any worker: {peak:.0f} MiB (goal < {goal:.0f} MiB: {verdict})")
    with_children = max(
        w + c for r in rounds for w, c in zip(r.peak_rss_mib, r.peak_children_mib, strict=True)
    )
    print(f"peak RSS of a worker plus its TLS children (each at its peak): {with_children:.0f} MiB")


async def bench(args: argparse.Namespace, workdir: Path) -> list[Round]:
    rounds: list[Round] = []
    with lab_process(args.servers, workdir, tls=args.tls) as lab:
        async with fresh_database(args.postgres_url) as url:
            engine = make_engine(url)
            try:
                sessions = make_sessionmaker(engine)
                ids = await seed(sessions, lab, args.endpoints)
                env = worker_env(url, args, lab)
                plan = [("first probe", args.workers_max)]
                if not args.first_only:
                    plan += [(f"re-probe {n}w", n) for n in range(1, args.workers_max + 1)]
                for label, count in plan:
                    rounds.append(
                        await run_round(
                            label,
                            count,
                            sessions=sessions,
                            ids=ids,
                            env=env,
                            lab=lab,
                            logdir=workdir,
                            timeout_s=args.round_timeout,
                            rss_goal_mib=TLS_RSS_GOAL_MIB if args.tls else RSS_GOAL_MIB,
                        )
                    )
                    if not rounds[-1].ok:
                        print(f"{label}: the round failed its checks; stopping", flush=True)
                        break
            finally:
                await engine.dispose()
    return rounds


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--endpoints", type=int, default=1000, help="distinct endpoint URLs")
    parser.add_argument("--servers", type=int, default=20, help="responder ports (hosts)")
    parser.add_argument("--workers-max", type=int, default=2, help="timed rounds: 1..this")
    parser.add_argument("--concurrency", type=int, default=8, help="scans in flight per worker")
    parser.add_argument("--per-host", type=int, default=2, help="scans in flight per host:port")
    parser.add_argument("--sweep-s", type=float, default=1.0, help="TRUSTSVC_SWEEP_S")
    parser.add_argument("--round-timeout", type=float, default=600.0, help="seconds per round")
    parser.add_argument("--tls", action="store_true", help="serve https: sslyze runs too")
    parser.add_argument(
        "--first-only",
        action="store_true",
        help="one round: --workers-max workers first-probe every endpoint (no re-probe rounds)",
    )
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="an admin database")
    parser.add_argument(
        "--max-scans",
        type=int,
        default=0,
        help="TRUSTSVC_WORKER_MAX_SCANS: workers exit 0 after this many and are restarted",
    )
    args = parser.parse_args()
    if args.endpoints < 1 or args.servers < 1 or args.workers_max < 1:
        parser.error("--endpoints, --servers and --workers-max must be positive")
    if not TRUSTSVC.exists():
        parser.error(f"{TRUSTSVC} is missing: run with the project's .venv/bin/python")
    transport = (
        "https (sslyze runs)"
        if args.tls
        else "plain http: sslyze is out of the loop, so this measures the sweep machinery"
    )
    print(
        f"sweep bench: {args.endpoints:,} endpoints on {args.servers} loopback ports, {transport};"
        f" concurrency {args.concurrency}/worker, {args.per_host}/host;"
        f" Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="trustsvc-sweep-") as tmp:
        rounds = asyncio.run(_main(args, Path(tmp)))
    print_summary(rounds)
    return 0 if rounds and all(r.ok for r in rounds) else 1


async def _main(args: argparse.Namespace, workdir: Path) -> list[Round]:
    """The bench, cancelled (so it cleans up) on SIGTERM as on Ctrl-C."""
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    return await bench(args, workdir)


if __name__ == "__main__":
    sys.exit(main())
