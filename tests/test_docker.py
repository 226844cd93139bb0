"""The Docker deployment runs the CLI the tests run (there is no Docker engine here to start it).

docker/compose.yaml and docker/Dockerfile are checked against the code instead: every command
a trustsvc service runs parses with `trustsvc.commands.cli.build_parser()`, its environment
loads with `load_settings`, the services start in the right order, and the image's ENTRYPOINT is the
console script pyproject declares. `trustsvc worker --once` then runs for real against an
empty SQLite database, through that console script.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped] # PyYAML comes with litestar; it ships no stubs
from sqlalchemy.engine import make_url

from trustsvc.api.app import create_app
from trustsvc.commands.cli import build_parser
from trustsvc.config.access import AuthMode
from trustsvc.config.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "docker"
TRUSTSVC = Path(sys.executable).with_name("trustsvc")


def compose() -> dict[str, Any]:
    document = yaml.safe_load((DOCKER / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def services() -> dict[str, dict[str, Any]]:
    found = compose()["services"]
    assert isinstance(found, dict)
    return found


def trustsvc_services() -> dict[str, dict[str, Any]]:
    """Services built from docker/Dockerfile, i.e. running the trustsvc image."""
    return {
        name: service
        for name, service in services().items()
        if service.get("build", {}).get("dockerfile") == "docker/Dockerfile"
    }


def dockerfile_instruction(name: str) -> list[str]:
    """Every argument line of one instruction (continuations joined), in order."""
    text = (DOCKER / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    return [
        line.split(None, 1)[1].strip()
        for line in text.splitlines()
        if line.split(None, 1)[:1] == [name]
    ]


def exec_form(instruction: str) -> list[str]:
    """The JSON array of an exec-form ENTRYPOINT or CMD (a shell form would not forward signals)."""
    (raw,) = dockerfile_instruction(instruction)
    value = json.loads(raw)
    assert isinstance(value, list)
    assert all(isinstance(part, str) for part in value)
    return value


def test_the_image_runs_the_console_script_pyproject_declares() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert exec_form("ENTRYPOINT") == ["trustsvc"]
    assert scripts["trustsvc"] == "trustsvc.commands.cli:main"
    # The default command (no compose) is the API, and it parses like any other.
    assert build_parser().parse_args(exec_form("CMD")).command == "serve"


def test_the_image_installs_the_package_on_python_311_as_a_user() -> None:
    (base,) = dockerfile_instruction("FROM")
    assert base.startswith("python:3.11-slim")
    assert any("pip install" in run and " ." in run for run in dockerfile_instruction("RUN"))
    users = dockerfile_instruction("USER")
    assert users
    assert users[-1] not in {"root", "0"}
    # Every path the image copies exists, so the build context is complete.
    for copy in dockerfile_instruction("COPY"):
        for source in copy.split()[:-1]:
            assert (ROOT / source).exists(), source


def test_every_trustsvc_service_runs_a_command_the_cli_accepts() -> None:
    found = trustsvc_services()
    assert {"migrate", "api", "worker"} <= set(found)
    for name, service in found.items():
        command = service["command"]
        assert isinstance(command, list), f"{name}: exec form, so signals reach trustsvc"
        build_parser().parse_args([str(part) for part in command])  # raises on a usage error
        env = {key: str(value) for key, value in service["environment"].items()}
        load_settings(env)  # raises SettingsError on an unusable value


def test_migrate_runs_db_upgrade_once_when_postgres_is_healthy() -> None:
    migrate = services()["migrate"]
    args = build_parser().parse_args(migrate["command"])
    assert (args.command, args.db_command) == ("db", "upgrade")
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}


@pytest.mark.parametrize("name", ["api", "worker"])
def test_api_and_workers_start_after_migrate_succeeded(name: str) -> None:
    depends = services()[name]["depends_on"]
    assert depends["migrate"] == {"condition": "service_completed_successfully"}
    assert depends["db"] == {"condition": "service_healthy"}


def test_postgres_has_a_pg_isready_healthcheck_and_matches_the_url() -> None:
    db = services()["db"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in db["healthcheck"]["test"]
    credentials = db["environment"]
    for name, service in trustsvc_services().items():
        url = make_url(service["environment"]["TRUSTSVC_DATABASE_URL"])
        assert url.drivername == "postgresql+asyncpg", name
        assert url.host == "db", name
        assert url.username == credentials["POSTGRES_USER"], name
        assert url.password == credentials["POSTGRES_PASSWORD"], name
        assert url.database == credentials["POSTGRES_DB"], name


def test_api_serves_without_the_scheduler_and_checks_a_real_health_route() -> None:
    api = services()["api"]
    args = build_parser().parse_args(api["command"])
    assert (args.command, args.host) == ("serve", "0.0.0.0")
    assert f"{args.port}:{args.port}" in api["ports"]
    settings = load_settings({k: str(v) for k, v in api["environment"].items()})
    assert not settings.schedule.in_api
    # A public bind in `auto` with no key would refuse to start; compose requires keys.
    assert settings.access.mode is AuthMode.REQUIRED
    assert "GetHealth" in settings.access.public_routes  # the healthcheck needs no key
    probe = " ".join(api["healthcheck"]["test"])
    assert f"127.0.0.1:{args.port}/health" in probe
    assert "/health" in {route.path for route in create_app().routes}


def test_two_workers_run_the_worker_command() -> None:
    workers = [
        service
        for service in trustsvc_services().values()
        if build_parser().parse_args(service["command"]).command == "worker"
    ]
    replicas = sum(int(service.get("deploy", {}).get("replicas", 1)) for service in workers)
    assert replicas == 2
    for service in workers:
        assert not build_parser().parse_args(service["command"]).once  # they keep running


def test_worker_once_runs_against_an_empty_sqlite_database(tmp_path: Path) -> None:
    """The image's worker command through the console script, one round, then exit 0."""
    assert TRUSTSVC.exists(), f"{TRUSTSVC}: the console script pyproject declares"
    database = tmp_path / "empty.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUSTSVC_")}
    env |= {
        "TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "TRUSTSVC_DOMAIN_LOOKUPS": "off",
        "TRUSTSVC_REGISTRY_SYNC_S": "0",
    }
    done = subprocess.run(
        [str(TRUSTSVC), "worker", "--once"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    steps = [line.split(":", 1)[0] for line in done.stdout.splitlines()]
    assert steps == ["drain_queue", "sweep", "deliver"], done.stdout
    assert "0 endpoint(s) made due" in done.stdout
    assert "0 claimed, 0 stored" in done.stdout
    assert database.exists()  # the embedded default migrated it at start
