"""What an unattended scan of a registry-listed server owes its host, before it starts.

The re-prober asks `Courtesy.clear` about every endpoint it claimed that no user asked
for. The answer is a scan to run (holding the host's lease, which `done` gives back with
the gap) or a time to come back and why: the host is opted out, busy or within its gap, or
its robots.txt disallows the endpoint's path for `trustsvc`. Endpoints the registry does not
list (someone submitted them) are only checked against the opt-out list.

robots.txt answers are kept per origin for `ROBOTS_TTL_S` (RFC 9309 2.4 allows a day), so
a fleet on one origin costs one fetch, not one per endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.robots.collect import RobotsAnswer, fetch_robots, robots_url
from trustsvc.config.courtesy import PRODUCT, CourtesySettings
from trustsvc.registry.queries import is_listed
from trustsvc.scans.service import PreparedTarget, ScanService
from trustsvc.schedule.host_leases import release_host, take_host

ROBOTS_TTL_S = 3600.0
ROBOTS_KEPT = 4096
"""Origins whose answer is kept at most; a registry of thousands stays bounded in memory."""
HOLD_BACK_S = 24 * 3600.0
"""How long an opted-out or disallowed endpoint waits before it is looked at again."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HeldBack:
    """Do not scan now: come back at `until`, with this due reason and note."""

    until: datetime
    reason: str
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Cleared:
    """Scan `prepared`; `host` is held when `paced` (give it back with `Courtesy.done`)."""

    prepared: PreparedTarget
    host: str
    paced: bool


class Courtesy:
    """Opt-out, per-host pacing and robots.txt for unattended scans."""

    def __init__(
        self,
        settings: CourtesySettings,
        *,
        scans: ScanService,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        owner: str,
        hold_s: float,
    ) -> None:
        self.settings = settings
        self.scans = scans
        self.sessions = sessions
        self.clock = clock
        self.owner = owner
        self.hold_s = hold_s
        self._robots: dict[str, tuple[datetime, RobotsAnswer]] = {}

    async def clear(self, url: str, host: str, due_reason: str) -> Cleared | HeldBack:
        """Whether an unattended scan of `url` may start now (PreparedTarget raises as usual)."""
        now = self.clock()
        if self.settings.opted_out(host):
            return HeldBack(
                until=now + timedelta(seconds=HOLD_BACK_S),
                reason="opted-out",
                note=f"{host} is on the operator's opt-out list (TRUSTSVC_OPT_OUT)",
            )
        async with self.sessions() as session:
            listed = await is_listed(session, url)
        if not listed:
            return Cleared(prepared=await self.scans.prepare(url), host=host, paced=False)
        async with self.sessions.begin() as session:
            free_at = await take_host(session, host, owner=self.owner, now=now, hold_s=self.hold_s)
        if free_at is not None:
            return HeldBack(until=max(free_at, now), reason=due_reason)
        try:
            prepared = await self.scans.prepare(url)
            held = await self._robots_say(prepared, url, now)
        except BaseException:
            await self.done(host)
            raise
        if held is not None:
            await self.done(host)
            return held
        return Cleared(prepared=prepared, host=host, paced=True)

    async def done(self, host: str) -> None:
        """The scan of a held host ended (or never started): start its gap."""
        async with self.sessions.begin() as session:
            await release_host(
                session,
                host,
                owner=self.owner,
                now=self.clock(),
                gap_s=self.settings.host_gap_s,
            )

    async def _robots_say(
        self, prepared: PreparedTarget, url: str, now: datetime
    ) -> HeldBack | None:
        target = prepared.target
        if target is None:  # the host did not resolve: the scan records that, no fetch
            return None
        origin = robots_url(target)
        cached = self._robots.get(origin)
        if cached is not None and now - cached[0] < timedelta(seconds=ROBOTS_TTL_S):
            answer = cached[1]
        else:
            answer = await fetch_robots(
                self.scans.ctx, target, product=PRODUCT, resolver=self.scans.resolver
            )
            self._keep(origin, now, answer)
        if answer.allows(url):
            return None
        return HeldBack(
            until=now + timedelta(seconds=HOLD_BACK_S),
            reason="robots",
            note=f"{answer.url} disallows {PRODUCT} ({answer.outcome})",
        )

    def _keep(self, origin: str, now: datetime, answer: RobotsAnswer) -> None:
        if len(self._robots) >= ROBOTS_KEPT:
            fresh = timedelta(seconds=ROBOTS_TTL_S)
            self._robots = {o: kept for o, kept in self._robots.items() if now - kept[0] < fresh}
            if len(self._robots) >= ROBOTS_KEPT:
                self._robots.clear()
        self._robots[origin] = (now, answer)
