"""`trustsvc check-domain` as a user runs it: the installed console script, offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TRUSTSVC = str(Path(sys.executable).parent / "trustsvc")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TRUSTSVC, "check-domain", *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_json_names_the_trusted_domain_and_technique() -> None:
    done = run("https://github.com.evil.io/mcp", "--offline", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["domain"] == "github.com.evil.io"
    assert document["registrable_domain"] == "evil.io"
    assert (document["lookalike_of"], document["technique"]) == ("github.com", "subdomain-trick")
    assert document["network_facts"] is None
    assert "domain family" in document["note"]


def test_exact_trusted_domain_is_not_a_lookalike() -> None:
    done = run("api.github.com.", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert (document["registrable_domain"], document["lookalike_of"]) == ("github.com", None)


def test_ip_literal_is_not_applicable() -> None:
    done = run("[::1]", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert (document["applicable"], document["registrable_domain"]) == (False, None)


def test_table_is_the_default() -> None:
    done = run("npnjs.com")
    assert done.returncode == 0, done.stderr
    assert "npmjs.com" in done.stdout
    assert "replacement" in done.stdout


def test_unusable_input_is_one_line_and_exit_2() -> None:
    done = run("http://")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "no host" in done.stderr
