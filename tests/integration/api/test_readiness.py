"""`/readyz`: the database answers, its schema is at head, the scheduler runs; else 503.

Each failure is made for real: the schema is migrated one revision down under the running
app, the job thread is stopped, the database file is overwritten with junk.
"""

from __future__ import annotations

from pathlib import Path

from litestar.testing import AsyncTestClient

from trustsvc.api.app import create_app
from trustsvc.config.access import AccessSettings, AuthMode
from trustsvc.config.schedule import ScheduleSettings
from trustsvc.config.settings import Settings
from trustsvc.jobs.beside import JobThread
from trustsvc.store.db import make_engine
from trustsvc.store.migrate import downgrade, head_revision, schema_revision

PROBLEM = "application/problem+json"


def settings_in(tmp_path: Path, *, in_api: bool) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'ready.db'}",
        schedule=ScheduleSettings(in_api=in_api),
        access=AccessSettings(mode=AuthMode.REQUIRED),  # readiness is public all the same
    )


async def test_ready_with_the_scheduler_here_or_elsewhere(tmp_path: Path) -> None:
    for in_api, scheduler in ((True, "running"), (False, "elsewhere")):
        async with AsyncTestClient(app=create_app(settings_in(tmp_path, in_api=in_api))) as client:
            answer = await client.get("/readyz")
            assert answer.status_code == 200, answer.text
            assert answer.json() == {
                "status": "ready",
                "database": "ok",
                "schema": "ok",
                "scheduler": scheduler,
            }


async def test_a_schema_behind_head_is_not_ready(tmp_path: Path) -> None:
    settings = settings_in(tmp_path, in_api=False)
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        engine = make_engine(settings.database_url)
        try:
            await downgrade(engine, "-1")
        finally:
            await engine.dispose()
        async with app.state.services.sessions() as session:
            behind = await schema_revision(session)
        answer = await client.get("/readyz")
        assert answer.status_code == 503
        assert answer.headers["content-type"].startswith(PROBLEM)
        problem = answer.json()
        assert problem["type"].endswith("/not-ready")
        assert problem["detail"] == f"schema: at {behind}, head is {head_revision()}"
        assert (await client.get("/livez")).status_code == 200  # alive, just not ready


async def test_a_stopped_job_thread_is_not_ready(tmp_path: Path) -> None:
    app = create_app(settings_in(tmp_path, in_api=True))
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/readyz")).status_code == 200
        jobs = app.state.jobs
        assert isinstance(jobs, JobThread)
        jobs.stop()
        answer = await client.get("/readyz")
        assert answer.status_code == 503
        assert answer.json()["detail"] == "scheduler: stopped"


async def test_a_damaged_database_is_not_ready(tmp_path: Path) -> None:
    settings = settings_in(tmp_path, in_api=False)
    async with AsyncTestClient(app=create_app(settings)) as client:
        assert (await client.get("/readyz")).status_code == 200
        database = tmp_path / "ready.db"
        with database.open("r+b") as damaged:
            damaged.write(b"this is not a database file" * 8)
        answer = await client.get("/readyz")
        assert answer.status_code == 503
        assert answer.json()["detail"] == "database: unavailable; schema: unknown"
