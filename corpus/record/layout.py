"""Lay the corpus out by split: `splits.json` says where every server and source belongs.

Not run by the test suite. `--recorded DIR` copies freshly recorded benign listings (the
output of `record.py`) into `corpus/<split>/benign/`; servers not yet in `splits.json` are
assigned first, a whole publisher at a time (an npm scope, or the `awslabs-` PyPI family), so
servers written by one team never straddle the split, balancing the count of servers and then
of tools. Written sources are assigned by where their bank lives (`corpus/<split>/sources/`).
Re-running with the same inputs changes nothing.

`--to dev` puts every newly recorded server on that side (round 3 added fresh benign servers
to dev only, to measure false positives out of sample there; a server whose publisher is
already on the other side is refused), and `--part NAME` lists them under `parts` in
`splits.json`, so `bench/tool_corpus.py --part NAME` can measure that batch alone.

Usage: python corpus/record/layout.py [--recorded /tmp/corpus-rec/out] [--to dev] [--part NAME]
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[1]
SPLITS_FILE = CORPUS / "splits.json"
SPLITS = ("dev", "report")


def publisher(source: dict[str, Any]) -> str:
    """The team a package comes from: its npm scope, a known PyPI family, else the package."""
    package = str(source["package"])
    if package.startswith("@"):
        return package.split("/", maxsplit=1)[0]
    if package.startswith("awslabs"):
        return "awslabs"
    return package


def assign(
    servers: dict[str, dict[str, Any]], current: dict[str, str], to: str | None = None
) -> dict[str, str]:
    """Each new server's split, publisher groups kept whole, largest groups placed first.

    With `to`, every new server goes to that split; one whose publisher is placed on the
    other side raises ValueError.
    """
    result = dict(current)
    groups: dict[str, list[str]] = {}
    for name, document in servers.items():
        groups.setdefault(publisher(document["_source"]), []).append(name)
    if to is not None:
        for group, members in groups.items():
            placed = {result[m] for m in members if m in result}
            if placed - {to}:
                new = [m for m in members if m not in result]
                if new:
                    raise ValueError(f"{group} is on the {placed} side: {new}")
            result |= {m: to for m in members if m not in result}
        return result
    for members in groups.values():  # a group already placed keeps its side
        placed = {result[m] for m in members if m in result}
        if len(placed) == 1:
            side = placed.pop()
            result |= dict.fromkeys(members, side)

    all_tools = max(1, sum(len(d.get("tools", [])) for d in servers.values()))

    def size(split: str) -> float:
        """Share of the servers plus share of the tools a split holds so far."""
        names = [n for n, s in result.items() if s == split and n in servers]
        tools = sum(len(servers[n].get("tools", [])) for n in names)
        return len(names) / len(servers) + tools / all_tools

    pending = [g for g in groups.values() if any(m not in result for m in g)]
    pending.sort(key=lambda g: (-len(g), -sum(len(servers[m].get("tools", [])) for m in g), g[0]))
    for members in pending:
        side = min(SPLITS, key=size)
        result |= dict.fromkeys(members, side)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recorded", type=Path, help="directory of record.py output")
    parser.add_argument("--to", choices=SPLITS, help="put every new server on this side")
    parser.add_argument("--part", help="list the newly recorded servers under this part name")
    options = parser.parse_args()
    splits = json.loads(SPLITS_FILE.read_text()) if SPLITS_FILE.exists() else {}
    benign: dict[str, str] = splits.get("benign", {})
    servers = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for split in SPLITS
        for path in (CORPUS / split / "benign").glob("*.json")
    }
    recorded = {}
    if options.recorded:
        recorded = {p.stem: p for p in sorted(options.recorded.glob("*.json"))}
        servers |= {name: json.loads(p.read_text(encoding="utf-8")) for name, p in recorded.items()}
    benign = assign(servers, benign, options.to)
    parts: dict[str, list[str]] = splits.get("parts", {})
    if options.part and recorded:
        parts[options.part] = sorted(set(parts.get(options.part, [])) | set(recorded))
    for name, path in recorded.items():
        for split in SPLITS:
            (CORPUS / split / "benign" / f"{name}.json").unlink(missing_ok=True)
        target = CORPUS / benign[name] / "benign" / f"{name}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    sources = {
        path.stem: split
        for split in SPLITS
        for path in sorted((CORPUS / split / "sources").glob("*.json"))
    }
    document = {
        "_about": "Which split each benign server and each written source belongs to. "
        "Files of the report split live under corpus/report/, of the dev split under corpus/dev/.",
        "benign": dict(sorted(benign.items())),
        "sources": dict(sorted(sources.items())),
    }
    if parts:
        document["parts"] = dict(sorted(parts.items()))
    SPLITS_FILE.write_text(
        json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    for split in SPLITS:
        names = [n for n, s in benign.items() if s == split]
        tools = sum(len(servers[n].get("tools", [])) for n in names)
        count = sum(s == split for s in sources.values())
        print(f"{split}: {len(names)} servers, {tools} tools, {count} sources")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
