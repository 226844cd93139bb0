"""Tool probes over the 2026-07-28 schema surface: remote `$ref`, composition depth, headers.

Each answers per tool (prompts and resource templates carry no JSON Schema of their own), and
all three are pure: the collector lists the tools and never dereferences or fetches anything a
schema names.
"""

from __future__ import annotations

from probes.model import Evidence, Finding, Severity
from probes.tools.header_params import header_parameters
from probes.tools.judging import (
    FIELD,
    LIMIT,
    PARAMS,
    REASON,
    judge,
    label,
    per_definition,
    tools_spec,
)
from probes.tools.observation import MAX_NESTING, ToolDefinition, ToolsObservation
from probes.tools.schema_walk import (
    MAX_COMPOSITION_DEPTH,
    SchemaShape,
    shown_refs,
    walk_schema,
)

REFS = "refs"
REF_COUNT = "ref_count"
DEPTH = "composition_depth"
NODES = "nodes_visited"
WALK_EXHAUSTED = "walk_exhausted"
CUT = "cut_at_nesting"
HEADERS = "headers"
_SPEC_2026 = "MCP 2026-07-28"

REMOTE_REF = tools_spec(
    "tool_schema_has_remote_ref",
    question="Does an input or output schema hold a $ref that is not a same-document reference?",
    rationale=(
        "MCP 2026-07-28 (SEP-2106) lets tool schemas use JSON Schema 2020-12 in full, but "
        "implementations MUST NOT dereference a $ref that is not same-document, and SHOULD "
        "reject one they cannot resolve. A remote $ref makes every client that follows it "
        "fetch a URL the server chose (SSRF, tracking, a schema swapped after review) and "
        "leaves the reviewed schema incomplete. Medium: conforming clients refuse the tool, "
        "lax ones fetch. The probe reports the reference and never fetches it."
    ),
    severity=Severity.MEDIUM,
    remediation=(
        'Inline the referenced schema under "$defs" and point "$ref" at "#/$defs/...": tool '
        "schemas must be self-contained."
    ),
    references=(_SPEC_2026, "SEP-2106"),
)
COMPOSITION_EXCESSIVE = tools_spec(
    "tool_schema_composition_is_excessive",
    question=(
        f"Do allOf/anyOf/oneOf/not/if/then/else/$defs nest more than {MAX_COMPOSITION_DEPTH} "
        "levels deep in an input or output schema?"
    ),
    rationale=(
        "Validators and the code that turns schemas into model tool formats recurse through "
        "composition; a schema composed dozens of levels deep exhausts stacks or time in "
        "clients (a denial of service) and hides what the tool accepts from review. Generated "
        f"schemas nest 2-4 levels, so more than {MAX_COMPOSITION_DEPTH} is a documented bound, "
        "not taste. Low: it harms availability and reviewability, not data directly."
    ),
    severity=Severity.LOW,
    remediation="Flatten the schema: name shared parts in $defs and reference them with #/$defs.",
    references=(_SPEC_2026,),
)
SENSITIVE_HEADER = tools_spec(
    "tool_parameter_header_exposes_sensitive_value",
    question=(
        "Is a parameter that carries a secret or personal data (password, token, API key, "
        "e-mail, ...) marked x-mcp-header, so clients copy it into an HTTP header?"
    ),
    rationale=(
        "MCP 2026-07-28 (SEP-2243): clients mirror x-mcp-header parameters into Mcp-Param-* "
        "headers, and server developers SHOULD NOT mark passwords, API keys, tokens or PII, "
        "because header values are visible to network intermediaries and end up in their "
        "logs. Medium: the value leaves the encrypted body's audience on every call."
    ),
    severity=Severity.MEDIUM,
    remediation=(
        "Remove x-mcp-header from secret and personal parameters; route on a non-sensitive "
        "value (a region, a tenant id) instead."
    ),
    references=(_SPEC_2026, "SEP-2243"),
)


def _shapes(definition: ToolDefinition) -> list[SchemaShape]:
    return [
        walk_schema(definition.input_schema, "inputSchema"),
        walk_schema(definition.output_schema, "outputSchema"),
    ]


def _was_cut(definition: ToolDefinition) -> bool:
    return any("nested deeper than" in problem for problem in definition.shape_problems)


def schema_has_remote_ref(observation: ToolsObservation) -> list[Finding]:
    """TRUE when a tool's input or output schema holds a non-`#` `$ref` (never fetched)."""

    def one(definition: ToolDefinition) -> Finding:
        shapes = _shapes(definition)
        refs = tuple(ref for shape in shapes for ref in shape.remote_refs)
        evidence: Evidence = {
            REFS: shown_refs(refs),
            REF_COUNT: len(refs),
            WALK_EXHAUSTED: any(shape.exhausted for shape in shapes),
        }
        if refs:
            path, uri = refs[0]
            message = (
                f"The {label(definition)} references {uri[:120]} at {path} "
                f"({len(refs)} remote reference(s)); it was not fetched."
            )
        else:
            message = f"The {label(definition)} schemas reference nothing outside themselves."
        return judge(REMOTE_REF, definition, bad=bool(refs), message=message, evidence=evidence)

    return per_definition(REMOTE_REF, observation, one, kinds=("tool",))


def schema_composition_is_excessive(observation: ToolsObservation) -> list[Finding]:
    """TRUE when composition keywords nest deeper than MAX_COMPOSITION_DEPTH along one path."""

    def one(definition: ToolDefinition) -> Finding:
        shapes = _shapes(definition)
        worst = max(shapes, key=lambda shape: shape.composition_depth)
        bad = worst.composition_depth > MAX_COMPOSITION_DEPTH
        evidence: Evidence = {
            DEPTH: worst.composition_depth,
            LIMIT: MAX_COMPOSITION_DEPTH,
            FIELD: worst.deepest_path[:300] or None,
            NODES: sum(shape.nodes for shape in shapes),
            WALK_EXHAUSTED: any(shape.exhausted for shape in shapes),
            CUT: MAX_NESTING if _was_cut(definition) else None,
        }
        at_least = "at least " if _was_cut(definition) or evidence[WALK_EXHAUSTED] else ""
        message = (
            f"The {label(definition)} nests composition {at_least}{worst.composition_depth} "
            f"levels deep, more than {MAX_COMPOSITION_DEPTH}."
            if bad
            else f"The {label(definition)} nests composition at most "
            f"{worst.composition_depth} level(s) deep."
        )
        return judge(COMPOSITION_EXCESSIVE, definition, bad=bad, message=message, evidence=evidence)

    return per_definition(COMPOSITION_EXCESSIVE, observation, one, kinds=("tool",))


def parameter_header_exposes_sensitive_value(observation: ToolsObservation) -> list[Finding]:
    """TRUE when an x-mcp-header parameter reads as a secret or as personal data."""

    def one(definition: ToolDefinition) -> Finding:
        annotated = header_parameters(definition)
        sensitive = [h for h in annotated if h.sensitive]
        evidence: Evidence = {
            PARAMS: ",".join(h.path for h in sensitive)[:600],
            HEADERS: ",".join(f"{h.path}=Mcp-Param-{h.header}" for h in annotated)[:600],
            REASON: sensitive[0].sensitive if sensitive else None,
        }
        if sensitive:
            first = sensitive[0]
            message = (
                f"The {label(definition)} mirrors '{first.path}' into the Mcp-Param-"
                f"{first.header} header ({first.sensitive})."
            )
        elif annotated:
            message = f"The {label(definition)} mirrors only non-sensitive parameters to headers."
        else:
            message = f"The {label(definition)} mirrors no parameter into a header."
        bad = bool(sensitive)
        return judge(SENSITIVE_HEADER, definition, bad=bad, message=message, evidence=evidence)

    return per_definition(SENSITIVE_HEADER, observation, one, kinds=("tool",))


__all__ = [
    "COMPOSITION_EXCESSIVE",
    "REMOTE_REF",
    "SENSITIVE_HEADER",
    "parameter_header_exposes_sensitive_value",
    "schema_composition_is_excessive",
    "schema_has_remote_ref",
]
