"""`trustsvc serve`'s job table in a child process it starts, supervises and outlives.

Why a process (issue 22): in a thread beside the API's loop (jobs/beside.py) the jobs still
shared the interpreter's lock and the heap with requests. A registry page parsed and
validated in one C call, a flush of hundreds of rows, and above all the full garbage
collections that the jobs' allocations set off (~100 ms each over the heap of a started
service, run by whichever thread allocates) held every request up: lookup p99 150-230 ms
and max 500-630 ms with the scheduler on. In a child the jobs have their own lock, heap
and collector, and the API's loop only ever waits for its own work.

The child is `python -m trustsvc.jobs.child` (jobs/child.py) with `serve`'s environment.
`JobProcess.start` starts a supervising task and returns: the API serves while the child
imports and opens its services, and `running` (readiness: `/readyz` says `scheduler:
running`) once the child has said it scheduled its table. A child that exits on its own,
or before it was ready, is replaced after a back-off that doubles from 1 s to 30 s and
starts again at 1 s once a child has lived a minute, with one warning line each time
(what the child itself said is on the same stderr). `stop`
sends SIGTERM (the child finishes its held scans) and kills it after `STOP_TIMEOUT_S`. The
child also stops when `serve` dies, killed or not (parent-death signal, and its stdin).

Its metrics are merged, not separate: `metrics_text` fetches the child's exposition from
its loopback port, and `GET /metrics` serves the sum (observability/merge.py), so an
operator scrapes one target as before, with the `jobs` loop's lag beside the `api`'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import time
from http import HTTPStatus

import aiohttp

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 30.0
"""How long shutdown waits for the child to finish its held scans before killing it."""
START_TIMEOUT_S = 120.0
"""How long a child may take to open its services (a busy machine imports slowly)."""
BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
HEALTHY_AFTER_S = 60.0
"""A child that lived this long resets the back-off."""
SCRAPE_TIMEOUT_S = 5.0


class JobsDidNotStart(RuntimeError):
    """The child exited, or stayed silent, before its table was scheduled."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"the jobs process exited before it was ready (exit {code})")
        self.code = code


class JobProcess:
    """The supervised child; `running` while one is up with its table scheduled."""

    def __init__(self, argv: tuple[str, ...] | None = None) -> None:
        self._argv = argv or (sys.executable, "-m", "trustsvc.jobs.child", str(os.getpid()))
        self._proc: asyncio.subprocess.Process | None = None
        self._metrics_port: int | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        """The current child's pid (None between a crash and its restart)."""
        proc = self._proc
        return proc.pid if proc is not None and proc.returncode is None else None

    @property
    def running(self) -> bool:
        """Whether a child is up with its table scheduled (for readiness)."""
        return self.pid is not None and self._metrics_port is not None

    async def start(self) -> None:
        """Start supervising: the first child starts now, and `running` once it is ready.

        Not waited for: the API serves while the child imports and opens its services.
        """
        self._supervisor = asyncio.create_task(self._supervise(), name="trustsvc-jobs-supervisor")

    async def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Stop supervising; SIGTERM the child, and SIGKILL it if it has not exited in time."""
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), timeout_s)
        except TimeoutError:
            log.warning("the jobs process did not stop within %.0f s; killing it", timeout_s)
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()

    async def metrics_text(self) -> str:
        """The child's exposition text, or "" when it cannot be had (restarting, stuck)."""
        port = self._metrics_port
        if port is None or not self.running:
            return ""
        timeout = aiohttp.ClientTimeout(total=SCRAPE_TIMEOUT_S)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as http,
                http.get(f"http://127.0.0.1:{port}/metrics") as response,
            ):
                return await response.text() if response.status == HTTPStatus.OK else ""
        except (aiohttp.ClientError, TimeoutError):
            log.warning("could not read the jobs process's metrics", exc_info=True)
            return ""

    async def _spawn(self) -> None:
        self._metrics_port = None
        proc = await asyncio.create_subprocess_exec(
            *self._argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        self._proc = proc
        assert proc.stdout is not None  # noqa: S101 - piped above
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), START_TIMEOUT_S)
            port = int(json.loads(line)["metrics_port"]) if line else None
        except (TimeoutError, ValueError, KeyError, TypeError):
            port = None
        if port is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            code = await proc.wait()
            raise JobsDidNotStart(code)
        self._metrics_port = port

    async def _supervise(self) -> None:
        attempt = 0
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                await self._spawn()
            except JobsDidNotStart as exc:
                code: int | None = exc.code
            else:
                proc = self._proc
                assert proc is not None  # noqa: S101 - set by _spawn
                code = await proc.wait()
            self._metrics_port = None
            if self._stopping.is_set():
                return
            attempt = 0 if time.monotonic() - started >= HEALTHY_AFTER_S else attempt
            delay = BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]
            attempt += 1
            self.restarts += 1
            log.warning(
                "the jobs process exited with %s; starting another in %.0f s",
                code,
                delay,
                extra={"event": "jobs_process_exit", "exit_code": code},
            )
            await asyncio.sleep(delay)
