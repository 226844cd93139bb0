#!/usr/bin/env python3
"""Measure a tool-poisoning detector on one split of the labelled corpus in corpus/.

    python bench/tool_corpus.py --split dev|report [--detector current] [--show-misses]

What is measured, each listing judged on its own as a scan would see it:

- recall on the malicious definitions, per mechanism, per source and overall: a definition
  counts as flagged when the detector calls it poisoned, or when any finding that feeds a
  blocking gate of the scoring policy fires on it (today `tools.poisoning`, an F);
- false positives on the benign recorded tools (every tool of every real server in the split)
  and, separately, on the hard negatives (honest definitions written to look suspicious);
- tier agreement against the careful labels of corpus/<split>/labels/tiers.jsonl, with the
  tier confusion (label by row, detector by column);
- the detection confusion table, and definitions judged per second.

On `--split report` only aggregates are printed, never a definition's text, name or id, so
the detector's author can run it without seeing the reporting data. `--show-misses` (dev only)
lists the missed example ids and the flagged benign tools.

A detector is a function from one listing to a judgement per definition name (`Detector`); add
one to DETECTORS to compare another implementation on the same data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from probes.tools.observation import ToolsObservation

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "corpus"
SPLITS = ("dev", "report")
TIERS = ("read", "write", "destructive", "external")
NOW = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


# ---- the corpus -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing as a server would return it: what a detector is given."""

    tools: Sequence[Any]
    prompts: Sequence[Any] = ()
    resource_templates: Sequence[Any] = ()
    instructions: str | None = None
    server_name: str | None = None

    def observation(self) -> ToolsObservation:
        """The listing as the tools family observes it, at the corpus's fixed time."""
        from probes.tools.observation import observation_from_lists  # noqa: PLC0415

        return observation_from_lists(
            observed_at=NOW,
            tools=self.tools,
            prompts=self.prompts,
            resource_templates=self.resource_templates,
            instructions=self.instructions,
            server_name=self.server_name,
        )


@dataclass(frozen=True, slots=True)
class BenignServer:
    """A recorded listing of a real published server."""

    name: str
    source: Mapping[str, Any]
    listing: Listing


@dataclass(frozen=True, slots=True)
class Example:
    """A written example: its listing and the one definition it is about."""

    id: str
    mechanism: str
    source: str
    target: str
    listing: Listing
    notes: str = ""


@dataclass(frozen=True, slots=True)
class TierLabel:
    """A careful label of what one recorded tool does."""

    server: str
    tool: str
    tier: str


@dataclass(frozen=True, slots=True)
class Split:
    """Everything one split holds."""

    name: str
    benign: tuple[BenignServer, ...]
    malicious: tuple[Example, ...]
    hard_negatives: tuple[Example, ...]
    tiers: tuple[TierLabel, ...]


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _examples(directory: Path) -> tuple[Example, ...]:
    return tuple(
        Example(
            id=row["id"],
            mechanism=row["mechanism"],
            source=row.get("source", path.stem),
            target=row["target"],
            listing=Listing(tools=row["listing"]),
            notes=row.get("notes", ""),
        )
        for path in sorted(directory.glob("*.jsonl"))
        for row in _jsonl(path)
    )


def load_split(split: str, root: Path = CORPUS) -> Split:
    """The benign servers, written examples and tier labels of one split."""
    base = root / split
    benign = []
    for path in sorted((base / "benign").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        info = document.get("_server_info") or {}
        benign.append(
            BenignServer(
                name=path.stem,
                source=document.get("_source", {}),
                listing=Listing(
                    tools=document.get("tools", []),
                    prompts=document.get("prompts", []),
                    resource_templates=document.get("resourceTemplates", []),
                    instructions=document.get("instructions"),
                    server_name=info.get("name") if isinstance(info, dict) else None,
                ),
            )
        )
    labels_path = base / "labels" / "tiers.jsonl"
    tiers = tuple(
        TierLabel(row["server"], row["tool"], row["tier"])
        for row in (_jsonl(labels_path) if labels_path.exists() else ())
    )
    return Split(
        name=split,
        benign=tuple(benign),
        malicious=_examples(base / "malicious"),
        hard_negatives=_examples(base / "hard_negative"),
        tiers=tiers,
    )


def part_of(split: Split, part: str, root: Path = CORPUS) -> Split:
    """The split's recorded servers listed under `parts[part]` of splits.json, alone."""
    document = json.loads((root / "splits.json").read_text(encoding="utf-8"))
    names = set(document.get("parts", {}).get(part, ()))
    benign = tuple(server for server in split.benign if server.name in names)
    return Split(split.name, benign, (), (), tuple(t for t in split.tiers if t.server in names))


# ---- detectors --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Judgement:
    """What a detector says about one tool: flagged (poisoned or blocking), its tier, why."""

    flagged: bool
    tier: str | None
    reasons: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()  # the rules behind a flag (`probe:rule`), for aggregates


Detector = Callable[[Listing], Mapping[str, Judgement]]


def _blocking_probe_ids() -> frozenset[str]:
    """Probes whose finding alone fires a blocking gate (no cross-family condition)."""
    from trustsvc.scoring.policy import POLICY  # noqa: PLC0415 - only the current detector needs it
    from trustsvc.scoring.types import Verdict  # noqa: PLC0415

    return frozenset(
        probe
        for gate in POLICY.gates
        if gate.verdict is Verdict.BLOCK and not gate.also_requires
        for probe in gate.probe_ids
        if probe.startswith("tool_")
    )


def current_detector() -> Detector:
    """Today's tools family through its public API, as `trustsvc check-tools` judges offline."""
    from probes.tools.family import judge_definitions  # noqa: PLC0415
    from probes.tools.judging import POISONING_PROBES  # noqa: PLC0415
    from probes.tools.verdicts import tool_verdicts  # noqa: PLC0415

    blocking = _blocking_probe_ids()

    def judge(listing: Listing) -> Mapping[str, Judgement]:
        verdicts = tool_verdicts(judge_definitions(listing.observation()))
        result = {}
        for verdict in verdicts:
            if verdict.kind != "tool":
                continue
            reasons = tuple(f.probe_id for f in verdict.findings)
            flagged = verdict.poisoned or any(r in blocking for r in reasons)
            rules = tuple(
                f"{f.probe_id.removeprefix('tool_')}:{rule}"
                for f in verdict.findings
                if f.probe_id in blocking or f.probe_id in POISONING_PROBES
                for rule in str(f.evidence.get("rules") or f.evidence.get("rule") or "-").split(",")
            )
            result[verdict.name] = Judgement(flagged, verdict.capability_tier, reasons, rules)
        return result

    return judge


DETECTORS: dict[str, Callable[[], Detector]] = {"current": current_detector}


# ---- measuring --------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """Flagged out of total."""

    flagged: int = 0
    total: int = 0

    def add(self, flagged: bool) -> None:  # noqa: FBT001 - a counter's one argument
        self.flagged += flagged
        self.total += 1

    def __str__(self) -> str:
        share = 100 * self.flagged / self.total if self.total else 0.0
        return f"{self.flagged}/{self.total} ({share:.1f}%)"


@dataclass(slots=True)
class Report:
    """Every figure of one run."""

    split: str
    per_mechanism: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    per_source: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    malicious: Tally = field(default_factory=Tally)
    benign_tools: Tally = field(default_factory=Tally)
    benign_servers: Tally = field(default_factory=Tally)
    hard_negatives: Tally = field(default_factory=Tally)
    hard_negative_sources: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    tiers: Counter[tuple[str, str]] = field(default_factory=Counter)
    unlabelled_tiers: int = 0
    missed: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    # Which rules flag the benign definitions (counts only, so the report split may print it).
    benign_rules: Counter[str] = field(default_factory=Counter)
    hard_negative_rules: Counter[str] = field(default_factory=Counter)
    definitions: int = 0
    seconds: float = 0.0


def _judged(detector: Detector, listing: Listing, report: Report) -> Mapping[str, Judgement]:
    started = time.perf_counter()
    result = detector(listing)
    report.seconds += time.perf_counter() - started
    report.definitions += (
        len(listing.tools) + len(listing.prompts) + len(listing.resource_templates)
    )
    return result


def measure(split: Split, detector: Detector) -> Report:
    """Judge every listing of the split and tally the figures."""
    report = Report(split.name)
    for example in split.malicious:
        judgement = _judged(detector, example.listing, report).get(example.target)
        flagged = bool(judgement and judgement.flagged)
        report.malicious.add(flagged)
        report.per_mechanism[example.mechanism].add(flagged)
        report.per_source[example.source].add(flagged)
        if not flagged:
            report.missed.append(example.id)
    for example in split.hard_negatives:
        judgement = _judged(detector, example.listing, report).get(example.target)
        flagged = bool(judgement and judgement.flagged)
        report.hard_negatives.add(flagged)
        report.hard_negative_sources[example.source].add(flagged)
        if flagged:
            report.false_positives.append(f"hard negative {example.id}")
            report.hard_negative_rules.update(set(judgement.rules) if judgement else ())
    labels = {(label.server, label.tool): label.tier for label in split.tiers}
    for server in split.benign:
        judgements = _judged(detector, server.listing, report)
        any_flagged = False
        for tool in server.listing.tools:
            name = tool.get("name") if isinstance(tool, dict) else None
            judgement = judgements.get(name) if isinstance(name, str) else None
            flagged = bool(judgement and judgement.flagged)
            any_flagged |= flagged
            report.benign_tools.add(flagged)
            if flagged:
                report.false_positives.append(
                    f"benign {server.name}/{name}: {judgement and judgement.reasons}"
                )
                report.benign_rules.update(set(judgement.rules) if judgement else ())
            label = labels.pop((server.name, name), None) if isinstance(name, str) else None
            if label is not None:
                report.tiers[(label, (judgement.tier if judgement else None) or "none")] += 1
        report.benign_servers.add(any_flagged)
    report.unlabelled_tiers = len(labels)  # labels whose tool the split does not hold
    return report


def render(report: Report, *, show_misses: bool) -> str:
    """The figures as text; on the report split, aggregates only."""
    lines = [f"split {report.split}", "", "recall on malicious definitions, by mechanism:"]
    width = max([len(m) for m in report.per_mechanism] + [10])
    lines += [f"  {m.ljust(width)}  {t}" for m, t in sorted(report.per_mechanism.items())]
    lines += [f"  {'overall'.ljust(width)}  {report.malicious}", "", "recall by source:"]
    width = max([len(s) for s in report.per_source] + [10])
    lines += [f"  {s.ljust(width)}  {t}" for s, t in sorted(report.per_source.items())]
    lines += [
        "",
        (
            f"false positives, benign recorded tools: {report.benign_tools}"
            f" (servers with any flagged tool: {report.benign_servers})"
        ),
        f"false positives, hard negatives:        {report.hard_negatives}",
    ]
    width = max([len(s) for s in report.hard_negative_sources] + [10])
    lines += [f"  {s.ljust(width)}  {t}" for s, t in sorted(report.hard_negative_sources.items())]
    for what, counts in (
        ("recorded tools", report.benign_rules),
        ("hard negatives", report.hard_negative_rules),
    ):
        if counts:
            lines.append(f"  flagged {what} by rule (a definition counts once per rule):")
            lines += [f"    {rule:<58} {n:>4}" for rule, n in sorted(counts.items())]
    benign_all = report.benign_tools.total + report.hard_negatives.total
    benign_flagged = report.benign_tools.flagged + report.hard_negatives.flagged
    missed = report.malicious.total - report.malicious.flagged
    lines += [
        "",
        "detection confusion (definitions):",
        f"  {'':24}{'flagged':>10}{'not flagged':>14}",
        f"  {'malicious':24}{report.malicious.flagged:>10}{missed:>14}",
        f"  {'benign + hard negative':24}{benign_flagged:>10}{benign_all - benign_flagged:>14}",
    ]
    total = sum(report.tiers.values())
    agree = sum(n for (label, got), n in report.tiers.items() if label == got)
    share = 100 * agree / total if total else 0.0
    lines += ["", f"tier agreement: {agree}/{total} ({share:.1f}%)", "  label \\ detector"]
    columns = [*TIERS, "none"]
    lines.append("  " + "".ljust(13) + "".join(c.rjust(13) for c in columns))
    for label in TIERS:
        lines.append(
            "  "
            + label.ljust(13)
            + "".join(str(report.tiers[(label, c)]).rjust(13) for c in columns)
        )
    if report.unlabelled_tiers:
        lines.append(f"  ({report.unlabelled_tiers} labels name a tool the split does not hold)")
    rate = report.definitions / report.seconds if report.seconds else 0.0
    lines += [
        "",
        f"throughput: {report.definitions} definitions in {report.seconds:.2f} s ({rate:,.0f}/s)",
    ]
    if show_misses and report.split != "report":
        lines += ["", "missed malicious examples:", *(f"  {m}" for m in report.missed)]
        lines += ["", "flagged benign definitions:", *(f"  {f}" for f in report.false_positives)]
    return "\n".join(lines)


def flags(split: Split, detector: Detector) -> list[bool]:
    """Every judged definition's flag, in a fixed order: malicious, hard negatives, benign tools."""
    found = []
    for example in (*split.malicious, *split.hard_negatives):
        judgement = detector(example.listing).get(example.target)
        found.append(bool(judgement and judgement.flagged))
    for server in split.benign:
        judgements = detector(server.listing)
        for tool in server.listing.tools:
            name = tool.get("name") if isinstance(tool, dict) else None
            judgement = judgements.get(name) if isinstance(name, str) else None
            found.append(bool(judgement and judgement.flagged))
    return found


def _flags_at(revision: str, split: str) -> list[bool]:
    """The current detector of another revision, run in a child process on its own checkout.

    The child imports that revision's probes (a temporary git worktree) and this file's
    loader, and hands back only the ordered flags, so nothing of the split is printed.
    """
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), revision],
            check=True,
        )
        try:
            child = (
                "import json, sys\n"
                f"sys.path.insert(0, {str(tree)!r})\n"
                f"sys.path.insert(1, {str(ROOT / 'bench')!r})\n"
                "import tool_corpus as t\n"
                f"sys.path[:] = [p for p in sys.path if p not in ('', {str(ROOT)!r})]\n"
                f"sys.path.insert(0, {str(tree)!r})\n"
                f"split = t.load_split({split!r})\n"
                "print(json.dumps(t.flags(split, t.current_detector())))\n"
            )
            done = subprocess.run(
                [sys.executable, "-c", child], capture_output=True, text=True, check=True, cwd=tree
            )
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True
            )
    return [bool(x) for x in json.loads(done.stdout)]


def compare(split: Split, revision: str) -> str:
    """The confusion of another revision's detector against this one, in counts only."""
    new = flags(split, current_detector())
    old = _flags_at(revision, split.name)
    malicious = len(split.malicious)
    lines = [f"old ({revision}) against new detector, definitions:"]
    for label, part in (
        ("malicious", range(malicious)),
        ("benign + hard negative", range(malicious, len(new))),
    ):
        cell = Counter((old[i], new[i]) for i in part)
        lines.append(
            f"  {label:24} both {cell[True, True]:>5}  old only {cell[True, False]:>5}"
            f"  new only {cell[False, True]:>5}  neither {cell[False, False]:>5}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, required=True)
    parser.add_argument("--detector", choices=sorted(DETECTORS), default="current")
    parser.add_argument("--show-misses", action="store_true", help="list misses (dev split only)")
    parser.add_argument(
        "--compare-with",
        metavar="REV",
        help="also print the confusion of REV's detector (e.g. the commit before issue 15) "
        "against this one",
    )
    parser.add_argument(
        "--part",
        metavar="NAME",
        help="only the recorded servers splits.json lists under parts/NAME (benign figures "
        "only; e.g. dev-round3, the servers added in round 3)",
    )
    options = parser.parse_args(argv)
    if options.show_misses and options.split == "report":
        print(
            "--show-misses is for the dev split: the report split prints aggregates only",
            file=sys.stderr,
        )
        return 2
    split = load_split(options.split)
    if options.part:
        split = part_of(split, options.part)
    if not split.benign and not split.malicious:
        print(
            f"corpus/{options.split} holds no data: run from a checkout that has corpus/",
            file=sys.stderr,
        )
        return 2
    report = measure(split, DETECTORS[options.detector]())
    print(render(report, show_misses=options.show_misses))
    if options.compare_with:
        print("\n" + compare(split, options.compare_with))
    return 0


if __name__ == "__main__":
    sys.exit(main())
