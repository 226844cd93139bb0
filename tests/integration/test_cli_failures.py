"""Bad set-up is one line with the fix and exit 2: the console script as a user runs it.

Each case asserts the line, the exit code, no traceback, and that no file in the working
directory was created or changed (the database file included).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

TRUSTSVC = str(Path(sys.executable).parent / "trustsvc")
EXIT_USAGE = 2


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        if path.is_file()
        else "dir"
        for path in sorted(root.rglob("*"))
    }


def _run(
    cwd: Path, *args: str, env: dict[str, str] | None = None, wrap: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*wrap, TRUSTSVC, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={**os.environ, "TRUSTSVC_DOMAIN_LOOKUPS": "off", **(env or {})},
        check=False,
    )


def _refused(cwd: Path, fragment: str, *args: str, **kwargs: object) -> str:
    """Run, and check the one-line refusal; returns the line."""
    before = _snapshot(cwd)
    done = _run(cwd, *args, **kwargs)  # type: ignore[arg-type]
    assert done.returncode == EXIT_USAGE, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("trustsvc: error: ")
    assert fragment in lines[0]
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert _snapshot(cwd) == before
    return lines[0]


def _db(path: Path) -> dict[str, str]:
    return {"TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{path}"}


@pytest.mark.parametrize("command", [("serve",), ("db", "upgrade"), ("keys", "list")])
def test_database_in_a_missing_directory_is_named(tmp_path: Path, command: tuple[str]) -> None:
    missing = tmp_path / "nowhere" / "trustsvc.db"
    line = _refused(
        tmp_path, f"directory {missing.parent} does not exist", *command, env=_db(missing)
    )
    assert "TRUSTSVC_DATABASE_URL" in line


def test_database_in_a_read_only_directory_is_named(tmp_path: Path) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    database = directory / "trustsvc.db"
    if os.geteuid() == 0:  # root writes through mode bits: make the directory's mount read-only
        mount = f'mount --bind "{directory}" "{directory}"'
        script = f'{mount} && mount -o remount,bind,ro "{directory}" && exec "$@"'
        wrap: tuple[str, ...] = ("unshare", "-m", "sh", "-c", script, "sh")
    else:
        directory.chmod(0o555)
        wrap = ()
    _refused(
        tmp_path,
        f"directory {directory} is not writable",
        "db",
        "upgrade",
        env=_db(database),
        wrap=wrap,
    )


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("my notes, not a database\n")
    _refused(tmp_path, f"{notes} is not an SQLite database", "serve", env=_db(notes))


@pytest.mark.parametrize("command", [("serve",), ("demo", "--no-serve")])
def test_a_damaged_database_is_refused_and_left_alone(tmp_path: Path, command: tuple[str]) -> None:
    database = tmp_path / "damaged.db"
    with sqlite3.connect(database) as connection:
        connection.execute("create table t (x)")
        connection.executemany("insert into t values (?)", [("x" * 500,)] * 200)
    data = bytearray(database.read_bytes())
    data[4096 * 2 : 4096 * 2 + 3000] = b"\xab" * 3000  # garble the table's pages, keep the header
    database.write_bytes(bytes(data))
    _refused(tmp_path, f"database {database} is damaged", *command, env=_db(database))


def test_port_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    _refused(
        tmp_path,
        "argument --port: 99999 is out of range: a port is 1-65535",
        "serve",
        "--port",
        "99999",
    )


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_port_in_use_fails_before_the_banner_and_the_work(
    tmp_path: Path, busy_port: int, command: str
) -> None:
    # Nothing printed on stdout (no banner, no demo table) and no database created.
    _refused(tmp_path, f"127.0.0.1:{busy_port} is in use", command, "--port", str(busy_port))


def test_unsupported_database_scheme_lists_the_supported(tmp_path: Path) -> None:
    env = {"TRUSTSVC_DATABASE_URL": "mysql://root@127.0.0.1/test"}
    line = _refused(tmp_path, "unsupported database 'mysql'", "db", "upgrade", env=env)
    assert "sqlite+aiosqlite://, postgresql+asyncpg://" in line


def test_a_ca_file_without_a_certificate_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "ca.pem"
    bogus.write_text("this is not PEM\n")
    _refused(
        tmp_path,
        f"--ca-file {bogus} holds no certificate",
        "assess",
        "https://127.0.0.1:1/",
        "--ca-file",
        str(bogus),
    )
    env = {"TRUSTSVC_CA_FILE": str(bogus)}
    _refused(tmp_path, f"TRUSTSVC_CA_FILE {bogus} holds no certificate", "db", "upgrade", env=env)


def test_long_arguments_are_cut_in_messages(tmp_path: Path) -> None:
    name = "a" * 100_000
    line = _refused(tmp_path, "cannot read", "check-tools", str(tmp_path / name))
    assert "more characters)" in line
    assert len(line) < 400


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    listing = tmp_path / "many.json"
    tools = [{"name": f"tool_{i}", "description": "Adds numbers."} for i in range(3000)]
    listing.write_text(json.dumps(tools))
    with subprocess.Popen(
        [TRUSTSVC, "check-tools", str(listing)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TRUSTSVC_DOMAIN_LOOKUPS": "off"},
    ) as reader:
        assert reader.stdout is not None
        assert reader.stderr is not None
        first = reader.stdout.readline()  # `| head -1`
        reader.stdout.close()
        stderr = reader.stderr.read()
        assert reader.wait(timeout=120) == 141
    assert first.startswith(b"KIND")
    assert stderr == b""
