"""Iterative walks over a tool's JSON schemas: remote references and composition depth.

MCP 2026-07-28 (tools, SEP-2106) allows the whole JSON Schema 2020-12 vocabulary in
`inputSchema` and `outputSchema`, `$ref` included, and says implementations MUST NOT
dereference a `$ref` that is not a same-document reference (one starting with `#`). These
walks only read the schema: nothing here, nor anywhere in the tools family, fetches a URI.

The walks use an explicit stack and a node budget instead of recursion, so a schema nested
10,000 deep (or a hand-built definition that skipped the observation's 64-level cut) is
judged, never a RecursionError. Values under data keywords (`const`, `default`, `enum`,
`examples`) are instances, not schemas, so a `$ref` there is not a reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MAX_NODES = 50_000  # JSON values visited per schema; beyond it the walk stops and says so
MAX_COMPOSITION_DEPTH = 8  # honest generated schemas nest 2-4 (pydantic: $defs > anyOf)
REFERENCE_KEYWORDS = ("$ref", "$dynamicRef")
COMPOSITION_KEYWORDS = frozenset(
    {"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "$defs", "definitions"}
)
_DATA_KEYWORDS = frozenset({"const", "default", "enum", "examples"})
# Keywords whose value maps names to schemas: their keys are names, never keywords.
_NAME_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
_SHOWN_REFS = 5


@dataclass(frozen=True, slots=True)
class SchemaShape:
    """What one walk of a schema found.

    Attributes:
        remote_refs: (path, reference) for every `$ref`/`$dynamicRef` that is not `#...`.
        composition_depth: the most composition keywords nested along one path.
        deepest_path: where that depth was reached.
        nodes: JSON values visited.
        exhausted: the walk stopped at MAX_NODES, so the figures are lower bounds.
    """

    remote_refs: tuple[tuple[str, str], ...] = ()
    composition_depth: int = 0
    deepest_path: str = ""
    nodes: int = 0
    exhausted: bool = False


def is_remote_reference(reference: str) -> bool:
    """Whether a `$ref` value points outside the document (anything not starting with '#').

    A relative reference (`other.json#/x`) resolves against the base URI to another
    document, so it is remote too; only a fragment is a same-document reference.
    """
    return not reference.strip().startswith("#")


_Frame = tuple[object, str, int, bool]  # value, path, composition depth, keys are names


class _Walk:
    """One walk's state: the stack, the references found, the deepest composition seen."""

    def __init__(self, schema: Mapping[str, object], root: str) -> None:
        self.stack: list[_Frame] = [(schema, root, 0, False)]
        self.refs: list[tuple[str, str]] = []
        self.deepest, self.deepest_path, self.nodes = 0, "", 0

    def shape(self, *, exhausted: bool) -> SchemaShape:
        refs = tuple(self.refs)
        return SchemaShape(refs, self.deepest, self.deepest_path, self.nodes, exhausted)

    def visit(self, frame: _Frame) -> None:
        value, path, depth, names = frame
        self.nodes += 1
        if isinstance(value, list):
            self.stack.extend((v, f"{path}[{i}]", depth, False) for i, v in enumerate(value))
            return
        if not isinstance(value, Mapping):
            return
        if depth > self.deepest:
            self.deepest, self.deepest_path = depth, path
        for key, child in value.items():
            self.child(str(key), child, f"{path}.{key}", depth, names=names)

    def child(self, name: str, child: object, here: str, depth: int, *, names: bool) -> None:
        if names:  # a property or definition name: its value is a schema
            self.stack.append((child, here, depth, False))
        elif name in REFERENCE_KEYWORDS and isinstance(child, str):
            if is_remote_reference(child):
                self.refs.append((here, child))
        elif name not in _DATA_KEYWORDS:
            nested = depth + (name in COMPOSITION_KEYWORDS)
            self.stack.append((child, here, nested, name in _NAME_MAPS))


def walk_schema(schema: Mapping[str, object] | None, root: str) -> SchemaShape:
    """Walk one schema (depth-first, explicit stack) and report references and composition."""
    if schema is None:
        return SchemaShape()
    walk = _Walk(schema, root)
    while walk.stack:
        if walk.nodes >= MAX_NODES:
            return walk.shape(exhausted=True)
        walk.visit(walk.stack.pop())
    return walk.shape(exhausted=False)


def shown_refs(refs: tuple[tuple[str, str], ...], limit: int = _SHOWN_REFS) -> str:
    """The first few references as `path=uri`, for evidence."""
    return ",".join(f"{path}={ref[:200]}" for path, ref in refs[:limit])
