"""`trustsvc subscriptions ...` and `trustsvc report drift` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.test_cli import run


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--schedule", "0 25 * * *"), "invalid schedule '0 25 * * *'"),
        (("--schedule", "daily", "--timezone", "Nowhere/Land"), "unknown time zone"),
        (("--schedule", "daily", "--format", "email"), "email_to: 1 to 20"),
    ],
)
def test_bad_subscriptions_exit_2_in_one_line(
    tmp_path: Path, args: tuple[str, ...], fragment: str
) -> None:
    env = {"TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    done = run(
        "subscriptions",
        "add",
        "--name",
        "ops",
        "--webhook-url",
        "https://a.example/h",
        *args,
        env=env,
    )
    assert done.returncode == 2, done.stderr
    assert fragment in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_add_list_report_and_remove(tmp_path: Path) -> None:
    env = {"TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    added = run(
        "subscriptions", "add", "--name", "weekly-sec", "--schedule", "weekly",
        "--timezone", "America/New_York", "--webhook-url", "https://hooks.example/x", env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "webhook signing secret (shown once): whsec_" in added.stdout
    listed = run("subscriptions", "list", "--format", "json", env=env)
    [doc] = json.loads(listed.stdout)
    assert (doc["name"], doc["schedule"], doc["timezone"]) == (
        "weekly-sec",
        "weekly",
        "America/New_York",
    )
    assert doc["next_run_at"].endswith("13:00:00+00:00")  # Monday 08:00 EST
    report = run("report", "drift", "--since", "24h", "--subscription", "weekly-sec", env=env)
    assert report.returncode == 0, report.stderr
    assert "Nothing changed in this period." in report.stdout
    assert run("report", "drift", "--send", env=env).returncode == 2
    mail = ("--format", "email", "--email", "sec@example.com")
    assert (
        run("subscriptions", "add", "--name", "m", "--schedule", "daily", *mail, env=env).returncode
        == 0
    )
    sent = run("subscriptions", "run", "m", env=env)  # no TRUSTSVC_SMTP_HOST: failed for good
    assert sent.returncode == 1
    assert sent.stdout.strip().endswith("failed (e-mail is not configured: set TRUSTSVC_SMTP_HOST)")
    assert run("subscriptions", "remove", "weekly-sec", env=env).returncode == 0
    assert run("subscriptions", "remove", "weekly-sec", env=env).returncode == 2
