"""Unattended probing of registry-listed servers is paced, honours opt-outs and robots.txt.

A loopback site serves an MCP endpoint and a robots.txt the test sets; a registry entry
lists it; the drain makes it due; the re-prober's sweep decides. Time is a clock the test
moves, so the pacing gap is exact and nothing waits. On SQLite and PostgreSQL: the host leases
are rows every worker shares.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta

from probes.netpolicy import NetworkPolicy
from probes.target import parse_endpoint_url
from tests.servers.registry import make_entry
from tests.servers.robots_site import RobotsAnswer, RobotsSite
from trustsvc.clock import utc_now
from trustsvc.config.courtesy import CourtesySettings
from trustsvc.config.settings import ProbeSettings, Settings
from trustsvc.registry.records import ServerRecord
from trustsvc.registry.upsert import RegistryWriter
from trustsvc.registry.validate import validate_entry
from trustsvc.schedule.models import ScheduleRow
from trustsvc.schedule.registry_queue import drain_registry_queue
from trustsvc.schedule.repository import ScheduleRepository
from trustsvc.services import AppServices, open_services
from trustsvc.store.repositories import EndpointRepository

T0 = utc_now().replace(microsecond=0)
GAP_S = 600.0
DISALLOW_MCP = RobotsAnswer(status=200, body=b"User-agent: trustsvc\nDisallow: /mcp\n")


@dataclasses.dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now


def settings_in(database_url: str, **courtesy: object) -> Settings:
    return Settings(
        database_url=database_url,
        probes=ProbeSettings(policy=NetworkPolicy(allow_private=True)),
        courtesy=dataclasses.replace(
            CourtesySettings(contact_url="https://ops.example/probing", host_gap_s=GAP_S),
            **courtesy,  # type: ignore[arg-type]
        ),
    )


async def list_in_registry(app: AppServices, urls: Sequence[str], clock: Clock) -> int:
    """A registry entry listing `urls`, stored and drained as the sync job would."""
    remotes = [{"type": "streamable-http", "url": url} for url in urls]
    record = validate_entry(make_entry("com.example/site", "1.0.0", remotes=remotes))
    assert isinstance(record, ServerRecord)
    async with app.sessions.begin() as session:
        await RegistryWriter(session).store([record], now=clock(), source="test")
    async with app.sessions.begin() as session:
        return await drain_registry_queue(
            session, now=clock(), opted_out=app.reprober.courtesy.settings.opted_out
        )


async def row_of(app: AppServices, url: str) -> ScheduleRow:
    async with app.sessions() as session:
        endpoint = await EndpointRepository(session).get_or_create(parse_endpoint_url(url), T0)
        row = await ScheduleRepository(session).get(endpoint.id)
        assert row is not None
        return row


async def test_robots_disallowing_the_endpoint_postpones_it_unprobed(database_url: str) -> None:
    clock = Clock()
    async with (
        RobotsSite(robots=DISALLOW_MCP) as site,
        open_services(settings_in(database_url), clock=clock) as app,
    ):
        assert await list_in_registry(app, [site.url("/mcp")], clock) == 1
        tally = await app.reprober.sweep()
        assert (tally.claimed, tally.stored, tally.postponed) == (1, 0, 1)
        assert site.paths() == ["/robots.txt"]  # nothing else was asked of the site
        row = await row_of(app, site.url("/mcp"))
        assert row.due_reason == "robots"
        assert row.next_due_at == T0 + timedelta(days=1)
        assert row.consecutive_failures == 0
        assert row.last_error is not None
        assert "disallows trustsvc" in row.last_error


async def test_an_allowed_endpoint_is_scanned_with_the_honest_user_agent(database_url: str) -> None:
    clock = Clock()
    settings = settings_in(database_url)
    async with (
        RobotsSite(robots=RobotsAnswer(status=404)) as site,
        open_services(settings, clock=clock) as app,
    ):
        await list_in_registry(app, [site.url("/mcp")], clock)
        tally = await app.reprober.sweep()
        assert (tally.stored, tally.postponed) == (1, 0)
        assert site.paths()[0] == "/robots.txt"
        assert "/mcp" in site.paths("POST")
        # Besides the honest one, only the cloaking check's disguises (issue 18) are sent.
        disguises = {c.user_agent for c in settings.probes.client_identities}
        agents = {seen.user_agent for seen in site.seen}
        assert agents - disguises == {settings.courtesy.user_agent}
        assert agents - disguises == {
            "trustsvc/0.1.0 (+https://ops.example/probing; MCP endpoint trust assessment)"
        }
        robots = [seen.user_agent for seen in site.seen if seen.path == "/robots.txt"]
        assert robots == [settings.courtesy.user_agent]


async def test_a_user_request_skips_robots(database_url: str) -> None:
    clock = Clock()
    async with (
        RobotsSite(robots=DISALLOW_MCP) as site,
        open_services(settings_in(database_url), clock=clock) as app,
    ):
        await list_in_registry(app, [site.url("/mcp")], clock)
        row = await row_of(app, site.url("/mcp"))
        async with app.sessions.begin() as session:
            assert (
                await ScheduleRepository(session).request(
                    row.endpoint_id, now=clock(), cooldown_s=60
                )
                is None
            )
        tally = await app.reprober.sweep()
        assert tally.stored == 1
        assert "/robots.txt" not in site.paths()
        assert "/mcp" in site.paths("POST")


async def test_an_opted_out_host_is_never_queued_nor_probed(database_url: str) -> None:
    clock = Clock()
    async with RobotsSite() as site:
        settings = settings_in(database_url, opt_out=("127.0.0.1",))
        async with open_services(settings, clock=clock) as app:
            assert await list_in_registry(app, [site.url("/mcp")], clock) == 0
            # Scheduled before the operator opted it out: due, claimed, held back.
            endpoint = site.url("/other")
            async with app.sessions.begin() as session:
                made = await EndpointRepository(session).get_or_create(
                    parse_endpoint_url(endpoint), T0
                )
                await ScheduleRepository(session).make_due([made.id], now=T0, reason="registry")
            tally = await app.reprober.sweep()
            assert (tally.claimed, tally.stored, tally.postponed) == (1, 0, 1)
            row = await row_of(app, endpoint)
            assert row.due_reason == "opted-out"
        assert site.seen == []


async def test_one_scan_per_host_at_a_time_with_the_gap_between(database_url: str) -> None:
    clock = Clock()
    async with (
        RobotsSite(robots=RobotsAnswer(status=404)) as site,
        open_services(settings_in(database_url), clock=clock) as app,
    ):
        urls = [site.url("/a"), site.url("/b")]
        assert await list_in_registry(app, urls, clock) == 2
        first = await app.reprober.sweep()
        assert (first.claimed, first.stored, first.postponed) == (2, 1, 1)
        posts = site.paths("POST")
        [scanned] = set(posts)
        waiting = next(url for url in urls if not url.endswith(scanned))
        # Held back until the host is free: the gap after the first scan ended (or the
        # first scan's hold, were it still running when the second was looked at).
        due = (await row_of(app, waiting)).next_due_at
        assert due in (T0 + timedelta(seconds=GAP_S), T0 + timedelta(seconds=300))
        clock.now = T0 + timedelta(seconds=GAP_S - 1)
        early = await app.reprober.sweep()
        assert early.stored == 0
        clock.now = T0 + timedelta(seconds=GAP_S)
        tally = await app.reprober.sweep()
        assert (tally.claimed, tally.stored) == (1, 1)
        later = site.paths("POST")[len(posts) :]
        assert set(later) == {waiting.removeprefix(site.url(""))}
