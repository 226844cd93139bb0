#!/usr/bin/env python3
"""CPU seconds of the CLI's quick answers, each against `python -c pass` in the same run.

What is measured: the user + system CPU of one `trustsvc` process (the console script of
this interpreter's environment, with this tree first on PYTHONPATH), read from
getrusage(RUSAGE_CHILDREN) around each run, so a machine shared with other work inflates
wall time but far less the CPU. Each figure is the median of --runs runs after one unmeasured
warm-up (which fills the page cache and writes the .pyc files). The baseline is a bare
interpreter start, measured in the same way in the same run; the ratio is what the command
costs over it.

Commands and their goals (issue 17): `--help` and a refused URL under 0.3 s,
`check-domain --offline` and `check-tools` on one tool under 0.8 s.

    PYTHONPATH=$PWD .venv/bin/python bench/cli_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ONE_TOOL = [
    {
        "name": "add",
        "description": "Add two numbers.",
        "inputSchema": {"type": "object", "properties": {"a": {"type": "number"}}},
    }
]


def _cpu_of(argv: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, capture_output=True, check=False, timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _median(argv: list[str], env: dict[str, str], runs: int) -> float:
    _cpu_of(argv, env)
    return statistics.median(_cpu_of(argv, env) for _ in range(runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs each (default 7)")
    args = parser.parse_args()
    script = str(Path(sys.executable).parent / "trustsvc")
    env = {**os.environ, "TRUSTSVC_DOMAIN_LOOKUPS": "off"}
    with tempfile.TemporaryDirectory() as tmp:
        tool = Path(tmp) / "one_tool.json"
        tool.write_text(json.dumps(ONE_TOOL))
        cases = [
            ("--help", [script, "--help"], 0.3),
            ("refused URL", [script, "assess", "https://127.0.0.1:1/"], 0.3),
            ("check-domain --offline", [script, "check-domain", "--offline", "x.com"], 0.8),
            ("check-tools, one tool", [script, "check-tools", str(tool)], 0.8),
        ]
        base = _median([sys.executable, "-c", "pass"], env, args.runs)
        print(f"{'baseline: python -c pass':<28} {base:6.3f} s CPU")
        for name, argv, goal in cases:
            cpu = _median(argv, env, args.runs)
            verdict = "ok" if cpu <= goal else "OVER"
            print(
                f"{name:<28} {cpu:6.3f} s CPU  {cpu / base:5.1f}x baseline  goal {goal} s {verdict}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
