#!/usr/bin/env python3
"""Tools judged per second: every tool probe over a large corpus of real and hostile definitions.

What is measured: the corpus in tests/data/tools_corpus (definitions recorded from 20
published MCP servers, plus the labelled attack samples) is replicated until it holds at least
--definitions definitions (default 10,000). Three figures, each the median of --runs runs
after one unmeasured warm-up:

- probes: judge_definitions over one observation per corpus file (as scans see them),
  i.e. every rule, tier, parameter, hygiene and fingerprint probe, plus tool_verdicts;
- checker: what `trustsvc check-tools --format json` does per file, from JSON text to the
  JSON document (parse, probes, capabilities dimension, rendering);
- one listing: the same definitions as a single listing with unique names, to show the
  set-level probes (name collisions, shadowing siblings) do not grow worse than linearly;
- baseline: building the observations alone (the same documents, already parsed), run in
  the same process, so `ratio probes/baseline` compares like with like on a shared, busy
  machine where absolute rates drift.

Everything includes the statistical layer (the shipped model scores every definition).

Why tools per second: tool definitions are the unit a registry re-scores when rules change, and
rescoring every stored listing must stay cheap next to collecting them.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from probes.tools.family import judge_definitions
from probes.tools.observation import ToolsObservation, observation_from_lists
from probes.tools.verdicts import tool_verdicts
from trustsvc.commands.check_tools import check_tools, parse_tool_list, to_json

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "tools_corpus"
NOW = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


def load_corpus() -> list[dict[str, Any]]:
    """Every corpus document, benign then malicious."""
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for kind in ("benign", "malicious")
        for path in sorted((CORPUS / kind).glob("*.json"))
    ]


def observation_of(document: dict[str, Any]) -> ToolsObservation:
    """The listing of one corpus document."""
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


def one_listing(documents: list[dict[str, Any]]) -> ToolsObservation:
    """Every tool of every document in one listing, renamed so names stay unique."""
    tools = []
    for i, document in enumerate(documents):
        for tool in document.get("tools", []):
            renamed = dict(tool)
            renamed["name"] = f"{tool.get('name', 'unnamed')}_{i}"
            tools.append(renamed)
    return observation_from_lists(observed_at=NOW, tools=tools)


def timed(label: str, count: int, work: Callable[[], object], runs: int) -> float:
    """Run `work` once to warm up, then `runs` times; print the median rate, return it (s)."""
    work()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    print(
        f"{label:<12} {count:>7} definitions  median {median:6.3f} s  "
        f"min {min(seconds):6.3f} s  {count / median:>9,.0f} definitions/s"
    )
    return median


def main() -> None:
    """Parse arguments, build the corpus, print the three figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--definitions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    documents = replicate(load_corpus(), args.definitions)
    observations = [observation_of(d) for d in documents]
    texts = [json.dumps(d) for d in documents]
    count = sum(len(o.definitions) for o in observations)
    single = one_listing(documents)
    print(f"corpus: {len(documents)} listings, {count} definitions (tools, prompts, templates)")

    def probes() -> None:
        for observation in observations:
            tool_verdicts(judge_definitions(observation))

    def checker() -> None:
        for text in texts:
            json.dumps(to_json(check_tools(parse_tool_list(text, observed_at=NOW))))

    def baseline() -> None:
        for document in documents:
            observation_of(document)

    base = timed("baseline", count, baseline, args.runs)
    judged = timed("probes", count, probes, args.runs)
    timed("checker", count, checker, args.runs)
    # A fresh copy each run: the probes cache per observation, and a reused one would hit.
    timed(
        "one listing",
        len(single.definitions),
        lambda: judge_definitions(dataclasses.replace(single)),
        args.runs,
    )
    print(f"ratio probes/baseline: {judged / base:.1f} (same run, medians)")


if __name__ == "__main__":
    main()
