"""`trustsvc worker`: the scheduler's job table in its own process, until SIGTERM or SIGINT.

Run as many as the probing load needs against one PostgreSQL database: they share due
endpoints through leases. On a signal, or after TRUSTSVC_WORKER_MAX_SCANS stored scans, a
worker stops claiming, finishes the scans it holds (a scan is stored whole or not at all)
and exits 0.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from trustsvc.app import open_services
from trustsvc.scheduler import deliver, drain_queue, running_scheduler, sweep
from trustsvc.settings import Settings


async def run_worker(settings: Settings, *, once: bool) -> int:
    """Run the job table until a signal (or one round with `once`); returns the exit code."""
    async with open_services(settings) as app:
        if once:
            for step in (drain_queue, sweep, deliver):
                print(f"{step.__name__}: {await step(app)}")  # noqa: T201 - CLI output
            return 0
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        async with running_scheduler(app, settings):
            print(f"trustsvc worker {app.worker.owner} running", flush=True)  # noqa: T201
            waits = [asyncio.create_task(e.wait()) for e in (stop, app.worker.recycle)]
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for task in waits:
                task.cancel()
            why = (
                "signalled" if stop.is_set() else f"recycling after {app.worker.tally.stored} scans"
            )
            print(f"trustsvc worker stopping ({why}): finishing held scans", file=sys.stderr)  # noqa: T201
            app.stopping.set()
            await app.worker.idle()
    return 0
