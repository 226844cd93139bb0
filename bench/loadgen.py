"""HTTP load for the benchmarks: wrk, or a bounded aiohttp generator when wrk cannot be had.

Both give req/s, p50, p99 and error counts; only ever point them at 127.0.0.1. The fallback
shares the machine's two cores with the server and is client-bound, so its req/s are lower than
wrk's; a ratio between two routes measured the same way stays meaningful.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import yarl

THREADS, CONNECTIONS = 2, 64
FALLBACK_MAX_REQUESTS = 200_000
_UNIT_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


@dataclass(frozen=True, slots=True)
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    max_ms: float = float("nan")


def ensure_wrk() -> bool:
    """Whether wrk is usable, installing Debian's package (as root, with apt-get) if missing."""
    if shutil.which("wrk"):
        return True
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("wrk is not installed: installing Debian's wrk package with apt-get ...")
        for argv in (["apt-get", "install", "-y", "-q", "wrk"], ["apt-get", "update", "-q"]) * 2:
            subprocess.run(argv, check=False, stdout=subprocess.DEVNULL)
            if shutil.which("wrk"):
                return True
    print("wrk unavailable: using a bounded aiohttp load generator (client-bound, lower req/s)")
    return False


def _search(pattern: str, out: str) -> re.Match[str]:
    found = re.search(pattern, out, re.MULTILINE)
    if found is None:
        raise SystemExit(f"unexpected wrk output (no {pattern!r}):\n{out}")
    return found


def parse_wrk(out: str) -> Load:
    """The figures of `wrk --latency` output."""
    p50, p99 = (_search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s|m)\s*$", out) for p in (50, 99))
    # "    Latency   avg   stdev   max   +/- stdev": the third figure is the slowest request.
    top = _search(r"^\s+Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)\s", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return Load(
        rps=float(_search(r"^Requests/sec:\s+([\d.]+)", out)[1]),
        p50_ms=float(p50[1]) * _UNIT_MS[p50[2]],
        p99_ms=float(p99[1]) * _UNIT_MS[p99[2]],
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sock.groups()) if sock else 0,
        max_ms=float(top[1]) * _UNIT_MS[top[2]],
    )


def run_wrk(url: str, seconds: float, script: Path | None = None, *script_args: str) -> Load:
    """`wrk -t2 -c64 -dNs --latency [-s script] url [-- script_args]`."""
    argv = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "--latency"]
    argv += ["-s", str(script), url, "--", *script_args] if script else [url]
    return parse_wrk(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)


async def aiohttp_load(urls: Sequence[str], seconds: float) -> Load:
    """CONNECTIONS workers GET random (already encoded) URLs until time or the request cap."""
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONNECTIONS)) as s:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline and len(latencies) < FALLBACK_MAX_REQUESTS:
                url = yarl.URL(random.choice(urls), encoded=True)  # noqa: S311 - not crypto
                sent = time.perf_counter()
                async with s.get(url) as response:
                    await response.read()
                errors += not 200 <= response.status < 400
                latencies.append(time.perf_counter() - sent)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return Load(
        len(latencies) / elapsed, cuts[49] * 1e3, cuts[98] * 1e3, errors, 0, max(latencies) * 1e3
    )
