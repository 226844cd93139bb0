"""The job table on an event loop of its own, in a thread beside the API's loop.

`trustsvc serve` runs the scheduler itself on the embedded default. On the API's loop every
callback a job runs (parsing and validating a registry page, flushing its rows, claiming
and judging scans, importing a module on first use, reading feed files) is a callback every
request waits behind: with a registry sync due, lookups had a p99 above a second and a max
near two (issue 22, bench/lookup.py --serve). So jobs never run there. They get a thread
with a loop and services of their own: their own engine and pools (an asyncpg connection
belongs to the loop that opened it, and a job must never queue a lookup behind its
queries), their own probe thread pool, and no lookup cache. The API's cache learns of the
scans they store from its tail of the scores table, within `TRUSTSVC_LOOKUP_POLL_S`.

A thread keeps the loop apart, not the interpreter: the jobs still share the GIL and the
heap with the API, and a full garbage collection that their allocations set off, or one
long C call of theirs, holds every request up (lookup p99 150-230 ms, max 500-630 ms with
a sync running). So `trustsvc serve` runs the table in a child process instead
(jobs/process.py, jobs/child.py). This thread remains what `create_app` uses by default:
the tests, which look at the runner in-process, and the demo, whose settings (a lab CA,
private targets) are its own and not the environment's that a child would read.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading
from collections.abc import AsyncIterator

from probes.netpolicy import Resolver
from trustsvc.config.settings import Settings
from trustsvc.jobs.runner import JobRunner, running_scheduler
from trustsvc.jobs.table import JobTable, job_table
from trustsvc.observability.loop_lag import monitoring_lag
from trustsvc.observability.metrics import Metrics
from trustsvc.services import AppServices, open_services

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 30.0
"""How long shutdown waits for the jobs' loop to close (a scan in a probe thread may hang)."""


def jobs_settings(settings: Settings) -> Settings:
    """The API's settings as the jobs' services use them.

    No lookup cache (nothing serves lookups there, and a second cache would hold memory and
    a poller), and no migration: the API's start-up already brought the schema to head.
    """
    return dataclasses.replace(settings, lookup_poll_s=0.0, auto_migrate=False)


class JobThread:
    """A thread running `table` on its own loop until `stop`; `runner` while it runs."""

    def __init__(
        self,
        settings: Settings,
        resolver: Resolver,
        metrics: Metrics,
        *,
        peers: tuple[AppServices, ...] = (),
        table: JobTable = job_table,
    ) -> None:
        self._settings = settings
        self._resolver = resolver
        self._metrics = metrics
        self._peers = peers
        self._table = table
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self.runner: JobRunner | None = None
        # Daemon: a probe thread that never returns must not keep the process alive.
        self._thread = threading.Thread(target=self._main, name="trustsvc-jobs", daemon=True)

    @property
    def running(self) -> bool:
        """Whether the thread is up with its table scheduled (for readiness)."""
        return self._thread.is_alive() and self.runner is not None

    def start(self) -> None:
        """Start the thread and wait until its services are open and the table is scheduled.

        Blocking; raises what opening the services raised (an unreachable database).
        """
        self._thread.start()
        self._ready.wait()
        if self._failure is not None:
            self._thread.join()
            raise self._failure

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Ask the loop to stop the scheduler and close its services; wait for the thread."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # closed between the check and the call
                loop.call_soon_threadsafe(stop.set)
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            log.warning("the jobs' loop did not stop within %.0f s; leaving it", timeout_s)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # handed to start(), or logged
            if not self._ready.is_set():
                self._failure = exc
            else:
                log.exception("the jobs' loop failed")
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        settings = jobs_settings(self._settings)
        async with (
            open_services(settings, self._resolver, metrics=self._metrics) as app,
            monitoring_lag(self._metrics.lag_observer("jobs")),
            running_scheduler(app, settings, peers=self._peers, table=self._table) as runner,
        ):
            self.runner = runner
            self._ready.set()
            await self._stop.wait()
            app.stopping.set()


@contextlib.asynccontextmanager
async def jobs_beside(
    api: AppServices,
    settings: Settings,
    resolver: Resolver,
    *,
    table: JobTable = job_table,
) -> AsyncIterator[JobThread]:
    """Run the job table in a `JobThread` for the duration of the block (the API's lifespan).

    Starting and stopping wait on the thread, so they run in a worker thread too: the API's
    loop is never held while the jobs' services open or close.
    """
    thread = JobThread(settings, resolver, api.metrics, peers=(api,), table=table)
    await asyncio.to_thread(thread.start)
    try:
        yield thread
    finally:
        await asyncio.to_thread(thread.stop)
