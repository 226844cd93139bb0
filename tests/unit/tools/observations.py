"""Hand-built tool observations for the tool probe tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from probes.tools.observation import ToolsObservation, observation_from_lists

NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)

JsonObject = Mapping[str, object]


def schema(**properties: JsonObject) -> dict[str, object]:
    """A closed object schema with the given properties."""
    return {"type": "object", "properties": dict(properties), "additionalProperties": False}


def text(description: str = "A value.") -> dict[str, object]:
    """A documented string property."""
    return {"type": "string", "description": description}


def tool(
    name: str = "get_weather",
    description: str = "Gets the weather forecast for a city.",
    input_schema: JsonObject | None = None,
    annotations: JsonObject | None = None,
    **extra: object,
) -> dict[str, object]:
    """A raw MCP tool definition; a read-only, closed, documented one by default."""
    item: dict[str, object] = {
        "name": name,
        "description": description,
        "inputSchema": dict(input_schema) if input_schema is not None else schema(city=text()),
    }
    item["annotations"] = (
        dict(annotations)
        if annotations is not None
        else {"readOnlyHint": True, "destructiveHint": False, "openWorldHint": False}
    )
    item.update(extra)
    return item


def observe(
    *tools: object,
    prompts: Sequence[object] = (),
    templates: Sequence[object] = (),
    instructions: str | None = None,
    truncated: bool = False,
) -> ToolsObservation:
    """An observation of the given raw items, as the collector would build it."""
    return observation_from_lists(
        observed_at=NOW,
        tools=list(tools),
        prompts=list(prompts),
        resource_templates=list(templates),
        instructions=instructions,
        truncated=truncated,
    )


GOOD = observe(tool())
