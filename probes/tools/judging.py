"""Shared pieces of the tool probes: evidence keys, risk points, spec and finding helpers.

Per-definition probes return one finding per tool, prompt or resource template they apply
to (subject `tool:<name>`, `prompt:<name>`, `resource_template:<name>`), and one
NOT_APPLICABLE finding without a subject when there is nothing to judge, so scoring always
sees every probe id. Each bad per-definition finding carries `risk`: the points it adds to
that definition's risk r_t (scoring.md 8.2.5), which the capabilities dimension sums.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from probes.model import Evidence, Family, Finding, Outcome, ProbeSpec, Provenance, SpecFactory
from probes.tools.observation import KINDS, DefinitionKind, ToolDefinition, ToolsObservation

# Evidence keys (stored findings are queried by these names).
NAME = "name"
KIND = "kind"
RISK = "risk"
RULE = "rule"
RULES = "rules"
FIELD = "field"
MATCH = "match"
MATCH_COUNT = "match_count"
CONTEXT = "context"
CAPABILITY_TIER = "capability_tier"
SPEC_DEFAULT = "spec_default_destructive"  # not annotated, so MCP assumes destructive
BASIS = "basis"
CUE = "cue"
CLAIM = "claim"
MODEL_PROBABILITY = "model_probability"
MODEL_VERSION = "model_version"
MODEL_THRESHOLD = "model_threshold"
CORROBORATED = "corroborated"
ANNOTATIONS = "annotations"
PARAM = "param"
PARAM_KIND = "param_kind"
PARAMS = "params"
CODEPOINTS = "codepoints"
CHARACTER_KINDS = "character_kinds"
HIDDEN_TEXT = "hidden_text"
SCRIPTS = "scripts"
SKELETON = "skeleton"
REASON = "reason"
ENCODING = "encoding"
DECODED = "decoded"
FINGERPRINT = "fingerprint"
SET_FINGERPRINT = "set_fingerprint"
MCP_GENERATION = "mcp_generation"
MCP_PROTOCOL_VERSION = "mcp_protocol_version"
SERVER_NAME = "server_name"
SERVER_VERSION = "server_version"
SERVER_CAPABILITIES = "server_capabilities"
PROBLEMS = "problems"
LENGTH = "length"
LIMIT = "limit"
NAMES = "names"
DEFINITION_COUNT = "definition_count"
TOOL_COUNT = "tool_count"
PROMPT_COUNT = "prompt_count"
RESOURCE_TEMPLATE_COUNT = "resource_template_count"
LISTED_COUNT = "listed_count"
PARSE_FAILURES = "parse_failures"
TRUNCATED = "truncated"

INSTRUCTIONS_SUBJECT = "server:instructions"
SPAN_CHARS = 160

# Points a bad finding adds to its definition's risk r_t (0-100; scoring.md 8.2.5).
RISK_POINTS: dict[str, int] = {
    "tool_definition_contains_hidden_instructions": 100,
    "tool_definition_contains_invisible_unicode": 100,
    "tool_definition_contains_invalid_characters": 100,
    "tool_name_uses_mixed_scripts": 50,
    "tool_definition_shadows_other_tools": 100,
    "tool_description_contradicts_schema": 100,
    "tool_definition_contains_encoded_payload": 40,
    "tool_definition_resembles_poisoning": 40,
    "tool_parameter_requests_credentials": 40,
    "tool_parameter_header_exposes_sensitive_value": 25,
    "tool_schema_has_remote_ref": 20,
    "tool_schema_composition_is_excessive": 10,
    "tool_annotations_contradict_behaviour": 25,
    "tool_capability_is_destructive": 20,
    "tool_parameter_is_overbroad": 20,
    "tool_capability_is_external": 15,
    "tool_description_is_excessive": 5,
    "tool_definition_is_malformed": 5,
}
SCHEMA_PROBLEM_POINTS = 5  # per problem, for tool_schema_is_loose
# Points a bad set-level finding takes off the whole dimension.
SET_RISK_POINTS: dict[str, int] = {
    "tool_names_collide": 10,
    "tool_set_exceeds_50_tools": 5,
    "tools_differ_by_client": 100,
}
# A poisoned definition scores 0 and forces block (the `tools.poisoning` gate).
POISONING_PROBES = frozenset(
    {
        "tool_definition_contains_hidden_instructions",
        "tool_definition_contains_invisible_unicode",
        "tool_definition_contains_invalid_characters",
        "tool_definition_shadows_other_tools",
        "tool_description_contradicts_schema",
    }
)

Judge = Callable[[ToolDefinition], Finding]


tools_spec = SpecFactory(Family.TOOLS)


def label(definition: ToolDefinition) -> str:
    """How a message names a definition: `tool 'read_file'`."""
    kind = definition.kind.replace("_", " ")
    return (
        f"{kind} '{definition.name}'" if definition.name else f"unnamed {kind} #{definition.index}"
    )


def base_evidence(definition: ToolDefinition) -> dict[str, str | int | float | bool | None]:
    """The name and kind every per-definition finding carries."""
    return {NAME: definition.name, KIND: definition.kind}


def judge(
    spec: ProbeSpec,
    definition: ToolDefinition,
    *,
    bad: bool,
    message: str,
    evidence: Evidence | None = None,
    provenance: Provenance | None = None,
) -> Finding:
    """One conclusive finding about one definition; `risk` is added when it is bad."""
    full = base_evidence(definition) | dict(evidence or {})
    if bad:
        full.setdefault(RISK, RISK_POINTS.get(spec.id, 0))
    return spec.judged(
        bad, message, subject=definition.subject, evidence=full, provenance=provenance
    )


def per_definition(
    spec: ProbeSpec,
    observation: ToolsObservation,
    judge_one: Judge,
    *,
    kinds: Sequence[DefinitionKind] = KINDS,
) -> list[Finding]:
    """One finding per definition of the given kinds, or one NOT_APPLICABLE if there are none."""
    findings = [judge_one(d) for d in observation.of_kind(*kinds)]
    if findings:
        return findings
    what = " or ".join(k.replace("_", " ") + "s" for k in kinds)
    return [spec.finding(Outcome.NOT_APPLICABLE, f"The server lists no {what} to judge.")]


def truncate(text: str, limit: int = SPAN_CHARS) -> str:
    """Text on one line, at most `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
