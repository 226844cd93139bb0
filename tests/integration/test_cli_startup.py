"""Start-up stays light: the quick answers import none of the heavy libraries.

A test of behaviour, not of time (bench/cli_start.py measures the CPU): each case runs the
CLI's `main` in a fresh interpreter and reports which heavy modules ended up loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("litestar", "sslyze", "alembic", "uvicorn")
PROBE = """
import contextlib, io, json, sys
from trustsvc.commands.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _loaded(*argv: str) -> tuple[object, set[str]]:
    env = {**os.environ, "TRUSTSVC_DOMAIN_LOOKUPS": "off"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout)
    return result["code"], {name.split(".")[0] for name in result["modules"]}


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = "import sys, trustsvc.commands.cli; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    roots = {name.split(".")[0] for name in done.stdout.split()}
    assert not roots & {*HEAVY, "sqlalchemy", "aiohttp", "tldextract"}


@pytest.mark.parametrize(
    ("argv", "expected_code", "also_absent"),
    [
        (("--help",), 0, ("sqlalchemy", "aiohttp")),
        (("--version",), 0, ("sqlalchemy", "aiohttp")),
        (("assess", "https://127.0.0.1:1/"), 2, ("sqlalchemy", "aiohttp")),
        (("check-domain", "--offline", "example.com"), 0, ("aiohttp", "whois")),
    ],
)
def test_quick_answers_stay_light(
    argv: tuple[str, ...], expected_code: int, also_absent: tuple[str, ...]
) -> None:
    code, roots = _loaded(*argv)
    assert code == expected_code
    assert not roots & {*HEAVY, *also_absent}
