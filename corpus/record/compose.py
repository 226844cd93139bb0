"""Compose the written examples (malicious and hard negatives) from their hand-written sources.

Not run by the test suite. Each source is one writing batch: a JSON file under
`corpus/<split>/sources/` holding the clauses (or whole definitions) written for it, its
mechanism, and how its examples are placed. This script turns a source into
`corpus/<split>/<kind>/<source>.jsonl`, one example a line:

    {"id", "mechanism", "listing": [definitions...], "target", "notes",
     "source", "world", "position", "voice"}

The listing around each example is drawn from one world's honest kit (`kits.json`): the
poisoned or questioned definition is one of its tools, or a utility tool added beside them,
and a clause that names another tool names either a sibling in the listing ("own") or a tool
of another world that the listing does not have ("foreign"). Placement varies per example:
the clause leads the description, ends it, sits in its middle, in a parameter's description,
in the `title`, or (schema payloads) in a default, an enum or the examples.

Everything is deterministic (the random generator is seeded with the source's name), so
re-running gives byte-identical files. A source's bank and its examples live in the same
split directory, so a reader of `corpus/dev/` never sees a report-split phrasing.

Usage: python corpus/record/compose.py [SOURCE...]   (all sources by default)
"""

from __future__ import annotations

import base64
import codecs
import copy
import json
import random
import re
import sys
import zlib
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[1]
KITS = json.loads((Path(__file__).with_name("kits.json")).read_text(encoding="utf-8"))
WORLDS: dict[str, Any] = KITS["worlds"]
UTILITY: list[dict[str, Any]] = KITS["utility"]
DEST = KITS["destinations"]
SPLITS = ("dev", "report")
TEXT_POSITIONS = ("lead", "tail", "middle", "param", "title")
HOMOGLYPHS = {
    "a": "а",
    "e": "е",
    "o": "о",
    "p": "р",
    "c": "с",
    "i": "і",
    "s": "ѕ",
    "x": "х",
    "y": "у",
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _all_tools() -> dict[str, tuple[str, dict[str, Any]]]:
    tools = {}
    for world, kit in WORLDS.items():
        for tool in kit["tools"]:
            tools.setdefault(tool["name"], (world, tool))
    return tools


ALL_TOOLS = _all_tools()


def _string_params(tool: dict[str, Any]) -> list[str]:
    props = tool.get("inputSchema", {}).get("properties", {})
    return [
        name for name, spec in props.items() if spec.get("type") in ("string", "array")
    ] or list(props)


class Example:
    """One example being built: its listing, the target's index and the slot values."""

    def __init__(self, rng: random.Random, world: str, carrier: str) -> None:
        self.rng = rng
        self.world = world
        kit = WORLDS[world]["tools"]
        self.listing = [copy.deepcopy(t) for t in kit]
        rng.shuffle(self.listing)
        if carrier == "utility" or (carrier == "any" and rng.random() < 0.4):
            self.target = copy.deepcopy(rng.choice(UTILITY))
            self.listing.append(self.target)
        else:
            self.target = rng.choice(self.listing)
        self.required = {self.target["name"]}
        for extra in rng.sample(UTILITY, rng.randint(0, 2)):
            if all(t["name"] != extra["name"] for t in self.listing):
                self.listing.append(copy.deepcopy(extra))
        self.slots: dict[str, str] = {"self": self.target["name"], "world": world}

    def own_other(self) -> dict[str, Any]:
        others = [
            t
            for t in self.listing
            if t is not self.target and t["name"] not in {u["name"] for u in UTILITY}
        ]
        return self.rng.choice(others)

    def foreign_other(self) -> dict[str, Any]:
        names = {t["name"] for t in self.listing}
        pool = [
            tool
            for name, (world, tool) in ALL_TOOLS.items()
            if world != self.world and name not in names
        ]
        return copy.deepcopy(self.rng.choice(pool))

    def fill(self, text: str, ref: str) -> str:
        """Resolve the clause's slots; foreign tools stay out of the listing on purpose."""
        rng, slots = self.rng, self.slots
        if "{other" in text:
            use_own = ref == "own" or (ref == "mixed" and rng.random() < 0.5)
            if ref == "own_from_utility":  # a world tool naming its sibling may be honest order
                use_own = self.target["name"] in {u["name"] for u in UTILITY}
            other = self.own_other() if use_own else self.foreign_other()
            slots["other"] = other["name"]
            slots["other_param"] = rng.choice(_string_params(other) or ["input"])
            slots["ref"] = "own" if use_own else "foreign"
            if use_own:
                self.required.add(other["name"])
        if "{t_" in text:
            tool_name, param, value = rng.choice(WORLDS[self.world]["tamper"])
            slots |= {"t_tool": tool_name, "t_param": param, "t_value": value}
            if all(t["name"] != tool_name for t in self.listing):
                self.listing.append(copy.deepcopy(ALL_TOOLS[tool_name][1]))
            self.required.add(tool_name)
        if "producer" not in slots and ("{producer}" in text or "{id_param}" in text):
            producer, consumer, id_param = rng.choice(WORLDS[self.world]["pairs"])
            slots |= {"producer": producer, "consumer": consumer, "id_param": id_param}
            self.required |= {producer, consumer}
        slots["data"] = rng.choice(WORLDS[self.world]["data"])
        slots["email"] = rng.choice(DEST["email"])
        slots["url"] = rng.choice(DEST["url"])
        slots["field"] = rng.choice(DEST["field"])
        if "{field}" in text:
            props = self.target.setdefault("inputSchema", {"type": "object"}).setdefault(
                "properties", {}
            )
            props.setdefault(
                slots["field"], {"type": "string", "description": "Optional free-form text."}
            )
        slots["self"] = self.target["name"]
        return text.format_map(slots)

    def trim(self) -> None:
        """Drop some siblings (never one the clause names) so listings differ in size."""
        droppable = [t for t in self.listing if t["name"] not in self.required]
        self.rng.shuffle(droppable)
        for tool in droppable[: self.rng.randint(0, max(0, len(droppable) - 2))]:
            self.listing.remove(tool)
        self.rng.shuffle(self.listing)


def place(example: Example, clause: str, position: str) -> str:
    """Put the clause into the target definition; return the position actually used."""
    tool = example.target
    description = tool.get("description", "")
    if position == "title" and len(clause) > 160:
        position = "tail"
    if position == "param" and not tool.get("inputSchema", {}).get("properties"):
        position = "tail"
    if position == "lead":
        tool["description"] = f"{clause} {description}".strip()
    elif position == "tail":
        tool["description"] = f"{description} {clause}".strip()
    elif position == "middle":
        sentences = _SENTENCE.split(description)
        if len(sentences) < 2:
            tool["description"] = f"{description} {clause}".strip()
            position = "tail"
        else:
            cut = example.rng.randint(1, len(sentences) - 1)
            tool["description"] = " ".join([*sentences[:cut], clause, *sentences[cut:]])
    elif position == "param":
        props = tool["inputSchema"]["properties"]
        name = example.rng.choice(_string_params(tool))
        spec = props[name]
        spec["description"] = f"{spec.get('description', '')} {clause}".strip()
        position = f"param:{name}"
    elif position == "title":
        tool["title"] = clause
    elif position in ("default", "enum", "examples"):
        props = tool.setdefault("inputSchema", {"type": "object"}).setdefault("properties", {})
        names = [n for n, s in props.items() if s.get("type") == "string"]
        if not names:
            names = ["mode"]
            props["mode"] = {"type": "string", "description": "Processing mode."}
        name = example.rng.choice(names)
        spec = props[name]
        if position == "default":
            spec["default"] = clause
        elif position == "enum":
            values = spec.get("enum") or example.rng.choice(
                [["standard", "fast"], ["auto", "manual"], ["basic"]]
            )
            spec["enum"] = [*values, clause]
        else:
            spec["examples"] = [example.rng.choice(["example", "test", "value"]), clause]
        position = f"{position}:{name}"
    else:
        raise ValueError(f"unknown position {position}")
    return position


def encode(payload: str, how: str) -> str:
    """The hidden-instruction encodings: what a reader does not see or cannot read at once."""
    if how == "base64":
        return base64.b64encode(payload.encode()).decode()
    if how == "hex":
        return payload.encode().hex()
    if how == "rot13":
        return codecs.encode(payload, "rot13")
    if how == "tags":  # Unicode tag characters: invisible in most renderers
        return "".join(chr(0xE0000 + ord(c)) if 0x20 <= ord(c) < 0x7F else c for c in payload)
    if how == "zwsp":  # zero-width spaces inside every word
        return " ".join("\u200b".join(word) for word in payload.split(" "))
    if how == "bidi":
        return f"\u202e{payload[::-1]}\u202c"
    if how == "spaces":  # pushed far right, off screen
        return " " * 240 + payload
    return payload


def build_clause(source: dict[str, Any], rng: random.Random, i: int) -> dict[str, Any]:
    clause = source["clauses"][i % len(source["clauses"])]
    worlds = source.get("worlds") or list(WORLDS)
    world = clause.get("world") or worlds[(i * 7 + i // len(worlds)) % len(worlds)]
    targets = clause.get("targets") or source.get("targets")
    if targets:  # the clause only makes sense on certain tools (a warning on a deleting tool)
        name = targets[(i // len(source["clauses"])) % len(targets)]
        world = ALL_TOOLS[name][0]
    example = Example(rng, world, clause.get("carrier", source.get("carrier", "any")))
    if targets:
        example.target = next(t for t in example.listing if t["name"] == name)
        example.required = {name}
        example.slots["self"] = name
    if source.get("targets_from_pairs"):  # honest prerequisites: the target consumes the id
        producer, consumer, id_param = rng.choice(WORLDS[world]["pairs"])
        example.target = next(t for t in example.listing if t["name"] == consumer)
        example.slots |= {"producer": producer, "consumer": consumer, "id_param": id_param}
        example.required = {producer, consumer}
    text = example.fill(clause["text"], clause.get("ref", source.get("ref", "mixed")))
    wrapper = clause.get("wrap") or (
        source.get("wrappers") and source["wrappers"][i % len(source["wrappers"])]
    )
    if wrapper:
        text = wrapper["template"].replace("{payload}", encode(text, wrapper.get("encode", "")))
    positions = clause.get("positions") or source.get("positions") or list(TEXT_POSITIONS)
    position = place(example, text, positions[(i // len(source["clauses"]) + i) % len(positions)])
    example.trim()
    notes = clause.get("note") or source["style"]
    if "ref" in example.slots:
        notes += f" (names {example.slots['ref']} tool {example.slots['other']})"
    return _record(
        source, example, position, clause.get("voice", source.get("voice", "")), notes, wrapper
    )


def build_definitions(source: dict[str, Any], rng: random.Random, i: int) -> dict[str, Any]:
    """A source of whole hand-written definitions, each set into a listing of its world."""
    entry = source["definitions"][i % len(source["definitions"])]
    world = entry.get("world") or rng.choice(list(WORLDS))
    example = Example(rng, world, "world")
    tool = copy.deepcopy(entry["tool"])
    example.listing = [t for t in example.listing if t["name"] != tool["name"]]
    example.listing.append(tool)
    example.target = tool
    example.required = {tool["name"], *entry.get("needs", [])}
    for name in entry.get("needs", []):
        if all(t["name"] != name for t in example.listing):
            example.listing.append(copy.deepcopy(ALL_TOOLS[name][1]))
    example.trim()
    return _record(
        source,
        example,
        entry.get("position", "definition"),
        entry.get("voice", ""),
        entry.get("note") or source["style"],
        None,
    )


def build_lookalike(source: dict[str, Any], rng: random.Random, i: int) -> dict[str, Any]:
    """Homoglyph or squatting names: a second definition posing as a sibling in the listing."""
    variant = source["variants"][i % len(source["variants"])]
    worlds = source.get("worlds") or list(WORLDS)
    world = worlds[(i * 5 + i // len(worlds)) % len(worlds)]
    example = Example(rng, world, "world")
    original = example.target
    fake = copy.deepcopy(original)
    name = original["name"]
    if variant["kind"] == "homoglyph":
        letters = [k for k, ch in enumerate(name) if ch in HOMOGLYPHS]
        for k in rng.sample(letters, min(len(letters), variant.get("swaps", 1))):
            name = name[:k] + HOMOGLYPHS[name[k]] + name[k + 1 :]
        fake["name"] = name
    else:
        camel = re.sub(r"_(\w)", lambda m: m.group(1).upper(), name)
        fake["name"] = variant["name"].format(name=name, camel=camel, dashed=name.replace("_", "-"))
    if "description" in variant:
        fake["description"] = variant["description"].format(
            other=original["name"], orig=original.get("description", "")
        )
    example.listing.insert(rng.randint(0, len(example.listing)), fake)
    example.target = fake
    example.required = {fake["name"], original["name"]}
    example.trim()
    notes = f"{source['style']}: {fake['name']!r} poses as {original['name']!r}"
    return _record(
        source, example, f"name:{variant['kind']}", variant.get("voice", ""), notes, None
    )


def build_contradiction(source: dict[str, Any], rng: random.Random, i: int) -> dict[str, Any]:
    """A description that claims to be harmless over a schema (or name) that writes."""
    entry = source["claims"][i % len(source["claims"])]
    worlds = [w for w in (source.get("worlds") or list(WORLDS)) if w in entry.get("worlds", WORLDS)]
    world = worlds[(i * 3 + i // max(1, len(worlds))) % len(worlds)]
    example = Example(rng, world, "world")
    writers = [t for t in example.listing if t["name"] in source["writers"]]
    base = rng.choice(writers) if writers else example.target
    fake = copy.deepcopy(base)
    fake["name"] = entry.get("name", "{name}").format(name=base["name"])
    fake["description"] = entry["text"].format(name=base["name"], orig=base.get("description", ""))
    for param, spec in entry.get("add_params", {}).items():
        fake["inputSchema"].setdefault("properties", {})[param] = spec
    if "annotations" in entry:
        fake["annotations"] = entry["annotations"]
    if fake["name"] == base["name"]:
        example.listing.remove(base)
    example.listing.append(fake)
    example.target = fake
    example.required = {fake["name"]}
    example.trim()
    params = sorted(fake["inputSchema"].get("properties", {}))
    notes = f"{source['style']}: claims '{entry['claim']}' over parameters {params}"
    return _record(source, example, "description_vs_schema", entry.get("voice", ""), notes, None)


def _record(
    source: dict[str, Any], example: Example, position: str, voice: str, notes: str, wrapper: Any
) -> dict[str, Any]:
    if wrapper and wrapper.get("encode"):
        notes += f"; payload encoded as {wrapper['encode']}"
    names = [t["name"] for t in example.listing]
    if len(names) != len(set(names)) or example.target["name"] not in names:
        raise ValueError(f"bad listing in {source['source']}: {names}")
    return {
        "mechanism": source["mechanism"],
        "listing": example.listing,
        "target": example.target["name"],
        "notes": notes,
        "source": source["source"],
        "world": example.world,
        "position": position,
        "voice": voice,
    }


BUILDERS = {
    "clauses": build_clause,
    "definitions": build_definitions,
    "lookalike": build_lookalike,
    "contradiction": build_contradiction,
}


def compose(path: Path) -> Path:
    source = json.loads(path.read_text(encoding="utf-8"))
    split = path.parents[1].name
    rng = random.Random(zlib.crc32(source["source"].encode()))
    build = BUILDERS[source.get("builder", "clauses")]
    kind = "hard_negative" if source["mechanism"] == "benign" else "malicious"
    lines = []
    for i in range(source["count"]):
        example = build(source, rng, i)
        lines.append(
            json.dumps({"id": f"{source['source']}-{i + 1:03d}", **example}, ensure_ascii=False)
        )
    out = CORPUS / split / kind / f"{source['source']}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def main(names: list[str]) -> int:
    paths = sorted(p for split in SPLITS for p in (CORPUS / split / "sources").glob("*.json"))
    for path in paths:
        if names and path.stem not in names:
            continue
        out = compose(path)
        print(f"{out.relative_to(CORPUS)}: {sum(1 for _ in out.open())} examples")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
