"""Tool probes about hygiene and about the tool set as a whole.

Loose schemas, bloated descriptions, malformed definitions, colliding names, incomplete
listings and oversized tool sets.

Every definition's fingerprint rides on `tool_definition_is_malformed` (it answers for every
definition, good or bad), and the set fingerprint on `tool_listing_is_incomplete` (it answers
once per scan, even for an empty listing), so each scan stores both for rug-pull diffs.
"""

from __future__ import annotations

from probes.model import Evidence, Finding, Outcome, Severity
from probes.tools.fingerprint import definition_fingerprint, set_fingerprint
from probes.tools.hygiene import (
    MAX_DESCRIPTION_CHARS,
    MAX_TOOLS,
    colliding_names,
    longest_prose,
    schema_problems,
    shape_problems,
)
from probes.tools.judging import (
    DEFINITION_COUNT,
    FIELD,
    FINGERPRINT,
    LENGTH,
    LIMIT,
    LISTED_COUNT,
    MCP_GENERATION,
    MCP_PROTOCOL_VERSION,
    NAMES,
    PARSE_FAILURES,
    PROBLEMS,
    PROMPT_COUNT,
    RESOURCE_TEMPLATE_COUNT,
    RISK,
    SCHEMA_PROBLEM_POINTS,
    SERVER_CAPABILITIES,
    SERVER_NAME,
    SERVER_VERSION,
    SET_FINGERPRINT,
    SET_RISK_POINTS,
    TOOL_COUNT,
    TRUNCATED,
    judge,
    label,
    per_definition,
    tools_spec,
)
from probes.tools.observation import ToolDefinition, ToolsObservation

SET_SUBJECT = "server:tools"

SCHEMA_IS_LOOSE = tools_spec(
    "tool_schema_is_loose",
    question="Is the input schema missing, open to extra properties, or undocumented?",
    rationale=(
        "A tool that accepts undeclared or undocumented arguments cannot be reviewed: the "
        "schema is the contract a client checks calls against."
    ),
    severity=Severity.LOW,
    remediation="Declare every parameter with a description and set additionalProperties: false.",
)
DESCRIPTION_IS_EXCESSIVE = tools_spec(
    "tool_description_is_excessive",
    question=f"Is any description or title longer than {MAX_DESCRIPTION_CHARS} characters?",
    rationale="Very long metadata hides instructions in bulk and costs every agent context.",
    severity=Severity.LOW,
    remediation="Keep tool descriptions short; move manuals to documentation or resources.",
)
DEFINITION_IS_MALFORMED = tools_spec(
    "tool_definition_is_malformed",
    question="Does the definition depart from the MCP shape (missing name, wrong field types)?",
    rationale=(
        "A definition clients parse differently is reviewed differently; its fingerprint, in "
        "the evidence, is what later scans compare to spot a changed definition."
    ),
    severity=Severity.LOW,
    remediation="Follow the MCP schema: a 1-128 character ASCII name and typed fields.",
    references=("SAFE-T1201",),
)
NAMES_COLLIDE = tools_spec(
    "tool_names_collide",
    question="Do two tools share a name once case, separators and look-alikes are folded?",
    rationale=(
        "Colliding names make the agent pick the wrong tool and let one definition "
        "impersonate another."
    ),
    severity=Severity.MEDIUM,
    remediation="Give every tool a distinct name.",
    references=("SAFE-T1004",),
)
LISTING_IS_INCOMPLETE = tools_spec(
    "tool_listing_is_incomplete",
    question="Were some listed definitions unparsable, or the listing cut short?",
    rationale=(
        "Definitions that could not be read were not judged; the set fingerprint in the "
        "evidence covers only what was."
    ),
    severity=Severity.LOW,
    remediation="Return well-formed tools/list pages; keep the listing within the client's limits.",
    references=("SAFE-T1201",),
)
SET_EXCEEDS_50_TOOLS = tools_spec(
    "tool_set_exceeds_50_tools",
    question=f"Does the server list more than {MAX_TOOLS} tools?",
    rationale="Past about 50 tools agents choose worse, and review of each tool gets thinner.",
    severity=Severity.LOW,
    remediation="Split the server by task, or expose tools progressively.",
)


def schema_is_loose(observation: ToolsObservation) -> list[Finding]:
    """TRUE for a missing or non-object schema, open properties, or undocumented parameters."""

    def one(definition: ToolDefinition) -> Finding:
        problems = schema_problems(definition)
        evidence: Evidence = {
            PROBLEMS: "; ".join(problems),
            RISK: min(3, len(problems)) * SCHEMA_PROBLEM_POINTS,
        }
        message = (
            f"The {label(definition)} has a loose schema: {'; '.join(problems)}."
            if problems
            else f"The {label(definition)} has a closed, documented schema."
        )
        return judge(
            SCHEMA_IS_LOOSE, definition, bad=bool(problems), message=message, evidence=evidence
        )

    return per_definition(SCHEMA_IS_LOOSE, observation, one, kinds=("tool",))


def description_is_excessive(observation: ToolsObservation) -> list[Finding]:
    """TRUE when the longest description or title exceeds the limit."""

    def one(definition: ToolDefinition) -> Finding:
        path, length = longest_prose(definition)
        bad = length > MAX_DESCRIPTION_CHARS
        evidence: Evidence = {FIELD: path or None, LENGTH: length, LIMIT: MAX_DESCRIPTION_CHARS}
        message = (
            f"The {label(definition)} has a {length}-character {path}."
            if bad
            else f"The texts of the {label(definition)} are at most {length} characters long."
        )
        return judge(
            DESCRIPTION_IS_EXCESSIVE, definition, bad=bad, message=message, evidence=evidence
        )

    return per_definition(DESCRIPTION_IS_EXCESSIVE, observation, one)


def definition_is_malformed(observation: ToolsObservation) -> list[Finding]:
    """TRUE for shape problems; every finding carries the definition's fingerprint."""

    def one(definition: ToolDefinition) -> Finding:
        problems = shape_problems(definition)
        evidence: Evidence = {
            PROBLEMS: "; ".join(problems),
            FINGERPRINT: definition_fingerprint(definition),
        }
        message = (
            f"The {label(definition)} is malformed: {'; '.join(problems)}."
            if problems
            else f"The {label(definition)} is well formed."
        )
        return judge(
            DEFINITION_IS_MALFORMED,
            definition,
            bad=bool(problems),
            message=message,
            evidence=evidence,
        )

    return per_definition(DEFINITION_IS_MALFORMED, observation, one)


def names_collide(observation: ToolsObservation) -> list[Finding]:
    """TRUE when two tool names fold to the same skeleton (case, separators, homoglyphs)."""
    tools = observation.of_kind("tool")
    if not tools:
        return [NAMES_COLLIDE.finding(Outcome.NOT_APPLICABLE, "The server lists no tools.")]
    groups = colliding_names(tools)
    names = "; ".join(",".join(group) for group in groups)
    evidence: Evidence = {NAMES: names, RISK: SET_RISK_POINTS[NAMES_COLLIDE.id] if groups else 0}
    message = (
        f"Tool names collide: {names}."
        if groups
        else f"No two of the {len(tools)} tool names collide."
    )
    return [NAMES_COLLIDE.judged(bool(groups), message, subject=SET_SUBJECT, evidence=evidence)]


def listing_is_incomplete(observation: ToolsObservation) -> list[Finding]:
    """TRUE when items failed to parse or paging stopped early; carries the set fingerprint."""
    defs = observation.definitions
    incomplete = observation.truncated or observation.parse_failures > 0
    evidence: Evidence = {
        SET_FINGERPRINT: set_fingerprint(defs),
        DEFINITION_COUNT: len(defs),
        TOOL_COUNT: len(observation.of_kind("tool")),
        PROMPT_COUNT: len(observation.of_kind("prompt")),
        RESOURCE_TEMPLATE_COUNT: len(observation.of_kind("resource_template")),
        LISTED_COUNT: observation.listed_count,
        PARSE_FAILURES: observation.parse_failures,
        TRUNCATED: observation.truncated,
        # What the handshake said, so every report shows which MCP the endpoint speaks.
        MCP_GENERATION: observation.generation,
        MCP_PROTOCOL_VERSION: observation.protocol_version,
        SERVER_NAME: observation.server_name,
        SERVER_VERSION: observation.server_version,
        SERVER_CAPABILITIES: ",".join(observation.capabilities),
    }
    if incomplete:
        message = (
            f"The listing is incomplete: {observation.parse_failures} of "
            f"{observation.listed_count} item(s) unparsable"
            + (", paging stopped at the limit." if observation.truncated else ".")
        )
    else:
        message = f"All {observation.listed_count} listed definition(s) were read."
    return [
        LISTING_IS_INCOMPLETE.judged(incomplete, message, subject=SET_SUBJECT, evidence=evidence)
    ]


def set_exceeds_50_tools(observation: ToolsObservation) -> list[Finding]:
    """TRUE when more than 50 tools are listed."""
    count = len(observation.of_kind("tool"))
    bad = count > MAX_TOOLS
    evidence: Evidence = {
        TOOL_COUNT: count,
        LIMIT: MAX_TOOLS,
        RISK: SET_RISK_POINTS[SET_EXCEEDS_50_TOOLS.id] if bad else 0,
    }
    message = f"The server lists {count} tools" + (f", more than {MAX_TOOLS}." if bad else ".")
    return [SET_EXCEEDS_50_TOOLS.judged(bad, message, subject=SET_SUBJECT, evidence=evidence)]


__all__ = [
    "DEFINITION_IS_MALFORMED",
    "DESCRIPTION_IS_EXCESSIVE",
    "LISTING_IS_INCOMPLETE",
    "NAMES_COLLIDE",
    "SCHEMA_IS_LOOSE",
    "SET_EXCEEDS_50_TOOLS",
    "definition_is_malformed",
    "description_is_excessive",
    "listing_is_incomplete",
    "names_collide",
    "schema_is_loose",
    "set_exceeds_50_tools",
]
