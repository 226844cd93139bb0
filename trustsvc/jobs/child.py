"""`python -m trustsvc.jobs.child`: the job table of `trustsvc serve`, in a process of its own.

Started and supervised by `jobs/process.py`, never by hand. It reads the same TRUSTSVC_*
environment as the `serve` that started it, so it runs exactly the table `serve` would
(the registry sync only with TRUSTSVC_REGISTRY_SYNC=on), on its own engine, pools, probe
threads and heap. Its metrics (the `jobs` loop's lag, scans, sync runs, deliveries) are
served on an ephemeral loopback port that it reports as its first line on stdout,
`{"metrics_port": N}`; `serve` merges them into its own `/metrics`.

Its life is bound to the parent's three ways: SIGTERM (what `serve` sends on shutdown)
stops claiming, finishes held scans and exits 0; the kernel sends SIGTERM when the parent
dies (`PR_SET_PDEATHSIG`, Linux); and its stdin is a pipe from the parent, whose end of
file (the parent gone, on any system) stops it the same way. Ctrl-C reaches the whole
process group, so SIGINT is ignored here: the parent decides when the jobs stop.

It runs at a lower CPU priority (`NICENESS`): the API and the jobs no longer share a lock,
but on a small machine they share the cores, and the lookups are the latency that counts.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import json
import os
import signal
import sys
import threading

from trustsvc.config.settings import Settings, load_settings
from trustsvc.jobs.beside import jobs_settings
from trustsvc.jobs.runner import running_scheduler
from trustsvc.observability.logs import configure_logging
from trustsvc.observability.loop_lag import monitoring_lag
from trustsvc.observability.server import metrics_server
from trustsvc.services import open_services, start_up_warnings_given

_PR_SET_PDEATHSIG = 1
METRICS_HOST = "127.0.0.1"
EXIT_DEADLINE_S = 45.0
"""From the stop request to the process's end at the latest: finishing held scans is bounded
by `serve`'s 30 s, and a task that will not cancel must not keep an orphan alive."""
NICENESS = 10
"""How much lower than `serve` the jobs are scheduled: when the cores are busy, a request
runs before a page's parse. They still get every idle cycle."""


def bind_to_parent(parent_pid: int) -> bool:
    """Ask for SIGTERM when the parent dies; False if it already has (re-parented)."""
    with contextlib.suppress(OSError, AttributeError):  # Linux only; stdin's EOF elsewhere
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    return os.getppid() == parent_pid


async def run_jobs(settings: Settings) -> int:
    """Run the job table until SIGTERM or the end of stdin; returns the exit code."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    def watch_stdin() -> None:
        with contextlib.suppress(OSError, ValueError):
            sys.stdin.buffer.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch_stdin, name="trustsvc-jobs-parent", daemon=True).start()
    settings = jobs_settings(settings)
    start_up_warnings_given()  # serve printed them
    async with (
        open_services(settings) as app,
        monitoring_lag(app.metrics.lag_observer("jobs")),
        metrics_server(app.metrics, app.sessions, app.clock, host=METRICS_HOST, port=0) as bound,
        running_scheduler(app, settings),
    ):
        # What start-up built stays for the process's life; a full collection that walks
        # it again and again would stall this loop for ~100 ms at a time (issue 22).
        gc.collect()
        gc.freeze()
        print(json.dumps({"metrics_port": bound[1]}), flush=True)  # noqa: T201 - the parent reads it
        await stop.wait()
        exit_by_deadline(EXIT_DEADLINE_S)
        app.stopping.set()
        await app.reprober.idle()
    return 0


def exit_by_deadline(seconds: float) -> None:
    """End the process `seconds` from now if it has not ended by then, whatever it awaits."""
    timer = threading.Timer(seconds, os._exit, (1,))
    timer.daemon = True
    timer.start()


def main() -> int:
    """The child's whole life; `serve`'s pid is argv[1]."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    if not bind_to_parent(int(sys.argv[1])):
        return 0
    settings = load_settings(os.environ)
    configure_logging(settings.observability)
    try:
        return asyncio.run(run_jobs(settings))
    finally:
        exit_by_deadline(EXIT_DEADLINE_S)  # asyncio's own teardown waits for every task


if __name__ == "__main__":
    sys.exit(main())
