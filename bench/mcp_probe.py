#!/usr/bin/env python3
"""Wall time and peak memory of the MCP-speaking families against a local MCP SDK server.

For each reply mode (JSON and SSE) and each concurrency (1 and 50 scans at once), this runs,
alternating in the same run:
- `handshake`: the MCP client's initialize only, through the same SafeHttp client;
- `listing`: the handshake and the listing (tools, prompts, resources), what one client does;
- `families`: the auth, tools and publisher families (advisories on, so `serverInfo` is read),
  through the runner, as a scan runs them.
The families' cost is reported as ratios to the handshake and to the listing, because
absolute times on this shared 2-core machine drift from run to run. The goal (issue 14) is
families within 1.5x the listing.

The server runs in its own process (the official Python SDK under uvicorn), so the probe's
event loop does not share the GIL with it. Peak memory is measured in a separate pass with
tracemalloc (Python allocations of the probing process), so tracing does not skew the timing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

from probes.auth.family import AUTH_FAMILY
from probes.context import ProbeContext
from probes.http import SafeHttp
from probes.mcp.client import handshake
from probes.netpolicy import NetworkPolicy
from probes.publisher.advisories import KnownVulnerability
from probes.publisher.family import publisher_family
from probes.publisher.sources import PublisherSources
from probes.runner import run_families
from probes.target import Target, parse_endpoint_url
from probes.tools.family import TOOLS_FAMILY

ROOT = Path(__file__).resolve().parent.parent
# The SDK logs every refused Origin through rich; that rendering would be timed as server work.
SERVER_CODE = """
import logging
import sys
from tests.servers.mcp import mcp_server
logging.disable(logging.ERROR)
with mcp_server(mode=sys.argv[1]) as server:
    print(server.url, flush=True)
    sys.stdin.read()
"""
Job = Callable[[str, ProbeContext], Awaitable[None]]


class MeaninglessRun(RuntimeError):
    """A job did not do its work (a family failed, nothing was listed): no figure to print."""


async def no_advisories(ecosystem: str, name: str, version: str) -> tuple[KnownVulnerability, ...]:
    """An advisory database that knows nothing: the lookup itself costs nothing."""
    del ecosystem, name, version
    return ()


PUBLISHER = publisher_family(PublisherSources(advisories=no_advisories))


@contextlib.contextmanager
def sdk_server(mode: str) -> Iterator[str]:
    """Run tests/servers/mcp.py's default server in a subprocess; yield its URL."""
    with subprocess.Popen(
        [sys.executable, "-c", SERVER_CODE, mode],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        yield _server_url(proc, mode)


def _server_url(proc: subprocess.Popen[str], mode: str) -> str:
    """The URL the server printed; the server stops when its stdin closes."""
    if proc.stdout is None or proc.stdin is None:
        raise SystemExit("the server process has no pipes")
    url = proc.stdout.readline().strip()
    if not url:
        raise SystemExit(f"the {mode} server did not start")
    return url


def context() -> ProbeContext:
    return ProbeContext(
        policy=NetworkPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),))
    )


def target_for(url: str) -> Target:
    return Target(endpoint=parse_endpoint_url(url), addresses=("127.0.0.1",))


async def bare_handshake(url: str, ctx: ProbeContext) -> None:
    async with SafeHttp(ctx, target_for(url)) as http:
        await handshake(http, url, ctx.limits, list_surfaces=False)


async def listing(url: str, ctx: ProbeContext) -> None:
    async with SafeHttp(ctx, target_for(url)) as http:
        observation = await handshake(http, url, ctx.limits)
    if not observation.tools:
        raise MeaninglessRun("the listing found no tools")


async def families(url: str, ctx: ProbeContext) -> None:
    result = await run_families(target_for(url), ctx, (AUTH_FAMILY, TOOLS_FAMILY, PUBLISHER))
    failed = [a for a in result.attempts if a.reason is not None]
    if failed:
        raise MeaninglessRun(f"a family failed: {failed}")


async def timed(job: Job, url: str, n: int) -> float:
    ctx = context()
    started = time.perf_counter()
    await asyncio.gather(*(job(url, ctx) for _ in range(n)))
    return time.perf_counter() - started


async def peak_mib(job: Job, url: str, n: int) -> float:
    tracemalloc.start()
    try:
        await asyncio.gather(*(job(url, context()) for _ in range(n)))
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


async def measure(url: str, n: int, repeat: int) -> tuple[list[float], list[float]]:
    """Median seconds and peak MiB of (handshake, listing, families)."""
    jobs = (bare_handshake, listing, families)
    await timed(families, url, 1)  # warm-up: imports, first connections
    runs: list[list[float]] = [[] for _ in jobs]
    for _ in range(repeat):
        for times, job in zip(runs, jobs, strict=True):
            times.append(await timed(job, url, n))
    medians = [statistics.median(times) for times in runs]
    peaks = [await peak_mib(job, url, n) for job in jobs]
    return medians, peaks


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="alternating runs per cell")
    parser.add_argument("--concurrency", type=int, action="append", help="default: 1 and 50")
    args = parser.parse_args()
    levels = args.concurrency or [1, 50]
    print(f"median of {args.repeat} alternating runs; peak = tracemalloc peak of one run")
    print(
        f"{'mode':5} {'scans':>5} {'handshake s':>11} {'listing s':>9} {'families s':>10} "
        f"{'/hs':>5} {'/list':>5} {'peak MiB hs/list/fam':>21}"
    )
    for mode in ("json", "sse"):
        with sdk_server(mode) as url:
            for n in levels:
                try:
                    (bare, listed, full), peaks = asyncio.run(measure(url, n, args.repeat))
                except MeaninglessRun as exc:  # e.g. timeouts on an overloaded machine
                    print(f"{mode:5} {n:5d} no figures: {exc}")
                    return 1
                mib = "/".join(f"{p:.1f}" for p in peaks)
                print(
                    f"{mode:5} {n:5d} {bare:11.3f} {listed:9.3f} {full:10.3f} "
                    f"{full / bare:5.2f} {full / listed:5.2f} {mib:>21}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
