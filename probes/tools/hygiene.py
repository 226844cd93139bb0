"""Schema hygiene: what makes a definition hard to check or easy to abuse, though not hostile.

A missing input schema or one that accepts undeclared properties lets a tool receive
arguments nobody reviewed; undocumented parameters leave the model to guess; very long
descriptions hide instructions in bulk; names outside the spec's character set or colliding
with a sibling confuse both people and models (MCP 2025-11-25, server/tools, tool names).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

from probes.tools.observation import ToolDefinition
from probes.tools.parameters import parameters
from probes.tools.poisoning import normalise_name
from probes.tools.unicode import name_confusion

MAX_DESCRIPTION_CHARS = 2000
MAX_TOOLS = 50
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def schema_problems(definition: ToolDefinition) -> list[str]:
    """Why a tool's input schema is loose: missing, not an object, open, undocumented."""
    schema = definition.input_schema
    if schema is None:
        return ["inputSchema is missing"]
    problems = []
    if schema.get("type") != "object":
        problems.append("inputSchema is not of type object")
    if schema.get("additionalProperties") is not False:
        problems.append("additionalProperties is not false")
    undocumented = [p.name for p in parameters(schema) if not p.description.strip()]
    if undocumented:
        problems.append("undocumented parameters: " + ", ".join(undocumented[:8]))
    return problems


def longest_prose(definition: ToolDefinition) -> tuple[str, int]:
    """The path and length of the definition's longest description or title."""
    best = ("", 0)
    for field in definition.prose():
        if len(field.text) > best[1]:
            best = (field.path, len(field.text))
    return best


def shape_problems(definition: ToolDefinition) -> list[str]:
    """Departures from the MCP shape: missing or odd name, wrong field types."""
    problems = list(definition.shape_problems)
    name = definition.name
    if name and definition.kind == "tool" and not _NAME.match(name):
        problems.append("name is not 1-128 characters of A-Z a-z 0-9 _ - .")
    return problems


def _skeleton(name: str) -> str:
    confusion = name_confusion(name)
    folded = confusion.skeleton if confusion else unicodedata.normalize("NFKC", name)
    return normalise_name(folded)


def colliding_names(definitions: Sequence[ToolDefinition]) -> list[list[str]]:
    """Groups of tool names that are equal once case, separators and look-alikes are folded."""
    groups: dict[str, list[str]] = defaultdict(list)
    for definition in definitions:
        if definition.kind == "tool" and definition.name:
            groups[_skeleton(definition.name)].append(definition.name)
    return [names for names in groups.values() if len(names) > 1]
