"""`trustsvc check-domain` as a user runs it: the installed console script.

The test session turns domain lookups off (tests/conftest.py), so without `--offline` the
command still asks nothing off this machine; tests/integration/domain_family runs it online
against the DNS lab.
"""

from __future__ import annotations

import json
import os
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
    assert document["note"].startswith("offline")


def test_without_offline_the_facts_say_which_sources_are_off() -> None:
    done = run("mcp.npnjs.com", "--format", "json")
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)["network_facts"]
    assert "turned off" in facts["registration"]["unavailable_reason"]
    assert "turned off" in facts["dns"]["unavailable_reason"]
    outcomes = {f["probe_id"]: f["outcome"] for f in facts["findings"]}
    assert outcomes["domain_is_lookalike_of_trusted_domain"] == "true"
    assert outcomes["domain_registered_within_7_days"] == "not_available"


def test_an_unreadable_feed_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [TRUSTSVC, "check-domain", "example.com"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "TRUSTSVC_BLOCKLIST_FEEDS": str(tmp_path / "missing.txt")},
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "missing.txt" in done.stderr


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


def run_stdin(text: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TRUSTSVC, "check-domain", *args],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_several_names_give_a_json_list_in_input_order() -> None:
    names = ("claude.ai.cx", "github.com", "chat-gpt-pro.top", "rnicr0soft.com", "example.org")
    done = run("--offline", "--format", "json", *names)
    assert done.returncode == 0, done.stderr
    documents = json.loads(done.stdout)
    assert [d["input"] for d in documents] == list(names)
    assert [d["lookalike_of"] for d in documents] == [
        "claude.ai",
        None,
        "chatgpt.com",
        "microsoft.com",
        None,
    ]


def test_dash_reads_one_name_a_line_from_stdin_and_is_always_a_list() -> None:
    text = "# a comment\nopenai.com-login.top\n\n  amazon.de  \n"
    done = run_stdin(text, "--offline", "--format", "json", "-")
    assert done.returncode == 0, done.stderr
    documents = json.loads(done.stdout)
    assert [(d["input"], d["lookalike_of"]) for d in documents] == [
        ("openai.com-login.top", "openai.com"),
        ("amazon.de", None),
    ]
    one = json.loads(run_stdin("npnjs.com\n", "--offline", "--format", "json", "-").stdout)
    assert isinstance(one, list)
    assert one[0]["lookalike_of"] == "npmjs.com"


def test_a_bad_name_in_a_batch_is_an_entry_and_exit_2() -> None:
    done = run("--offline", "--format", "json", "npnjs.com", "http://", "github.com")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    documents = json.loads(done.stdout)
    assert [d["input"] for d in documents] == ["npnjs.com", "http://", "github.com"]
    assert "error" in documents[1]
    assert documents[2]["lookalike_of"] is None


def test_several_names_as_tables_and_without_offline_stay_off_the_network() -> None:
    # The test session turns lookups off, so the online path asks nothing off this machine.
    done = run("npnjs.com", "claude.ai.cx")
    assert done.returncode == 0, done.stderr
    inputs = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("input ")]
    assert inputs == ["npnjs.com", "claude.ai.cx"]
    assert "subdomain-trick" in done.stdout


def test_empty_stdin_is_a_usage_error() -> None:
    done = run_stdin("\n# nothing\n", "--offline", "-")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
