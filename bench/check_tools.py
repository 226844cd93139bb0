#!/usr/bin/env python3
"""Tools judged per second: every tool probe, the model included, over real and hostile definitions.

    python bench/check_tools.py [--definitions 10000] [--runs 5]
    python bench/check_tools.py --against main [--rounds 3]    # A/B: that revision, this tree

What is measured: the corpus in tests/data/tools_corpus (definitions recorded from 20
published MCP servers, plus the labelled attack samples) is replicated until it holds at least
--definitions definitions (default 10,000). Each figure is timed --runs times after one
unmeasured warm-up:

- probes: judge_definitions over one observation per corpus file (as scans see them),
  i.e. every rule, tier, parameter, hygiene and fingerprint probe, the statistical model
  scoring every definition, plus tool_verdicts. This is the figure issue 15's goal is about
  (at least 1,000 definitions per second in process, with the model included);
- checker: what `trustsvc check-tools --format json` does per file, from JSON text to the
  JSON document (parse, probes, capabilities dimension, rendering);
- one listing: the same definitions as a single listing with unique names, to show the
  set-level probes (name collisions, shadowing siblings) do not grow worse than linearly;
- model alone: the statistical layer's share of the probes figure (scoring the readings the
  probes made; its rate is definitions scored per second);
- baseline: building the observations alone (the same documents, already parsed), run in
  the same process, so `ratio probes/baseline` compares like with like.

Rates are from CPU time (`time.process_time`, best of the runs): on a shared, busy 2-core
machine the wall clock measures the other jobs as much as this one, while CPU time moves far
less (the wall-clock median is printed too). `--against REV` answers "is this tree faster
than REV" under such load: it exports REV with `git archive`, then runs the same workload in
a child process per tree, alternately (REV, this tree, REV, ...) for --rounds rounds, and
prints each tree's best rate and their ratio, measured in the same run.

Why tools per second: tool definitions are the unit a registry re-scores when rules change, and
rescoring every stored listing must stay cheap next to collecting them.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "tools_corpus"
NOW = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
GOAL = 1_000  # definitions per second, issue 15
FIGURES = ("baseline", "probes", "checker", "one listing", "model alone")


def load_corpus() -> list[dict[str, Any]]:
    """Every corpus document, benign then malicious."""
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for kind in ("benign", "malicious")
        for path in sorted((CORPUS / kind).glob("*.json"))
    ]


def observation_of(document: dict[str, Any]) -> Any:  # noqa: ANN401 - whichever tree's type
    """The listing of one corpus document."""
    from probes.tools.observation import observation_from_lists  # noqa: PLC0415

    return observation_from_lists(
        observed_at=NOW,
        tools=document.get("tools", []),
        prompts=document.get("prompts", []),
        resource_templates=document.get("resourceTemplates", []),
        instructions=document.get("instructions"),
    )


def replicate(documents: list[dict[str, Any]], target: int) -> list[dict[str, Any]]:
    """The documents repeated until they hold at least `target` definitions."""
    per_round = sum(len(observation_of(d).definitions) for d in documents)
    rounds = -(-target // per_round)
    return documents * rounds


def one_listing(documents: list[dict[str, Any]]) -> Any:  # noqa: ANN401 - whichever tree's type
    """Every tool of every document in one listing, renamed so names stay unique."""
    from probes.tools.observation import observation_from_lists  # noqa: PLC0415

    tools = []
    for i, document in enumerate(documents):
        for tool in document.get("tools", []):
            renamed = dict(tool)
            renamed["name"] = f"{tool.get('name', 'unnamed')}_{i}"
            tools.append(renamed)
    return observation_from_lists(observed_at=NOW, tools=tools)


@dataclasses.dataclass(frozen=True, slots=True)
class Timing:
    """One figure: how many definitions, the best and median CPU seconds, the wall median."""

    count: int
    cpu_best: float
    cpu_median: float
    wall_median: float

    @property
    def rate(self) -> float:
        """Definitions per CPU second, from the best run."""
        return self.count / self.cpu_best if self.cpu_best else 0.0


def timed(count: int, work: Callable[[], object], runs: int) -> Timing:
    """Run `work` once to warm up, then `runs` times, timing CPU and wall clock."""
    work()
    cpu, wall = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    return Timing(count, min(cpu), statistics.median(cpu), statistics.median(wall))


def measure(definitions: int, runs: int) -> dict[str, Timing]:
    """Every figure, in this process, with whichever probes and trustsvc are importable."""
    from probes.tools.classifier import assess  # noqa: PLC0415
    from probes.tools.family import judge_definitions  # noqa: PLC0415
    from probes.tools.reading import reading_of  # noqa: PLC0415
    from probes.tools.verdicts import tool_verdicts  # noqa: PLC0415
    from trustsvc.commands.check_tools import (  # noqa: PLC0415
        check_tools,
        parse_tool_list,
        to_json,
    )

    documents = replicate(load_corpus(), definitions)
    observations = [observation_of(d) for d in documents]
    texts = [json.dumps(d) for d in documents]
    count = sum(len(o.definitions) for o in observations)
    single = one_listing(documents)
    readings = [reading for o in observations for reading in reading_of(o).by_fields.values()]

    def probes() -> None:
        for observation in observations:
            tool_verdicts(judge_definitions(observation))

    def checker() -> None:
        for text in texts:
            json.dumps(to_json(check_tools(parse_tool_list(text, observed_at=NOW))))

    def baseline() -> None:
        for document in documents:
            observation_of(document)

    def model() -> None:
        for reading in readings:
            assess(reading)

    return {
        "baseline": timed(count, baseline, runs),
        "probes": timed(count, probes, runs),
        "checker": timed(count, checker, runs),
        # A fresh copy each run: the probes cache per observation, and a reused one would hit.
        "one listing": timed(
            len(single.definitions), lambda: judge_definitions(dataclasses.replace(single)), runs
        ),
        "model alone": timed(len(readings), model, runs),
    }


def _line(label: str, timing: Timing) -> str:
    return (
        f"{label:<12} {timing.count:>7} definitions  CPU best {timing.cpu_best:6.3f} s  "
        f"median {timing.cpu_median:6.3f} s  wall median {timing.wall_median:6.3f} s  "
        f"{timing.rate:>9,.0f} definitions/s"
    )


def report(figures: dict[str, Timing]) -> None:
    """Print every figure, the same-run ratio and the goal."""
    from probes.tools.classifier import MODEL_VERSION  # noqa: PLC0415

    for label in FIGURES:
        print(_line(label, figures[label]))
    base, probes = figures["baseline"], figures["probes"]
    print(f"ratio probes/baseline: {probes.cpu_best / base.cpu_best:.1f} (same run, CPU best)")
    met = "met" if probes.rate >= GOAL else "not met"
    print(
        f"goal: {GOAL:,} definitions/s in process with the model ({MODEL_VERSION}) scoring "
        f"every definition: probes {probes.rate:,.0f}/s, checker {figures['checker'].rate:,.0f}/s"
        f" ({met})"
    )


def _child(tree: Path, definitions: int, runs: int) -> dict[str, float]:
    """Best CPU seconds per figure, measured in a child process importing `tree`'s code."""
    env = {**os.environ, "PYTHONPATH": str(tree), "TRUSTSVC_DOMAIN_LOOKUPS": "off"}
    command = [sys.executable, __file__, "--child", f"--definitions={definitions}"]
    done = subprocess.run(
        [*command, f"--runs={runs}"], env=env, capture_output=True, text=True, check=True
    )
    return {k: float(v) for k, v in json.loads(done.stdout.splitlines()[-1]).items()}


def against(revision: str, definitions: int, runs: int, rounds: int) -> None:
    """Interleaved A/B: `revision` and this tree in alternate child processes."""
    with tempfile.TemporaryDirectory(prefix="check-tools-ab-") as scratch:
        other = Path(scratch)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", str(other)], input=archive.stdout, check=True)
        best: dict[str, dict[str, float]] = {revision: {}, "this tree": {}}
        for k in range(rounds):
            for name, tree in ((revision, other), ("this tree", ROOT)):
                seconds = _child(tree, definitions, runs)
                shown = ", ".join(f"{f} {seconds[f]:.3f} s" for f in FIGURES)
                print(f"round {k + 1} {name}: {shown}", flush=True)
                for figure, value in seconds.items():
                    best[name][figure] = min(value, best[name].get(figure, value))
    print(f"best CPU seconds of {rounds} rounds (lower is faster); ratio {revision} / this tree:")
    for figure in FIGURES:
        a, b = best[revision][figure], best["this tree"][figure]
        print(f"  {figure:<12} {revision} {a:7.3f} s  this tree {b:7.3f} s  ratio {a / b:5.2f}")


def main() -> None:
    """Parse arguments, then measure here, in a child for --against, or as that child."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--definitions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--against", metavar="REV", help="A/B against this git revision")
    parser.add_argument("--rounds", type=int, default=3, help="A/B rounds (with --against)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.against:
        against(args.against, args.definitions, args.runs, args.rounds)
        return
    figures = measure(args.definitions, args.runs)
    if args.child:
        print(json.dumps({label: timing.cpu_best for label, timing in figures.items()}))
        return
    count = figures["probes"].count
    print(f"corpus: {count} definitions (tools, prompts, templates), {args.runs} runs each")
    report(figures)


if __name__ == "__main__":
    main()
