#!/usr/bin/env python3
"""Lookup latency of `trustsvc serve` while 500 slow-loris connections trickle (issue 16).

`trustsvc serve` runs over a fresh default database holding bench/lookup_data.py's stored
endpoints (scheduler and read rate limit off, to isolate the attack). wrk (-t2 -c64, from
127.0.0.1) loads `/v1/lookup` for `--duration` seconds alone, then again while an attacker
thread holds `--connections` connections from 127.0.0.3: each sends a request line and then
one header line every half second, never ending its head, and is reopened as soon as the
server closes it. The report gives both runs' req/s, p50, p99 and max, their same-run
ratio, how many attack connections the server closed and how many were open on average.
`--unguarded` sets the head and body deadlines to a day and the per-client cap off, which
is how uvicorn behaved before the guard (api/connections.py). Only ever on loopback.

Run from the repository root: `.venv/bin/python bench/slowloris.py [--unguarded]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import threading
from pathlib import Path
from typing import Self
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from loadgen import Load, ensure_wrk, run_wrk  # noqa: E402
from lookup_data import load_database, submitted_url  # noqa: E402
from lookup_serve import prime, row, trustsvc_serve  # noqa: E402

ATTACKER = "127.0.0.3"
UNGUARDED = {
    "TRUSTSVC_HEADER_TIMEOUT_S": "86400",
    "TRUSTSVC_BODY_TIMEOUT_S": "86400",
    "TRUSTSVC_MAX_CONNECTIONS_PER_CLIENT": "0",
}


class Attack:
    """`count` trickling connections, each reopened when the server closes it."""

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.open = 0
        self.closed_by_server = 0
        self.open_samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)

    async def _run(self) -> None:
        tasks = [asyncio.create_task(self._one(i)) for i in range(self.count)]
        while not self._stop.is_set():
            self.open_samples.append(self.open)
            await asyncio.sleep(0.5)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _one(self, i: int) -> None:
        while not self._stop.is_set():
            try:
                reader, writer = await asyncio.open_connection(
                    "127.0.0.1", self.port, local_addr=(ATTACKER, 0)
                )
            except OSError:
                await asyncio.sleep(0.5)
                continue
            self.open += 1
            try:
                writer.write(f"GET /v1/lookup?url=x{i} HTTP/1.1\r\nHost: a\r\n".encode())
                line = 0
                closed = asyncio.ensure_future(_until_closed(reader))
                while not closed.done() and not self._stop.is_set():
                    with contextlib.suppress(ConnectionError):
                        writer.write(f"X-Trickle-{line}: 1\r\n".encode())
                    line += 1
                    await asyncio.wait([closed], timeout=0.5)
                if closed.done():
                    self.closed_by_server += 1
                else:
                    closed.cancel()
            finally:
                self.open -= 1
                writer.close()


async def _until_closed(reader: asyncio.StreamReader) -> None:
    with contextlib.suppress(ConnectionError):
        await reader.read()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--endpoints", type=int, default=2000)
    parser.add_argument("--unguarded", action="store_true", help="deadlines a day, no cap")
    args = parser.parse_args()
    if not ensure_wrk():
        parser.error("this benchmark needs wrk")
    env = {
        "TRUSTSVC_SCHEDULER": "off",
        "TRUSTSVC_DOMAIN_LOOKUPS": "off",
        "TRUSTSVC_RATE_READ_PER_MIN": "0",
        **(UNGUARDED if args.unguarded else {}),
    }
    with tempfile.TemporaryDirectory(prefix="trustsvc-slowloris-") as tmp:
        work = Path(tmp)
        asyncio.run(load_database(f"sqlite+aiosqlite:///{work / 'trustsvc.db'}", args.endpoints))
        urls = work / "urls.txt"
        urls.write_text(
            "".join(quote(submitted_url(i), safe="") + "\n" for i in range(args.endpoints))
        )
        with trustsvc_serve(work, env, work / "serve.log") as port:
            base = f"http://127.0.0.1:{port}/"
            asyncio.run(prime(port, urls.read_text().split()))  # a served cache is warm
            run_wrk(base, 3, BENCH / "lookup.lua", str(urls))  # warm-up
            print(f"{'lookups':16} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>8} ...")
            quiet: Load = run_wrk(base, args.duration, BENCH / "lookup.lua", str(urls))
            print(row("alone", quiet))
            with Attack(port, args.connections) as attack:
                loaded = run_wrk(base, args.duration, BENCH / "lookup.lua", str(urls))
            print(row(f"+{args.connections} slow-loris", loaded))
    mode = "unguarded (deadlines a day, no cap)" if args.unguarded else "guarded (defaults)"
    mean_open = statistics.fmean(attack.open_samples) if attack.open_samples else 0.0
    print(
        f"{mode}: attack connections closed by the server {attack.closed_by_server}, "
        f"open on average {mean_open:.0f}; lookup p99 under attack {loaded.p99_ms:.1f} ms, "
        f"{loaded.p99_ms / quiet.p99_ms:.2f}x alone; req/s {loaded.rps / quiet.rps:.2f}x alone"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
