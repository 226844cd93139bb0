"""Progress on stderr when it is a terminal: a pty stands in for one, stdout stays clean."""

from __future__ import annotations

import json
import os
import pty
import socket
import subprocess
import sys
from pathlib import Path

TRUSTSVC = str(Path(sys.executable).parent / "trustsvc")


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"https://127.0.0.1:{probe.getsockname()[1]}/"


def _assess_on_a_terminal(*extra: str) -> tuple[str, str]:
    """(stdout, what the terminal showed) of `assess --format json` with stderr on a pty."""
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [TRUSTSVC, "assess", _closed_port_url(), "--allow-private", "--format", "json", *extra],
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            timeout=120,
            env={**os.environ, "TRUSTSVC_DOMAIN_LOOKUPS": "off"},
            check=False,
        )
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the writer side is closed and drained
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    assert done.returncode == 0
    return done.stdout, shown.decode()


def test_assess_shows_each_family_on_the_terminal_and_keeps_json_clean() -> None:
    stdout, terminal = _assess_on_a_terminal()
    assert json.loads(stdout)["gates"][0]["id"] == "evidence.none"
    assert "trustsvc: assessing https://127.0.0.1:" in terminal
    for family in ("tls", "domain", "auth", "tools", "publisher"):
        assert f"trustsvc: {family:<10} running" in terminal
    assert "trustsvc: tls        failed (unreachable) after" in terminal
    assert "trustsvc: domain     done in" in terminal
    assert "trustsvc: assessed: ? warn" in terminal


def test_quiet_turns_progress_off() -> None:
    stdout, terminal = _assess_on_a_terminal("--quiet")
    assert json.loads(stdout)["grade"] == "?"
    assert terminal == ""


def test_no_progress_when_stderr_is_not_a_terminal() -> None:
    done = subprocess.run(
        [TRUSTSVC, "assess", _closed_port_url(), "--allow-private", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TRUSTSVC_DOMAIN_LOOKUPS": "off"},
        check=False,
    )
    assert done.stderr == ""
    assert json.loads(done.stdout)["grade"] == "?"
