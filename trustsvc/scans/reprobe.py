"""Re-probing: claim due endpoints with a lease, probe them with bounded concurrency, repeat.

Any number of workers (processes) may run against one database: claims skip rows another
worker holds, leases are renewed while a scan runs, and a scan is stored only if its worker
still holds the lease (see `ScanService.run_leased`). Concurrency is bounded per worker and
per target host, so a fleet on one host is not probed by every slot at once.

A scan nobody asked for (any due reason but `requested`) goes through `Courtesy` first:
the operator's opt-out list, and for servers the registry lists, one scan per host at a
time with a gap after it, and robots.txt. What courtesy holds back is postponed, not
failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.errors import TargetRejected
from probes.target import parse_endpoint_url
from trustsvc.config.courtesy import CourtesySettings
from trustsvc.config.schedule import WorkerSettings
from trustsvc.scans.courtesy import Courtesy, HeldBack
from trustsvc.scans.service import LeaseLostError, ScanService
from trustsvc.schedule.repository import Claimed, ScheduleRepository, defer, postpone

log = logging.getLogger(__name__)


def worker_name() -> str:
    """A name unique to this process, readable in the schedule table."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(slots=True)
class SweepTally:
    """What a worker did, for logs, metrics and tests."""

    claimed: int = 0
    stored: int = 0
    lease_lost: int = 0
    deferred: int = 0
    postponed: int = 0
    errors: list[str] = field(default_factory=list)


class Reprober:
    """Claims and probes due endpoints until stopped."""

    def __init__(
        self,
        *,
        scans: ScanService,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        settings: WorkerSettings | None = None,
        owner: str | None = None,
        courtesy: CourtesySettings | None = None,
    ) -> None:
        self.scans = scans
        self.sessions = sessions
        self.clock = clock
        self.settings = settings or WorkerSettings()
        self.owner = owner or worker_name()
        self.tally = SweepTally()
        self._held: set[str] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self.recycle = asyncio.Event()
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self.courtesy = Courtesy(
            courtesy or CourtesySettings(),
            scans=scans,
            sessions=sessions,
            clock=clock,
            owner=self.owner,
            hold_s=self.settings.lease_s,
        )

    async def _drain(self, stop: asyncio.Event) -> None:
        """Keep up to `concurrency` scans in flight until nothing is due or `stop` is set.

        What is already held is finished either way: a scan is stored whole or not at all.
        """
        running: set[asyncio.Task[None]] = set()
        heartbeat = asyncio.create_task(self._renew_forever(stop))
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                running = {task for task in running if not task.done()}
                free = self.settings.concurrency - len(running)
                claimed = await self._claim(free) if free > 0 else []
                running |= {asyncio.create_task(self._scan(c)) for c in claimed}
                if not running:
                    break
                await asyncio.wait(
                    {*running, stopping},
                    timeout=self.settings.poll_s,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            if running:
                await asyncio.wait(running)
        finally:
            for task in (heartbeat, stopping):
                task.cancel()
            await asyncio.gather(heartbeat, stopping, return_exceptions=True)

    async def sweep(self, stop: asyncio.Event | None = None) -> SweepTally:
        """Probe everything due now, then return what this sweep did (the scheduler's job)."""
        tally = self.tally
        start = (tally.claimed, tally.stored, tally.lease_lost, tally.deferred, tally.postponed)
        await self._drain(stop or asyncio.Event())
        return SweepTally(
            claimed=tally.claimed - start[0],
            stored=tally.stored - start[1],
            lease_lost=tally.lease_lost - start[2],
            deferred=tally.deferred - start[3],
            postponed=tally.postponed - start[4],
        )

    async def idle(self) -> None:
        """Wait until this worker holds no endpoint (after `stop`, for a clean exit)."""
        await self._idle.wait()

    async def _claim(self, limit: int) -> list[Claimed]:
        if self.recycle.is_set():
            return []
        try:
            async with self.sessions.begin() as session:
                claimed = await ScheduleRepository(session).claim(
                    owner=self.owner, now=self.clock(), lease_s=self.settings.lease_s, limit=limit
                )
        except Exception:
            # The database may be restarting; the next poll tries again.
            log.exception("could not claim due endpoints")
            return []
        self._held |= {c.endpoint_id for c in claimed}
        if self._held:
            self._idle.clear()
        self.tally.claimed += len(claimed)
        return claimed

    async def _scan(self, claimed: Claimed) -> None:
        host = claimed.url.split("://", 1)[-1].split("/", 1)[0]
        limit = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host))
        try:
            async with limit:
                if not await self._probe(claimed):
                    return
            self.tally.stored += 1
            if self.settings.max_scans and self.tally.stored >= self.settings.max_scans:
                self.recycle.set()
        except LeaseLostError:
            self.tally.lease_lost += 1
            log.warning("lease on %s expired mid-scan; another worker has it", claimed.url)
        except TargetRejected as exc:
            await self._defer(claimed, f"refused by the network policy: {exc.detail}")
        except Exception as exc:
            log.exception("scheduled scan of %s failed", claimed.url)
            await self._defer(claimed, f"internal error: {type(exc).__name__}")
        finally:
            self._held.discard(claimed.endpoint_id)
            if not self._held:
                self._idle.set()

    async def _probe(self, claimed: Claimed) -> bool:
        """Scan one claimed endpoint, or postpone it as courtesy says; True when stored."""
        if claimed.due_reason == "requested":  # a user asked: no courtesy checks
            prepared = await self.scans.prepare(claimed.url)
            await self.scans.run_leased(prepared, owner=self.owner, reason=claimed.due_reason)
            return True
        host = parse_endpoint_url(claimed.url).host
        cleared = await self.courtesy.clear(claimed.url, host, claimed.due_reason)
        if isinstance(cleared, HeldBack):
            await self._postpone(claimed, cleared)
            return False
        try:
            await self.scans.run_leased(
                cleared.prepared, owner=self.owner, reason=claimed.due_reason
            )
        finally:
            if cleared.paced:
                await self.courtesy.done(cleared.host)
        return True

    async def _postpone(self, claimed: Claimed, held: HeldBack) -> None:
        self.tally.postponed += 1
        if held.note:
            log.info("postponing %s: %s", claimed.url, held.note)
        async with self.sessions.begin() as session:
            await postpone(
                session,
                claimed.endpoint_id,
                owner=self.owner,
                until=held.until,
                reason=held.reason,
                note=held.note,
            )

    async def _defer(self, claimed: Claimed, error: str) -> None:
        self.tally.deferred += 1
        self.tally.errors.append(f"{claimed.url}: {error}")
        async with self.sessions.begin() as session:
            await defer(
                session,
                claimed.endpoint_id,
                owner=self.owner,
                now=self.clock(),
                retry_s=self.settings.retry_s,
                error=error,
            )

    async def _renew_forever(self, stop: asyncio.Event) -> None:
        interval = self.settings.lease_s / 3
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
            if self._held:
                try:
                    async with self.sessions.begin() as session:
                        await ScheduleRepository(session).renew(
                            sorted(self._held),
                            owner=self.owner,
                            now=self.clock(),
                            lease_s=self.settings.lease_s,
                        )
                except Exception:
                    log.exception("could not renew leases")
