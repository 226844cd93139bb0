"""The job table as APScheduler runs it, and the drift report job's files."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

from trustsvc.config.schedule import ScheduleSettings
from trustsvc.config.settings import Settings
from trustsvc.jobs.runner import running_scheduler
from trustsvc.jobs.table import job_table, write_drift_report
from trustsvc.services import open_services


def settings_in(tmp_path: Path, **schedule: object) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}",
        schedule=dataclasses.replace(ScheduleSettings(), **schedule),  # type: ignore[arg-type]
    )


async def test_every_job_is_declared_once_with_no_overlap_and_no_pile_up(tmp_path: Path) -> None:
    settings = settings_in(
        tmp_path, registry_sync=True, registry_sync_s=3600.0, report_dir=tmp_path
    )
    async with open_services(settings) as app:
        table = {job.name: job for job in job_table(app, settings)}
        assert {
            name: (job.every_s, job.exclusive, job.at_start) for name, job in table.items()
        } == {
            "reprobe_due": (5.0, False, True),
            "fail_interrupted_scans": (30.0, False, True),  # half the 60 s scan lease
            "deliver_webhooks": (10.0, False, True),
            "drain_registry_queue": (30.0, True, True),
            "sync_registry": (3600.0, True, True),
            "refresh_sources": (6 * 3600.0, False, False),
            "drift_report": (24 * 3600.0, True, False),
        }
        async with running_scheduler(app, settings) as runner:
            assert runner.scheduler is not None
            jobs = {job.id: job for job in runner.scheduler.get_jobs()}
            assert set(jobs) == set(table)
            assert all(j.max_instances == 1 and j.coalesce for j in jobs.values())
            assert jobs["refresh_sources"].next_run_time is not None  # scheduled, not paused


async def test_off_jobs_are_left_out(tmp_path: Path) -> None:
    settings = settings_in(tmp_path, registry_sync=True, registry_sync_s=0.0, report_dir=None)
    async with open_services(settings) as app:
        names = {job.name for job in job_table(app, settings)}
    assert "sync_registry" not in names
    assert "drift_report" not in names


async def test_the_registry_jobs_need_the_registry_sync_on(tmp_path: Path) -> None:
    for unasked in (None, False):
        settings = settings_in(tmp_path, registry_sync=unasked, registry_sync_s=3600.0)
        async with open_services(settings) as app:
            names = {job.name for job in job_table(app, settings)}
        assert not names & {"sync_registry", "drain_registry_queue"}
        assert "reprobe_due" in names


async def test_the_drift_report_job_writes_json_and_csv(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    settings = settings_in(tmp_path, report_dir=reports)
    async with open_services(settings) as app:
        outcome = await write_drift_report(app, settings)
    assert outcome.startswith("0 event(s) since")
    [as_json] = reports.glob("drift-*.json")
    [as_csv] = reports.glob("drift-*.csv")
    assert json.loads(as_json.read_text()) == []
    header = next(csv.reader(as_csv.read_text().splitlines()))
    assert header[:3] == ["id", "observed_at", "severity"]
