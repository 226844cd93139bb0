"""The `trustsvc` command as a user runs it: real process, real TLS servers on loopback."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.mcp import GOOD_TOKEN, mcp_server
from trustsvc.lab.pki import LabPki, mint_lab_pki
from trustsvc.lab.tls_server import LabTlsConfig, LabTlsServer

TRUSTSVC = str(Path(sys.executable).parent / "trustsvc")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> LabPki:
    return mint_lab_pki(tmp_path_factory.mktemp("cli-pki"))


@pytest.fixture(scope="module")
def good(pki: LabPki) -> Iterator[str]:
    with LabTlsServer(LabTlsConfig(chain=pki["valid"].chain, key=pki["valid"].key)) as server:
        yield server.url(host="127.0.0.1")


@pytest.fixture(scope="module")
def expired(pki: LabPki) -> Iterator[str]:
    with LabTlsServer(LabTlsConfig(chain=pki["expired"].chain, key=pki["expired"].key)) as server:
        yield server.url(host="127.0.0.1")


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TRUSTSVC, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_assess_json_prints_the_report(good: str, pki: LabPki) -> None:
    done = run("assess", good, "--allow-private", "--ca-file", str(pki.ca_cert), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["url"] == good
    assert (report["grade"], report["verdict"]) == ("?", "warn")
    assert report["scan_id"] is None
    assert {
        "url",
        "assessed_at",
        "policy_version",
        "score",
        "grade",
        "verdict",
        "confidence",
        "gates",
        "dimensions",
        "attempts",
        "findings",
    } <= set(report)


def test_assess_sarif_and_fail_on_gate_ci(expired: str, pki: LabPki) -> None:
    done = run(
        "assess",
        expired,
        "--allow-private",
        "--ca-file",
        str(pki.ca_cert),
        "--format",
        "sarif",
        "--fail-on",
        "block",
    )
    assert done.returncode == 3, done.stderr
    log = json.loads(done.stdout)
    assert "tls_certificate_expired" in {r["ruleId"] for r in log["runs"][0]["results"]}
    table = run(
        "assess", expired, "--allow-private", "--ca-file", str(pki.ca_cert), "--fail-on", "warn"
    )
    assert table.returncode == 3
    assert expired in table.stdout
    assert "tls_certificate_expired" in table.stdout
    assert "fix:" in table.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ("assess", "https://127.0.0.1:9/"),
            "refused: target refused by network policy: 127.0.0.1 is a loopback",
        ),
        (("assess", "https://0x7f.1/"), "127.0.0.1 is a loopback"),
        (("assess", "ftp://example.com/"), "refused: unsupported scheme"),
        (("assess", "https://example.com/", "--format", "xml"), "error: argument --format"),
        (("assess", "https://example.com/", "--ca-file", "/nonexistent"), "is not a readable file"),
        (("assess", "https://example.com/", "--timeout", "-1"), "--timeout must be positive"),
        (("frobnicate",), "error: argument COMMAND: invalid choice"),
        ((), "error: the following arguments are required"),
    ],
)
def test_usage_errors_and_refusals_exit_2_in_one_line(args: tuple[str, ...], fragment: str) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert fragment in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_demo_assesses_four_lab_endpoints_and_stores_them(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    done = run(
        "demo", "--no-serve", env={"TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:5] == ["URL", "SCORE", "GRADE", "VERDICT", "CONF"]
    rows = [line.split() for line in lines[1:5]]
    good, expired, legacy, poisoned = rows
    assert (expired[2], expired[3], expired[5]) == ("F", "block", "T")
    assert legacy[5] == "B"
    assert "tls_1_0_offered" in lines[3]
    assert good[5] == poisoned[5] == "A+"
    assert (good[2], good[3]) == ("B", "allow"), "open, but read-only tools over good TLS"
    assert (poisoned[2], poisoned[3]) == ("F", "block")
    assert "tool_definition_contains_hidden_instructions" in lines[4]
    assert database.exists()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    check = run(
        "assess",
        f"https://127.0.0.1:{port}/",
        "--allow-private",
        "--store",
        env={"TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{database}"},
    )
    assert check.returncode == 0, check.stderr
    assert "error (unreachable)" in check.stdout


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"
    env = {"TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    done = run("db", "upgrade", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "database schema is up to date"
    tables = sqlite3.connect(database).execute("select name from sqlite_master where type='table'")
    assert {row[0] for row in tables} >= {"endpoints", "scans", "findings", "scores"}


def test_unusable_settings_exit_2(tmp_path: Path) -> None:
    done = run("db", "upgrade", env={"TRUSTSVC_FAMILY_BUDGET_S": "soon"})
    assert done.returncode == 2
    assert "TRUSTSVC_FAMILY_BUDGET_S must be a number" in done.stderr


def test_operator_header_lets_assess_see_behind_auth() -> None:
    """--header goes to the endpoint; without it the tools are 'not measured', not 'none'."""
    with mcp_server(auth=True, mode="json") as server:
        bare = run("assess", server.url, "--allow-private", "--format", "json")
        keyed = run(
            "assess", server.url, "--allow-private", "--format", "json",
            "--header", f"Authorization: Bearer {GOOD_TOKEN}",
        )  # fmt: skip
    assert bare.returncode == keyed.returncode == 0, bare.stderr + keyed.stderr
    without = {a["family"]: a for a in json.loads(bare.stdout)["attempts"]}
    with_token = {a["family"]: a for a in json.loads(keyed.stdout)["attempts"]}
    assert (without["tools"]["status"], without["tools"]["reason"]) == (
        "error",
        "source_unavailable",
    )
    assert (with_token["tools"]["status"], with_token["auth"]["status"]) == (
        "completed",
        "completed",
    )
    assert GOOD_TOKEN not in keyed.stdout


def test_malformed_header_is_a_usage_error_that_hides_the_value() -> None:
    done = run("assess", "https://127.0.0.1/", "--header", "Authorization Bearer s3cret")
    assert done.returncode == 2
    assert "expected 'NAME: VALUE'" in done.stderr
    assert "s3cret" not in done.stderr


def test_a_closed_port_could_not_be_assessed_and_fails_any_threshold() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"https://127.0.0.1:{probe.getsockname()[1]}/"
    # The socket is closed: nothing listens on the port.
    warn = run("assess", url, "--allow-private", "--fail-on", "warn")
    assert warn.returncode == 3, warn.stderr
    done = run("assess", url, "--allow-private", "--fail-on", "block")
    assert done.returncode == 3, done.stderr
    assert "could not assess: the endpoint could not be reached" in done.stdout.splitlines()[1]
    assert "problems: not known: could not assess" in done.stdout
    assert "problems: none found" not in done.stdout
    report = json.loads(run("assess", url, "--allow-private", "--format", "json").stdout)
    assert report["grade"] == "?"
    assert report["gates"][0]["id"] == "evidence.none"
