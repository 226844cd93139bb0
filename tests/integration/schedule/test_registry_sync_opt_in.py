"""`trustsvc serve` probes no stranger unless asked (issue 17).

On the embedded default the API process runs the scheduler. A loopback registry lists
servers; unless TRUSTSVC_REGISTRY_SYNC=on, the app's scheduler holds no sync and no drain
job, the registry hears nothing and nothing is scheduled. With the setting on, the same app
imports the registry and makes its remotes due.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from tests.servers.registry import FakeRegistry, make_entry
from trustsvc.api.app import create_app
from trustsvc.config.schedule import load_schedule_settings, with_registry_sync
from trustsvc.config.settings import Settings, load_settings
from trustsvc.jobs.beside import JobThread
from trustsvc.jobs.table import describe_schedule
from trustsvc.schedule.models import ScheduleRow
from trustsvc.services import AppServices

GUARD_S = 60.0
"""Only so that a regression fails instead of hanging; nothing waits this long."""
SERVERS = 3


def serve_settings(tmp_path: Path, registry_url: str, **env: str) -> Settings:
    """What `trustsvc serve` reads from this environment, with a short drain period."""
    settings = load_settings(
        {
            "TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
            "TRUSTSVC_REGISTRY_URL": registry_url,
            "TRUSTSVC_DOMAIN_LOOKUPS": "off",
            "TRUSTSVC_SWEEP_S": "3600",
            **env,
        }
    )
    return dataclasses.replace(
        settings, schedule=dataclasses.replace(settings.schedule, drain_s=0.1)
    )


def listing(upstream: FakeRegistry) -> None:
    # IP literals on loopback: no name is resolved, and the network policy refuses them.
    for n in range(SERVERS):
        remote = {"type": "streamable-http", "url": f"https://127.0.0.{n + 2}:9/mcp"}
        upstream.add(make_entry(f"com.example/s{n}", "1.0.0", remotes=[remote]))


def running_jobs(app: Litestar) -> tuple[AppServices, JobThread]:
    jobs = app.state.jobs
    assert isinstance(jobs, JobThread)
    assert jobs.runner is not None
    return app.state.services, jobs


async def scheduled(services: AppServices) -> int:
    async with services.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ScheduleRow)) or 0)


async def until(condition: Callable[[], bool], what: str) -> None:
    deadline = asyncio.get_running_loop().time() + GUARD_S
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"never happened: {what}"
        await asyncio.sleep(0.02)


async def test_serve_by_default_neither_syncs_nor_makes_anything_due(tmp_path: Path) -> None:
    async with FakeRegistry() as upstream:
        listing(upstream)
        settings = serve_settings(tmp_path, upstream.url)
        assert settings.schedule.in_api
        banner = describe_schedule(settings, runs_here=True)
        assert "registry sync off (TRUSTSVC_REGISTRY_SYNC=on" in banner
        app = create_app(settings)
        async with AsyncTestClient(app=app):
            services, jobs = running_jobs(app)
            assert jobs.runner is not None
            assert jobs.runner.scheduler is not None
            names = {job.id for job in jobs.runner.scheduler.get_jobs()}
            assert "reprobe_due" in names
            assert not names & {"sync_registry", "drain_registry_queue"}
            # The first round of every job at start has run; the registry heard nothing.
            outcomes = jobs.runner.outcomes
            await until(lambda: {"reprobe_due", "deliver_webhooks"} <= set(outcomes), "round")
            assert upstream.requests == []
            assert await scheduled(services) == 0


async def test_serve_with_the_registry_sync_on_imports_and_makes_remotes_due(
    tmp_path: Path,
) -> None:
    async with FakeRegistry() as upstream:
        listing(upstream)
        settings = serve_settings(tmp_path, upstream.url, TRUSTSVC_REGISTRY_SYNC="on")
        assert "registry sync ON: imports " + upstream.url in describe_schedule(
            settings, runs_here=True
        )
        app = create_app(settings)
        async with AsyncTestClient(app=app):
            services, jobs = running_jobs(app)
            assert jobs.runner is not None
            outcomes = jobs.runner.outcomes
            await until(lambda: "sync_registry" in outcomes, "a sync")
            assert any(path.startswith("/v0.1/servers") for path in upstream.requests)
            assert set(upstream.user_agents) == {settings.courtesy.user_agent}
            deadline = asyncio.get_running_loop().time() + GUARD_S
            while await scheduled(services) < SERVERS:
                assert asyncio.get_running_loop().time() < deadline, outcomes
                await asyncio.sleep(0.02)


def test_a_worker_syncs_unless_told_not_to() -> None:
    unset = load_schedule_settings({}, embedded=True)
    assert unset.registry_sync is None
    assert with_registry_sync(unset, default=True).registry_sync is True
    off = load_schedule_settings({"TRUSTSVC_REGISTRY_SYNC": "off"}, embedded=False)
    assert with_registry_sync(off, default=True).registry_sync is False
