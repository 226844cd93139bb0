"""The labelled corpus in corpus/ is well formed, so a measurement on it means what it says.

Each written example names a target that is in its listing, ids are unique, every file
belongs to the split `splits.json` gives it, and no recorded server (nor any of its tools'
definitions) sits in both splits: a detector developed on dev must not have seen report.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "corpus"
SPLITS = ("dev", "report")
MECHANISMS = frozenset(
    {
        "cross_tool_sequencing",
        "cross_tool_argument_tampering",
        "consent_authority_override",
        "standing_policy",
        "exfiltration",
        "schema_value_payload",
        "multi_definition",
        "hidden_instruction",
    }
)
TIERS = frozenset({"read", "write", "destructive", "external"})
EXAMPLE_KEYS = frozenset({"id", "mechanism", "listing", "target", "notes", "source"})


@cache
def splits() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((CORPUS / "splits.json").read_text(encoding="utf-8"))
    return document


def rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{number} is blank"
        yield number, json.loads(line)


def files(kind: str, pattern: str) -> list[tuple[str, Path]]:
    return [(split, p) for split in SPLITS for p in sorted((CORPUS / split / kind).glob(pattern))]


@cache
def examples() -> list[tuple[str, Path, int, dict[str, Any]]]:
    found = []
    for kind in ("malicious", "hard_negative"):
        for split, path in files(kind, "*.jsonl"):
            found += [(split, path, n, row) for n, row in rows(path)]
    return found


def test_every_example_line_has_the_documented_shape() -> None:
    assert examples()
    for _split, path, number, row in examples():
        where = f"{path.name}:{number}"
        assert row.keys() >= EXAMPLE_KEYS, where
        benign = path.parent.name == "hard_negative"
        assert row["mechanism"] == "benign" if benign else row["mechanism"] in MECHANISMS, where
        assert row["source"] == path.stem, where
        assert isinstance(row["listing"], list), where
        assert row["listing"], where
        names = [tool.get("name") for tool in row["listing"]]
        assert all(isinstance(name, str) and name for name in names), where
        assert len(names) == len(set(names)), f"{where} lists a name twice"
        assert row["target"] in names, f"{where}: target {row['target']!r} is not in its listing"


def test_example_ids_are_unique_across_the_corpus() -> None:
    counts = Counter(row["id"] for *_, row in examples())
    assert [i for i, n in counts.items() if n > 1] == []


def test_each_split_covers_every_mechanism() -> None:
    for split in SPLITS:
        seen = {row["mechanism"] for s, _p, _n, row in examples() if s == split}
        assert seen == {*MECHANISMS, "benign"}, split


def test_splits_cover_every_file_and_files_sit_in_their_split() -> None:
    assert set(splits()) >= {"benign", "sources"}
    sources, benign = splits()["sources"], splits()["benign"]
    assert set(sources.values()) | set(benign.values()) <= set(SPLITS)
    example_files = files("malicious", "*.jsonl") + files("hard_negative", "*.jsonl")
    assert {path.stem: split for split, path in example_files} == sources
    assert {p.stem: split for split, p in files("sources", "*.json")} == sources
    assert {p.stem: split for split, p in files("benign", "*.json")} == benign


@pytest.mark.parametrize("split", SPLITS)
def test_recorded_servers_have_provenance_and_a_tool_listing(split: str) -> None:
    for path in sorted((CORPUS / split / "benign").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        source = document["_source"]
        assert source["registry"] in {"npm", "pypi"}, path.name
        assert source["package"], path.name
        assert source["version"], path.name
        assert source["licence"], path.name
        assert isinstance(document.get("_server_info"), dict), path.name
        assert document["tools"], path.name
        assert all(isinstance(t.get("name"), str) for t in document["tools"]), path.name


def test_no_recorded_server_or_tool_definition_is_in_both_splits() -> None:
    packages: dict[str, set[str]] = {split: set() for split in SPLITS}
    definitions: dict[str, set[str]] = {split: set() for split in SPLITS}
    for split, path in files("benign", "*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        packages[split].add(document["_source"]["package"])
        definitions[split] |= {json.dumps(t, sort_keys=True) for t in document["tools"]}
    assert packages["dev"].isdisjoint(packages["report"])
    assert definitions["dev"].isdisjoint(definitions["report"])


def test_tier_labels_name_recorded_tools_of_their_own_split() -> None:
    total = 0
    for split, path in files("labels", "tiers.jsonl"):
        tools: dict[str, set[str]] = {}
        for p in (CORPUS / split / "benign").glob("*.json"):
            tools[p.stem] = {t["name"] for t in json.loads(p.read_text(encoding="utf-8"))["tools"]}
        seen = set()
        for number, row in rows(path):
            where = f"{split}/{path.name}:{number}"
            assert set(row) == {"server", "tool", "tier"}, where
            assert row["tier"] in TIERS, where
            assert row["tool"] in tools.get(row["server"], set()), where
            assert (row["server"], row["tool"]) not in seen, f"{where} labels a tool twice"
            seen.add((row["server"], row["tool"]))
        total += len(seen)
    assert total >= 400
