#!/usr/bin/env python3
"""Prove that a change to the tools family changed no judgement: dump every finding, compare.

    python bench/same_findings.py --write before.jsonl      # on the old code
    python bench/same_findings.py --against before.jsonl    # on the new code

What is dumped, one JSON line per listing: every listing of corpus/dev (each recorded benign
server, each written malicious example and each hard negative, judged as a scan sees it) and
of tests/data/tools_corpus, with the full findings of `judge_definitions` (probe id, subject,
outcome, severity, message, evidence, provenance) and the `trustsvc check-tools --format json`
document of the same listing (verdicts, risk, tiers, the capabilities score). `--against`
reports every listing whose line differs and exits 1 when any does, so a speed-up that
changes a single finding, a word of a message or one evidence value is caught.

Why a dump and not a digest: when something differs, the line says which listing and which
finding, so the difference can be read rather than guessed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.tool_corpus import Listing, load_split  # noqa: E402
from probes.model import Finding  # noqa: E402
from probes.tools.family import judge_definitions  # noqa: E402
from trustsvc.commands.check_tools import check_tools, to_json  # noqa: E402

TESTS_CORPUS = ROOT / "tests" / "data" / "tools_corpus"


def listings() -> Iterator[tuple[str, Listing]]:
    """Every listing compared: corpus/dev first, then the test corpus."""
    split = load_split("dev")
    for server in split.benign:
        yield f"dev/benign/{server.name}", server.listing
    for example in split.malicious:
        yield f"dev/malicious/{example.id}", example.listing
    for example in split.hard_negatives:
        yield f"dev/hard_negative/{example.id}", example.listing
    for kind in ("benign", "malicious"):
        for path in sorted((TESTS_CORPUS / kind).glob("*.json")):
            document = json.loads(path.read_text(encoding="utf-8"))
            yield (
                f"tests/{kind}/{path.stem}",
                Listing(
                    tools=document.get("tools", []),
                    prompts=document.get("prompts", []),
                    resource_templates=document.get("resourceTemplates", []),
                    instructions=document.get("instructions"),
                ),
            )


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "probe": finding.probe_id,
        "subject": finding.subject,
        "outcome": finding.outcome.value,
        "severity": finding.severity.value,
        "message": finding.message,
        "evidence": dict(finding.evidence),
        "provenance": None if finding.provenance is None else finding.provenance.value,
    }


def dump(listing: Listing) -> dict[str, Any]:
    """The findings and the checker's document for one listing."""

    findings = [_finding(f) for f in judge_definitions(listing.observation())]
    return {"findings": findings, "checker": to_json(check_tools(listing.observation()))}


def lines() -> Iterator[tuple[str, str]]:
    """(listing key, its JSON line) for every listing."""
    for key, listing in listings():
        document = {"listing": key, **dump(listing)}
        yield key, json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)


def main() -> int:
    """Write the dump, or compare with one written before."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="write the dump here")
    group.add_argument("--against", type=Path, help="compare with this earlier dump")
    args = parser.parse_args()
    if args.write:
        count = 0
        with args.write.open("w", encoding="utf-8") as out:
            for _, line in lines():
                out.write(line + "\n")
                count += 1
        print(f"{count} listings written to {args.write}")
        return 0
    before = {}
    for line in args.against.read_text(encoding="utf-8").splitlines():
        before[json.loads(line)["listing"]] = line
    now = dict(lines())
    differ = sorted(k for k in before.keys() & now.keys() if before[k] != now[k])
    missing = sorted(before.keys() ^ now.keys())
    findings = sum(len(json.loads(line)["findings"]) for line in now.values())
    definitions = sum(len(json.loads(line)["checker"]["tools"]) for line in now.values())
    for key in differ:
        print(f"DIFFERS {key}")
    for key in missing:
        print(f"ONLY IN ONE {key}")
    print(
        f"{len(now)} listings, {definitions} definitions, {findings} findings: "
        f"{len(differ)} differ, {len(missing)} in one dump only"
    )
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main())
