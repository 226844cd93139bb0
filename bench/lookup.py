#!/usr/bin/env python3
"""Throughput of GET /v1/lookup as a ratio of the trivial /livez route of the same process.

What is measured: a fresh database (an SQLite file; PostgreSQL too with --postgres or
TRUSTSVC_BENCH_POSTGRES_URL, in a throw-away database dropped afterwards) is migrated and
filled with 10,000 endpoints, each with one completed scan holding the whole TLS catalogue's
findings and its score (bench/lookup_data.py). The API is served in a subprocess under uvicorn
(asyncio's loop + httptools, as `serve` runs it) or granian (--server), built by
bench/lookup_app.py. After a warm-up,
wrk -t2 -c64 --latency loads /livez (a constant small document, touching nothing: the
server's floor), then the lookup route through bench/lookup.lua, which asks for random stored
endpoints (a quarter of them spelled non-canonically, so normalisation is exercised).

Why a same-run ratio: the box has 2 noisy cores shared by wrk and the server, so absolute
req/s drift between runs. Both routes cross the same server, routing, middleware and JSON
encoding within the same minute, so lookup req/s / trivial req/s isolates what a lookup adds
(URL normalisation, one indexed query, the result document). Goal: >= 0.7.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import aiohttp
from loadgen import CONNECTIONS, THREADS, Load, aiohttp_load, ensure_wrk, run_wrk
from lookup_data import load_database, postgres_database, rows_per_endpoint, submitted_url

from probes.target import parse_endpoint_url

BENCH = Path(__file__).resolve().parent
POSTGRES_ENV = "TRUSTSVC_BENCH_POSTGRES_URL"
GOAL = 0.7
AUTH_GOAL = 1.15  # --auth: open req/s / keyed req/s
TRIVIAL = "/livez"  # the baseline: routing, access middleware and encoding, no I/O


def http_get(port: int, path: str, bearer: str = "") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {bearer}"} if bearer else {})
        response = conn.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        conn.close()


def server_argv(server: str, port: int) -> list[str]:
    """uvicorn as trustsvc.serve.server() configures it (asyncio + httptools), or granian."""
    address = ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    if server == "granian":  # its loop "auto" picks uvloop
        argv = ["-m", "granian", "--interface", "asgi", "--workers", "1"]
    else:
        argv = ["-m", "uvicorn", "--loop", "asyncio", "--http", "httptools", "--lifespan", "on"]
        argv.append("--no-access-log")
    return [sys.executable, *argv, *address, "--factory", "lookup_app:app_factory"]


@contextlib.contextmanager
def serving(
    server: str,
    database_url: str,
    log: Path,
    cache_poll_s: float,
    extra_env: dict[str, str] | None = None,
) -> Iterator[int]:
    """Run the app in a subprocess on a free loopback port; stop it on exit."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {
        **os.environ,
        "TRUSTSVC_DATABASE_URL": database_url,
        "TRUSTSVC_LOOKUP_POLL_S": str(cache_poll_s),
        "PYTHONPATH": str(BENCH),
        # The served app must not run the job table: its registry sync would reach out.
        "TRUSTSVC_SCHEDULER": "off",
        "TRUSTSVC_DOMAIN_LOOKUPS": "off",
        **(extra_env or {}),
    }
    with log.open("w") as out:
        proc = subprocess.Popen(server_argv(server, port), env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 30
        while http_get(port, "/health")[0] != 200:  # public whatever the access mode
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{server} did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def check_lookup(port: int, raw: str, bearer: str = "") -> None:
    status, body = http_get(port, f"/v1/lookup?url={quote(raw, safe='')}", bearer)
    if status != 200 or json.loads(body)["url"] != parse_endpoint_url(raw).url:
        raise SystemExit(f"lookup of stored {raw} answered {status}: {body[:300]!r}")


async def prime(port: int, lines: list[str], bearer: str = "", concurrency: int = 32) -> float:
    """Request every stored URL once, so the measured run sees the cache as it runs."""
    started = time.monotonic()
    gate = asyncio.Semaphore(concurrency)
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    async with aiohttp.ClientSession(headers=headers) as http:

        async def one(line: str) -> None:
            async with gate, http.get(f"http://127.0.0.1:{port}/v1/lookup?url={line}") as r:
                if r.status != 200:
                    raise SystemExit(f"priming lookup answered {r.status}")

        await asyncio.gather(*(one(line) for line in lines))
    return time.monotonic() - started


def measure(args: argparse.Namespace, port: int, route: str, seconds: float, urls: Path) -> Load:
    base = f"http://127.0.0.1:{port}"
    if args.wrk and route == TRIVIAL:  # same script and query strings: equal load-generator cost
        return run_wrk(base + "/", seconds, BENCH / "lookup.lua", str(urls), TRIVIAL)
    if args.wrk:
        return run_wrk(base + "/", seconds, BENCH / "lookup.lua", str(urls))
    targets = (
        [base + TRIVIAL]
        if route == TRIVIAL
        else [f"{base}/v1/lookup?url={line}" for line in urls.read_text().split()]
    )
    return asyncio.run(aiohttp_load(targets, seconds))


def bench_backend(label: str, database_url: str, args: argparse.Namespace, work: Path) -> bool:
    migrate_s, load_s = asyncio.run(load_database(database_url, args.endpoints))
    rows = args.endpoints * rows_per_endpoint()
    print(
        f"\n== {label}: migrated in {migrate_s:.1f} s; {args.endpoints} endpoints ({rows} rows) "
        f"loaded in {load_s:.1f} s ({rows / load_s:.0f} rows/s)"
    )
    submitted = [submitted_url(i) for i in range(args.endpoints)]
    urls = work / "urls.txt"
    urls.write_text("".join(quote(u, safe="") + "\n" for u in submitted))
    servers = ("uvicorn", "granian") if args.server == "both" else (args.server,)
    print(
        f"{'server':8} {'cache':>6} {'route':8} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'non-2xx':>8} sockerr"
    )
    ok = True
    for server, poll in [(s, p) for s in servers for p in args.cache_poll]:
        with serving(server, database_url, work / f"{server}.log", poll, _OPEN_ENV) as port:
            for raw in submitted[:4]:
                check_lookup(port, raw)
            if poll > 0:  # a served cache is warm: look every endpoint up once first
                primed_s = asyncio.run(prime(port, urls.read_text().split()))
                print(f"{server:8} {poll:5g}s primed {args.endpoints} lookups in {primed_s:.1f} s")
            results: dict[str, Load] = {}
            for duration in (args.warmup, args.duration):  # the first pass is the warm-up
                for route in (TRIVIAL, "lookup"):
                    results[route] = measure(args, port, route, duration, urls)
        for route, r in results.items():
            name = route.rsplit("/", 1)[-1]
            print(
                f"{server:8} {poll:5g}s {name:8} {r.rps:8.0f} {r.p50_ms:7.2f} {r.p99_ms:7.2f} "
                f"{r.non_2xx:8d} {r.socket_errors:7d}"
            )
            ok &= r.non_2xx == 0
        ratio = results["lookup"].rps / results[TRIVIAL].rps
        p99_ratio = results["lookup"].p99_ms / results[TRIVIAL].p99_ms
        print(f"{server:8} {poll:5g}s p99 lookup/livez = {p99_ratio:.2f} (goal <= 1.5)")
        verdict = "meets the goal" if ratio >= GOAL else "BELOW the goal"
        print(f"{server:8} {poll:5g}s ratio lookup/trivial = {ratio:.2f} ({verdict} of >= {GOAL})")
    if not ok:
        print(f"ERROR: non-2xx responses on {label}: these figures are not valid")
    return ok


# Rate limits high enough never to refuse wrk, low enough to be counted on every request.
_KEYED_ENV = {
    "TRUSTSVC_AUTH": "required",
    "TRUSTSVC_RATE_READ_PER_MIN": "1e12",
    "TRUSTSVC_RATE_ADDRESS_PER_MIN": "1e12",
    "TRUSTSVC_RATE_KEY_PER_MIN": "1e12",
}
_OPEN_ENV = {
    "TRUSTSVC_AUTH": "open",
    "TRUSTSVC_RATE_READ_PER_MIN": "0",
    "TRUSTSVC_RATE_ADDRESS_PER_MIN": "0",
    "TRUSTSVC_RATE_KEY_PER_MIN": "0",
}


def bench_auth(label: str, database_url: str, args: argparse.Namespace, work: Path) -> bool:
    """Lookup req/s with no access control vs. key checking and rate limiting, alternated.

    Both configurations get the same requests, Authorization header included, so wrk's cost
    is equal and the ratio is what the server spends on the access middleware.
    """
    from trustsvc.auth.principal import Scope  # noqa: PLC0415
    from trustsvc.commands.keys import create_key  # noqa: PLC0415 - only this mode needs it
    from trustsvc.config.settings import Settings  # noqa: PLC0415

    asyncio.run(load_database(database_url, args.endpoints))
    printed = asyncio.run(
        create_key(Settings(database_url=database_url), "bench", [Scope.READ], None)
    )
    token = printed.splitlines()[1]
    os.environ["BENCH_BEARER"] = token
    submitted = [submitted_url(i) for i in range(args.endpoints)]
    urls = work / "urls.txt"
    urls.write_text("".join(quote(u, safe="") + "\n" for u in submitted))
    print(f"\n== {label}: {args.endpoints} endpoints; lookup with the cache as served (1 s poll)")
    print(f"{'config':8} {'round':>5} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>8}")
    rps: dict[str, list[float]] = {"open": [], "keyed": []}
    ok = True
    for round_no in range(1, args.rounds + 1):
        for config, env in (("open", _OPEN_ENV), ("keyed", _KEYED_ENV)):
            with serving("uvicorn", database_url, work / f"{config}.log", 1.0, env) as port:
                check_lookup(port, submitted[0], token)
                if config == "keyed" and http_get(port, "/v1/endpoints")[0] != 401:
                    raise SystemExit("the keyed server answered without a key")
                asyncio.run(prime(port, urls.read_text().split(), token))
                measure(args, port, "lookup", args.warmup, urls)
                r = measure(args, port, "lookup", args.duration, urls)
            rps[config].append(r.rps)
            ok &= r.non_2xx == 0
            print(
                f"{config:8} {round_no:5d} {r.rps:8.0f} {r.p50_ms:7.2f} {r.p99_ms:7.2f} "
                f"{r.non_2xx:8d}"
            )
    ratio = sum(rps["open"]) / sum(rps["keyed"])
    verdict = "meets the goal" if ratio <= AUTH_GOAL else "ABOVE the goal"
    print(f"ratio open/keyed req/s = {ratio:.3f} ({verdict} of <= {AUTH_GOAL})")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get(POSTGRES_ENV),
        help=f"PostgreSQL server (postgresql+asyncpg://...), default ${POSTGRES_ENV}",
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds per route")
    parser.add_argument("--endpoints", type=int, default=10_000)
    parser.add_argument(
        "--cache-poll",
        type=float,
        action="append",
        help="TRUSTSVC_LOOKUP_POLL_S for the server (repeatable; 0 = no cache, every lookup "
        "queries the database); default: 1 (as served) and 0 (the database path alone)",
    )
    parser.add_argument(
        "--server",
        choices=("uvicorn", "granian", "both"),
        default="uvicorn",
        help="uvicorn (as `trustsvc serve` runs it), granian, or both in turn",
    )
    parser.add_argument(
        "--auth",
        action="store_true",
        help="instead: lookup req/s open vs. with API-key checking and rate limiting (needs wrk)",
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="--auth, --serve: alternations of the two loads"
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="instead: `trustsvc serve` as the README starts it (scheduler on, a registry sync "
        "due) with /livez beside the lookups; p99, max and the event-loop lag (needs wrk)",
    )
    parser.add_argument(
        "--registry-entries",
        type=int,
        default=20_000,
        help="--serve: servers the lab registry lists (the sync imports them while measured)",
    )
    parser.add_argument(
        "--serve-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="--serve: an extra variable for `trustsvc serve` (repeatable), to compare settings",
    )
    args = parser.parse_args()
    if args.server != "uvicorn" and not shutil.which("granian", path=Path(sys.executable).parent):
        parser.error("granian is not installed in this venv")
    args.cache_poll = args.cache_poll or [1.0, 0.0]
    args.wrk = ensure_wrk()
    if args.auth and not args.wrk:
        parser.error("--auth needs wrk (the fallback load sends no Authorization header)")
    if args.serve and not args.wrk:
        parser.error("--serve needs wrk (its max latency and same-script baseline)")
    tool = "wrk" if args.wrk else "aiohttp fallback,"
    print(
        f"load: {tool} -t{THREADS} -c{CONNECTIONS} -d{args.duration:g}s --latency per route, "
        f"after a {args.warmup:g} s warm-up per route; server and load share this machine"
    )
    if args.serve:
        from lookup_serve import run as run_serve  # noqa: PLC0415 - this mode only

        return 0 if run_serve(args) else 1
    ok = True
    with tempfile.TemporaryDirectory(prefix="trustsvc-bench-") as tmp:
        work = Path(tmp)
        run = bench_auth if args.auth else bench_backend
        ok &= run("SQLite", f"sqlite+aiosqlite:///{work / 'bench.db'}", args, work)
        if args.postgres:
            with postgres_database(args.postgres) as url:
                ok &= run("PostgreSQL", url, args, work)
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped, temporary databases removed")
        sys.exit(130)
