"""What a server says about its tools, prompts and resource templates, as frozen data.

The collector (or the offline checker) turns raw MCP list results into these values; the
probes only read them. Conversion is deliberately forgiving: a definition with a missing name,
a non-object schema or odd field types is kept and judged on what it has, because a malformed
definition is itself a finding, and dropping it would hide it from every other probe.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, TypeAlias

DefinitionKind: TypeAlias = Literal["tool", "prompt", "resource_template"]
KINDS: tuple[DefinitionKind, ...] = ("tool", "prompt", "resource_template")
# Keys whose string values are prose a person (and the model) reads.
_PROSE_KEYS = frozenset({"description", "title"})
_PLAIN_KEY_CHARS = 32
_PROPERTY_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions"})


class Role(StrEnum):
    """What a string in a definition is, so rules can choose where they apply."""

    NAME = "name"  # the definition's name, a parameter name or another object key
    PROSE = "prose"  # a description or title
    VALUE = "value"  # defaults, enums, examples, URI templates and every other string


@dataclass(frozen=True, slots=True)
class TextField:
    """One string of a definition and where it sits (`inputSchema.properties.path.default`)."""

    path: str
    text: str
    role: Role


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolDefinition:
    """One listed tool, prompt or resource template, with every string it contains.

    `canonical_json` is the definition as received with keys sorted and the whitespace inside
    strings collapsed; it is what the fingerprint hashes, so a reflowed description is not a
    change but any other edit is. `fields` lists every string and object key with its path.
    """

    kind: DefinitionKind
    index: int
    name: str | None
    title: str | None
    description: str | None
    input_schema: Mapping[str, object] | None
    output_schema: Mapping[str, object] | None
    annotations: Mapping[str, object] | None
    canonical_json: str
    fields: tuple[TextField, ...] = ()
    shape_problems: tuple[str, ...] = ()

    @property
    def subject(self) -> str:
        """The finding subject: `tool:<name>`, or `tool:#<index>` when the name is missing."""
        return f"{self.kind}:{self.name or f'#{self.index}'}"

    def prose(self) -> Iterator[TextField]:
        """The descriptions and titles of the definition and of its parameters."""
        return (f for f in self.fields if f.role is Role.PROSE)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientListing:
    """What the server listed when the probe said it was another client (cloaking check).

    `client` is that identity's `name/version` and `user_agent` what was sent with it.
    `definitions` is None when the disguised handshake failed or did not finish in time
    (`error` says which): such a listing was not compared, which is not a difference.
    """

    client: str
    user_agent: str | None
    definitions: tuple[ToolDefinition, ...] | None
    truncated: bool = False
    error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolsObservation:
    """Everything a server listed, plus how complete the listing was.

    `listed_count` counts the items the server sent (all kinds); items that were not JSON
    objects are counted in `parse_failures` and have no definition. `truncated` is set when
    the collector stopped paging at its limit, so unseen definitions may exist.
    `generation`, `protocol_version`, `server_version` and `capabilities` are what the
    handshake reported (None or empty for a saved listing judged offline).
    `client` is the identity the main listing was made under (None offline), and
    `client_listings` what the same server listed to the other identities tried.
    """

    observed_at: dt.datetime
    definitions: tuple[ToolDefinition, ...]
    listed_count: int
    truncated: bool = False
    parse_failures: int = 0
    server_name: str | None = None
    instructions: str | None = None
    generation: str | None = None
    protocol_version: str | None = None
    server_version: str | None = None
    capabilities: tuple[str, ...] = ()
    protocol_problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    client: str | None = None
    client_listings: tuple[ClientListing, ...] = ()

    def of_kind(self, *kinds: DefinitionKind) -> tuple[ToolDefinition, ...]:
        """The definitions of the given kinds, in listing order."""
        return tuple(d for d in self.definitions if d.kind in kinds)


def normalise_whitespace(text: str) -> str:
    """Collapse runs of whitespace to one space, as the fingerprint sees text."""
    return " ".join(text.split())


def canonical(value: object) -> object:
    """A JSON value with whitespace-normalised strings (keys are sorted when dumped)."""
    if isinstance(value, str):
        return normalise_whitespace(value)
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def canonical_text(value: object) -> str:
    """Sorted-key, compact JSON of `canonical(value)`; non-ASCII is kept, not escaped."""
    return json.dumps(
        canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def walk_strings(value: object, path: str = "", *, key: str = "") -> Iterator[TextField]:
    """Every string and object key inside a JSON value, with a dotted path and a role.

    Parameter names (keys of `properties` and similar maps) are NAME fields: full-schema
    poisoning hides instructions in them. Other keys are yielded only when they are not plain
    identifiers, since an ordinary keyword cannot carry a sentence.
    """
    if isinstance(value, str):
        role = Role.PROSE if key in _PROSE_KEYS else Role.NAME if key == "name" else Role.VALUE
        yield TextField(path, value, role)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            name = str(k)
            child = f"{path}.{name}" if path else name
            if key in _PROPERTY_MAPS or not _plain_key(name):
                yield TextField(child, name, Role.NAME)
            yield from walk_strings(v, child, key="" if key in _PROPERTY_MAPS else name)
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from walk_strings(v, f"{path}[{i}]", key=key)


def _plain_key(key: str) -> bool:
    """Ordinary schema keywords need no scanning; odd keys might carry a payload."""
    return (
        key.isascii()
        and key.replace("_", "").replace("$", "").isalnum()
        and len(key) <= _PLAIN_KEY_CHARS
    )


def _string(item: Mapping[str, object], key: str, problems: list[str]) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    problems.append(f"{key} is not a string")
    return None


def _mapping(
    item: Mapping[str, object], key: str, problems: list[str]
) -> Mapping[str, object] | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, Mapping):
        return value
    problems.append(f"{key} is not an object")
    return None


def _prompt_schema(arguments: object, problems: list[str]) -> Mapping[str, object] | None:
    """A prompt's `arguments` list as a JSON-schema-like object, so parameter checks apply."""
    if arguments is None:
        return None
    if not isinstance(arguments, list):
        problems.append("arguments is not a list")
        return None
    properties: dict[str, object] = {}
    required: list[str] = []
    for argument in arguments:
        if not isinstance(argument, Mapping) or not isinstance(argument.get("name"), str):
            problems.append("an argument has no name")
            continue
        name = str(argument["name"])
        described = argument.get("description")
        properties[name] = {"type": "string"} | ({"description": described} if described else {})
        if argument.get("required") is True:
            required.append(name)
    return {"type": "object", "properties": properties, "required": required}


MAX_NESTING = 64  # deeper JSON is cut here: no honest schema nests so far, and walks recurse
_CUT = "…"


def _pruned(value: object, depth: int = 0) -> tuple[object, bool]:
    """The value with everything below MAX_NESTING levels replaced by "…", and whether any was.

    Recursion is bounded by MAX_NESTING, so a 10,000-deep definition cannot exhaust the stack
    of the walks that follow (fingerprint, string fields, parameters).
    """
    if isinstance(value, Mapping | list | tuple) and depth >= MAX_NESTING:
        return _CUT, True
    cut = False
    if isinstance(value, Mapping):
        pruned: dict[str, object] = {}
        for k, v in value.items():
            pruned[str(k)], deeper = _pruned(v, depth + 1)
            cut = cut or deeper
        return pruned, cut
    if isinstance(value, list | tuple):
        items = []
        for v in value:
            item, deeper = _pruned(v, depth + 1)
            items.append(item)
            cut = cut or deeper
        return items, cut
    return value, False


def definition_from_json(item: object, kind: DefinitionKind, index: int) -> ToolDefinition | None:
    """One MCP list item as a definition; None only when the item is not a JSON object."""
    if not isinstance(item, Mapping):
        return None
    problems: list[str] = []
    pruned, cut = _pruned(item)
    if cut:
        problems.append(f"nested deeper than {MAX_NESTING} levels (cut there)")
    if not isinstance(pruned, Mapping):  # pragma: no cover - a mapping stays a mapping
        return None
    item = pruned
    name = _string(item, "name", problems)
    if not name:
        problems.append("name is missing or empty")
    if kind == "prompt":
        input_schema = _prompt_schema(item.get("arguments"), problems)
    else:
        input_schema = _mapping(item, "inputSchema", problems)
    if kind == "resource_template" and not isinstance(item.get("uriTemplate"), str):
        problems.append("uriTemplate is missing")
    return ToolDefinition(
        kind=kind,
        index=index,
        name=name or None,
        title=_string(item, "title", problems),
        description=_string(item, "description", problems),
        input_schema=input_schema,
        output_schema=_mapping(item, "outputSchema", problems),
        annotations=_mapping(item, "annotations", problems),
        canonical_json=canonical_text(item),
        fields=tuple(walk_strings(item)),
        shape_problems=tuple(problems),
    )


def definitions_from_json(
    items: Iterable[object], kind: DefinitionKind, *, start: int = 0
) -> tuple[tuple[ToolDefinition, ...], int]:
    """Convert raw list items; returns the definitions and how many items were not objects."""
    definitions: list[ToolDefinition] = []
    failures = 0
    for offset, item in enumerate(items):
        definition = definition_from_json(item, kind, start + offset)
        if definition is None:
            failures += 1
        else:
            definitions.append(definition)
    return tuple(definitions), failures


def observation_from_lists(
    *,
    observed_at: dt.datetime,
    tools: Sequence[object] = (),
    prompts: Sequence[object] = (),
    resource_templates: Sequence[object] = (),
    truncated: bool = False,
    server_name: str | None = None,
    instructions: str | None = None,
    generation: str | None = None,
    protocol_version: str | None = None,
    server_version: str | None = None,
    capabilities: tuple[str, ...] = (),
    protocol_problems: tuple[str, ...] = (),
) -> ToolsObservation:
    """An observation from the three raw MCP lists, as the collector and the checker build it."""
    definitions: list[ToolDefinition] = []
    failures = 0
    for kind, items in zip(KINDS, (tools, prompts, resource_templates), strict=True):
        converted, failed = definitions_from_json(items, kind)
        definitions.extend(converted)
        failures += failed
    return ToolsObservation(
        observed_at=observed_at,
        definitions=tuple(definitions),
        listed_count=len(tools) + len(prompts) + len(resource_templates),
        truncated=truncated,
        parse_failures=failures,
        server_name=server_name,
        instructions=instructions,
        generation=generation,
        protocol_version=protocol_version,
        server_version=server_version,
        capabilities=capabilities,
        protocol_problems=protocol_problems,
    )
