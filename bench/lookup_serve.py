"""`bench/lookup.py --serve`: lookups from `trustsvc serve` as the README starts it.

What runs: a fresh directory holds the default embedded database (`trustsvc.db`, filled with
the stored endpoints of bench/lookup_data.py), and `trustsvc serve` is started there with
nothing set but `TRUSTSVC_REGISTRY_URL`, pointed at a loopback lab registry
(tests/servers/registry.py, in its own process) that lists `--registry-entries` servers, and
`TRUSTSVC_REGISTRY_SYNC=on` (off by default in `serve` since issue 17; without it the
scheduler has almost nothing to do, which is not the case this measures: `--serve-env
TRUSTSVC_REGISTRY_SYNC=off` gives the plain defaults). So the scheduler is on, the registry
sync is due one second after start and imports page after page, the queue drain makes every
imported remote due, and the sweep claims them: the jobs run while wrk loads the server.
Every remote is `http://127.0.0.1:<closed port>`, which the default network policy refuses
before any connection, and the domain family is set offline (`TRUSTSVC_DOMAIN_LOOKUPS=off`,
a rule of this machine: nothing may ask a resolver off it). The read rate limit is off
(`TRUSTSVC_RATE_READ_PER_MIN=0`): wrk is one address asking far more than the default 1,000
reads a second, and this measures the server, not the limiter (`--serve-env` puts it back).
On PostgreSQL the same runs with `TRUSTSVC_SCHEDULER=on`, since `serve` leaves the jobs to
workers there by default.

wrk (-t2 -c64, the same Lua script and query strings for both) alternates between
`/livez` (touches nothing: the same server's floor) and `/v1/lookup` for `--rounds`
rounds. The report gives req/s, p50, p99 and max of each, their same-run ratio, the
event-loop lag histogram the server exports (`trustsvc_event_loop_lag_seconds`), and how
far the sync had got, so a run that missed the jobs shows it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import aiohttp
from loadgen import Load, run_wrk
from lookup_data import load_database, postgres_database, submitted_url

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LIVEZ = "/livez"
LOOKUP = "/v1/lookup"
P99_GOAL_MS = 25.0
MAX_GOAL_MS = 100.0
RATIO_GOAL = 0.7

UPSTREAM_CODE = """
import asyncio, json, sys
from tests.servers.registry import FakeRegistry, make_entry

async def main(count, port):
    async with FakeRegistry() as registry:
        registry.entries = [
            make_entry(
                f"io.github.bench{i % 97}/server-{i:06d}",
                "1.0.0",
                remotes=[{"type": "streamable-http", "url": f"http://127.0.0.1:{port}/mcp/{i}"}],
            )
            for i in range(count)
        ]
        registry.reorder()
        print(json.dumps({"url": registry.url}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def lab_registry(entries: int) -> Iterator[str]:
    """The fake upstream in its own process; yields its base URL, stops when stdin closes."""
    closed = free_port()  # nothing listens there: a remote that is ever probed is refused
    with subprocess.Popen(
        [sys.executable, "-c", UPSTREAM_CODE, str(entries), str(closed)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line:
            raise SystemExit("the lab registry did not start")
        try:
            yield str(json.loads(line)["url"])
        finally:
            if proc.stdin:
                proc.stdin.close()


def http_get(port: int, path: str) -> tuple[int, bytes]:
    import http.client  # noqa: PLC0415

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        conn.close()


@contextlib.contextmanager
def trustsvc_serve(cwd: Path, env: dict[str, str], log: Path) -> Iterator[int]:
    """`trustsvc serve --port P` in `cwd` with exactly `env` added to a clean environment."""
    port = free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTSVC_")}
    trustsvc = str(Path(sys.executable).parent / "trustsvc")
    with log.open("w") as out:
        proc = subprocess.Popen(
            [trustsvc, "serve", "--port", str(port)],
            cwd=cwd,
            env=base | env,
            stdout=out,
            stderr=out,
        )
    try:
        deadline = time.monotonic() + 60
        while http_get(port, LIVEZ)[0] != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"trustsvc serve did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


_BUCKET = re.compile(
    r"^trustsvc_event_loop_lag_seconds_bucket\{(?P<labels>[^}]*)\} (?P<n>\S+)$", re.MULTILINE
)


def lag_histogram(metrics: str) -> dict[str, list[tuple[float, float]]]:
    """Cumulative (upper bound, count) pairs per `loop` label, from the exposition text."""
    out: dict[str, list[tuple[float, float]]] = {}
    for found in _BUCKET.finditer(metrics):
        loop = re.search(r'loop="([^"]*)"', found["labels"])
        bound = re.search(r'le="([^"]*)"', found["labels"])
        if loop and bound:
            out.setdefault(loop[1], []).append((float(bound[1]), float(found["n"])))
    return out


def print_lag(metrics: str) -> None:
    histograms = lag_histogram(metrics)
    if not histograms:
        print("  loop lag: not exported by this server (trustsvc_event_loop_lag_seconds)")
        return
    for loop, buckets in sorted(histograms.items()):
        total = buckets[-1][1] if buckets else 0
        parts, previous = [], 0.0
        for bound, count in buckets:
            label = "+Inf" if math.isinf(bound) else f"{bound * 1000:g}ms"
            parts.append(f"<={label}:{count - previous:.0f}")
            previous = count
        over = {
            limit: total - next((c for b, c in buckets if b >= limit), total)
            for limit in (0.025, 0.1)
        }
        print(f"  loop lag [{loop}] {total:.0f} samples: " + " ".join(parts))
        print(
            f"  loop lag [{loop}] samples above 25 ms: {over[0.025]:.0f}, "
            f"above 100 ms: {over[0.1]:.0f}"
        )


def sync_progress(port: int) -> str:
    status, body = http_get(port, "/v1/sync/runs")
    if status != 200:
        return f"sync runs: HTTP {status}"
    runs = json.loads(body).get("items", [])
    if not runs:
        return "sync runs: none yet"
    run = runs[0]
    return (
        f"sync runs: {len(runs)}; newest {run.get('status')}, pages {run.get('pages')}, "
        f"rows {run.get('rows')}, added {run.get('added')}"
    )


async def prime(port: int, lines: list[str], concurrency: int = 32) -> float:
    """Look every stored URL up once: a served cache is warm (the jobs run meanwhile)."""
    started = time.monotonic()
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession() as http:

        async def one(line: str) -> None:
            async with gate, http.get(f"http://127.0.0.1:{port}{LOOKUP}?url={line}") as r:
                if r.status != 200:
                    raise SystemExit(f"priming lookup answered {r.status}")

        await asyncio.gather(*(one(line) for line in lines))
    return time.monotonic() - started


def row(label: str, r: Load) -> str:
    return (
        f"{label:16} {r.rps:8.0f} {r.p50_ms:7.2f} {r.p99_ms:7.2f} {r.max_ms:8.1f} "
        f"{r.non_2xx:8d} {r.socket_errors:7d}"
    )


def bench_serve(label: str, env: dict[str, str], args: argparse.Namespace, work: Path) -> bool:
    """Load /livez and /v1/lookup in turn on one `trustsvc serve`; print figures and goals."""
    urls = work / "urls.txt"
    urls.write_text("".join(quote(submitted_url(i), safe="") + "\n" for i in range(args.endpoints)))
    print(f"\n== {label}: trustsvc serve, {args.registry_entries} servers in the lab registry")
    print(
        f"{'route':16} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>8} "
        f"{'non-2xx':>8} sockerr"
    )
    with trustsvc_serve(work, env, work / "serve.log") as port:
        base = f"http://127.0.0.1:{port}/"
        status, body = http_get(port, f"{LOOKUP}?url={quote(submitted_url(1), safe='')}")
        if status != 200:
            raise SystemExit(f"a stored lookup answered {status}: {body[:200]!r}")
        primed_s = asyncio.run(prime(port, urls.read_text().split()))
        print(f"  primed the cache with {args.endpoints} lookups in {primed_s:.1f} s")
        run_wrk(base, args.warmup, BENCH / "lookup.lua", str(urls), LIVEZ)
        run_wrk(base, args.warmup, BENCH / "lookup.lua", str(urls))
        results: dict[str, list[Load]] = {LIVEZ: [], LOOKUP: []}
        for round_no in range(1, args.rounds + 1):
            for route in (LIVEZ, LOOKUP):
                extra = (LIVEZ,) if route == LIVEZ else ()
                r = run_wrk(base, args.duration, BENCH / "lookup.lua", str(urls), *extra)
                results[route].append(r)
                print(row(f"{route} #{round_no}", r))
        print(f"  {sync_progress(port)}")
        print_lag(http_get(port, "/metrics")[1].decode())
    livez, lookup = results[LIVEZ], results[LOOKUP]
    ratio = sum(r.rps for r in lookup) / sum(r.rps for r in livez)
    p99 = max(r.p99_ms for r in lookup)
    top = max(r.max_ms for r in lookup)
    livez_p99 = max(r.p99_ms for r in livez)
    print(
        f"  lookup/livez req/s = {ratio:.2f} (goal >= {RATIO_GOAL}); lookup p99 {p99:.1f} ms "
        f"(goal <= {P99_GOAL_MS:g}), {p99 / livez_p99:.2f}x livez's {livez_p99:.1f} ms "
        f"(goal <= 1.5x); lookup max {top:.0f} ms (goal <= {MAX_GOAL_MS:g})"
    )
    errors = sum(r.non_2xx + r.socket_errors for r in livez + lookup)
    if errors:
        print(f"  {errors} non-2xx answers or socket errors: see the limits in force")
    return errors == 0


def run(args: argparse.Namespace) -> bool:
    ok = True
    with lab_registry(args.registry_entries) as registry_url:
        env = {
            "TRUSTSVC_REGISTRY_URL": registry_url,
            "TRUSTSVC_DOMAIN_LOOKUPS": "off",
            "TRUSTSVC_RATE_READ_PER_MIN": "0",
            "TRUSTSVC_REGISTRY_SYNC": "on",
        }
        env |= dict(item.split("=", 1) for item in args.serve_env)
        with tempfile.TemporaryDirectory(prefix="trustsvc-serve-") as tmp:
            work = Path(tmp)
            default_db = f"sqlite+aiosqlite:///{work / 'trustsvc.db'}"
            asyncio.run(load_database(default_db, args.endpoints))
            ok &= bench_serve("SQLite (the default trustsvc.db)", env, args, work)
        if args.postgres:
            with (
                tempfile.TemporaryDirectory(prefix="trustsvc-serve-") as tmp,
                postgres_database(args.postgres) as url,
            ):
                asyncio.run(load_database(url, args.endpoints))
                pg = env | {"TRUSTSVC_DATABASE_URL": url, "TRUSTSVC_SCHEDULER": "on"}
                ok &= bench_serve("PostgreSQL (TRUSTSVC_SCHEDULER=on)", pg, args, Path(tmp))
    return ok
