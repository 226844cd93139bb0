"""`trustsvc worker`: the scheduler's job table in its own process, until SIGTERM or SIGINT.

Run as many as the probing load needs against one PostgreSQL database: they share due
endpoints through leases. On a signal, or after TRUSTSVC_WORKER_MAX_SCANS stored scans, a
worker stops claiming, finishes the scans it holds (a scan is stored whole or not at all)
and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import signal
import sys
from collections.abc import AsyncIterator

from trustsvc.commands.errors import UsageError
from trustsvc.config.env import MAX_PORT
from trustsvc.config.schedule import with_registry_sync
from trustsvc.config.settings import Settings
from trustsvc.jobs.runner import running_scheduler
from trustsvc.jobs.table import deliver, describe_schedule, drain_queue, sweep
from trustsvc.observability.logs import configure_logging
from trustsvc.observability.loop_lag import monitoring_lag
from trustsvc.observability.server import metrics_server
from trustsvc.services import AppServices, open_services


async def run_worker(settings: Settings, *, once: bool) -> int:
    """Run the job table until a signal (or one round with `once`); returns the exit code."""
    async with open_services(settings) as app:
        if once:
            registry = (drain_queue,) if settings.schedule.registry_sync else ()
            for step in (*registry, sweep, deliver):
                print(f"{step.__name__}: {await step(app)}")  # noqa: T201 - CLI output
            return 0
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        async with (
            monitoring_lag(app.metrics.lag_observer("jobs")),
            running_scheduler(app, settings),
            _serving_metrics(app, settings),
        ):
            print(f"trustsvc worker {app.reprober.owner} running", flush=True)  # noqa: T201
            print(describe_schedule(settings, runs_here=True), flush=True)  # noqa: T201
            waits = [asyncio.create_task(e.wait()) for e in (stop, app.reprober.recycle)]
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for task in waits:
                task.cancel()
            why = (
                "signalled"
                if stop.is_set()
                else f"recycling after {app.reprober.tally.stored} scans"
            )
            print(f"trustsvc worker stopping ({why}): finishing held scans", file=sys.stderr)  # noqa: T201
            app.stopping.set()
            await app.reprober.idle()
    return 0


@contextlib.asynccontextmanager
async def _serving_metrics(app: AppServices, settings: Settings) -> AsyncIterator[None]:
    """Serve this worker's metrics when TRUSTSVC_METRICS_PORT (or --metrics-port) is set."""
    port = settings.observability.metrics_port
    if port is None:
        yield
        return
    host = settings.observability.metrics_host
    async with metrics_server(app.metrics, app.sessions, app.clock, host=host, port=port) as bound:
        address = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        print(f"trustsvc worker metrics on http://{address}:{bound[1]}/metrics", flush=True)  # noqa: T201
        yield


def run(args: argparse.Namespace, settings: Settings) -> int:
    """`trustsvc worker [--once]` with the metrics options applied."""
    observability = settings.observability
    if args.metrics_port is not None:
        if not 0 <= args.metrics_port <= MAX_PORT:
            raise UsageError(f"--metrics-port must be a port number, got {args.metrics_port}")
        observability = dataclasses.replace(observability, metrics_port=args.metrics_port)
    if args.metrics_host:
        observability = dataclasses.replace(observability, metrics_host=args.metrics_host)
    configure_logging(observability)
    # A worker is a deployment's choice to probe: the registry sync is on unless set off.
    schedule = with_registry_sync(settings.schedule, default=True)
    settings = dataclasses.replace(settings, observability=observability, schedule=schedule)
    return asyncio.run(run_worker(settings, once=args.once))
