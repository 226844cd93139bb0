"""Tool probes about what a tool can do: tier, honest annotations, broad or secret parameters.

Parameters may hand the agent a shell, the file system, the network or a secret. These are
not accusations: filesystem, git and browser servers are legitimately destructive and broad.
They say how much an agent (or an attacker steering one) can do with each tool, which the
capabilities dimension weighs and the access gates combine with the auth model.
"""

from __future__ import annotations

from probes.model import Evidence, Finding, Provenance, Severity
from probes.tools.claims import contradiction
from probes.tools.judging import (
    ANNOTATIONS,
    BASIS,
    CAPABILITY_TIER,
    CLAIM,
    CUE,
    FIELD,
    PARAM,
    PARAM_KIND,
    PARAMS,
    REASON,
    SPEC_DEFAULT,
    judge,
    label,
    per_definition,
    tools_spec,
)
from probes.tools.memo import IdentityCache
from probes.tools.observation import ToolDefinition, ToolsObservation
from probes.tools.parameters import credential_parameters, overbroad_parameters
from probes.tools.tiers import WEAK_VERBS, Capability, Tier, capability

_CAPABILITY_REFS = ("SAFE-T1104",)

ANNOTATIONS_CONTRADICT = tools_spec(
    "tool_annotations_contradict_behaviour",
    question="Do the tool's annotations claim less than its name or description shows?",
    rationale=(
        "Annotations are untrusted hints (MCP 2025-11-25); a readOnlyHint on 'delete_repo' "
        "lulls clients into skipping confirmation, by mistake or by design."
    ),
    severity=Severity.MEDIUM,
    remediation="Set readOnlyHint, destructiveHint and openWorldHint to what the tool does.",
)
DESTRUCTIVE = tools_spec(
    "tool_capability_is_destructive",
    question="Can the tool destroy or overwrite data, by its own account or the spec defaults?",
    rationale=(
        "A destructive tool reachable by an agent turns one injected instruction into lost "
        "data; without a destructiveHint of false the MCP spec says to assume it is one."
    ),
    severity=Severity.MEDIUM,
    remediation=(
        "Require authentication and user confirmation for destructive tools, and annotate "
        "tools that are not destructive with destructiveHint: false."
    ),
    references=_CAPABILITY_REFS,
)
EXTERNAL = tools_spec(
    "tool_capability_is_external",
    question="Does the tool send data or act outside the system (messages, payments, URLs)?",
    rationale=(
        "External actions (sending mail, posting, paying, fetching arbitrary URLs) are how "
        "a steered agent exfiltrates data or acts in the user's name."
    ),
    severity=Severity.MEDIUM,
    remediation="Confirm external actions with the user and restrict their destinations.",
    references=_CAPABILITY_REFS,
)
DESCRIPTION_CONTRADICTS = tools_spec(
    "tool_description_contradicts_schema",
    question="Does the description claim the tool is read-only or harmless when it is not?",
    rationale=(
        'A description that calls a writer read-only ("read-only" over a `delete_` name or '
        "a free-form command) lulls the user and the agent into approving it: a deception "
        "that needs both the text and the schema to see."
    ),
    severity=Severity.CRITICAL,
    remediation="Do not connect to this server; a tool's description must say what it does.",
    references=("SAFE-T1001",),
)
OVERBROAD_PARAMETER = tools_spec(
    "tool_parameter_is_overbroad",
    question="Does the tool take a free-form command, code, SQL, path or URL without bounds?",
    rationale=(
        "An unbounded command, query, path or URL parameter gives the agent a shell, the "
        "database, the file system or the network, whatever the tool's name suggests."
    ),
    severity=Severity.MEDIUM,
    remediation="Constrain such parameters with enum, pattern or maxLength, or split the tool.",
)
REQUESTS_CREDENTIALS = tools_spec(
    "tool_parameter_requests_credentials",
    question="Does the tool ask the agent to pass a secret (token, password, API key)?",
    rationale=(
        "Secrets passed as arguments flow through the model's context, logs and other tools; "
        "servers should hold credentials themselves or use OAuth."
    ),
    severity=Severity.HIGH,
    remediation="Authenticate the server with OAuth or its own configuration, not arguments.",
)


_CAPABILITIES: IdentityCache[dict[int, Capability]] = IdentityCache(size=8)


def _capability(observation: ToolsObservation, definition: ToolDefinition) -> Capability:
    """The tier of one tool, computed once per observation for the three probes that ask."""
    table = _CAPABILITIES.get(
        observation, lambda: {id(d): capability(d) for d in observation.of_kind("tool")}
    )
    return table.get(id(definition)) or capability(definition)


def _tier_evidence(found: Capability, definition: ToolDefinition) -> Evidence:
    return {
        CAPABILITY_TIER: found.tier.value,
        SPEC_DEFAULT: found.spec_default,
        BASIS: found.basis,
        CUE: found.cue,
        ANNOTATIONS: "present" if definition.annotations is not None else "missing",
    }


def _provenance(found: Capability) -> Provenance:
    """Declared when the tool's own annotations set the tier; inferred from its text otherwise."""
    return Provenance.DECLARED if found.basis == "annotations" else Provenance.INFERRED


def capability_is_destructive(observation: ToolsObservation) -> list[Finding]:
    """TRUE for destructive tools: by name, description or schema, or by the spec default."""

    def one(definition: ToolDefinition) -> Finding:
        found = _capability(observation, definition)
        if found.destructive:
            why = {
                "spec_default": (
                    f"it writes ('{found.cue}') and does not declare destructiveHint: false"
                    if found.inferred
                    else "nothing shows it only reads, and without annotations MCP assumes so"
                ),
                "annotations": "its annotations say so",
            }.get(found.basis, f"its {found.basis} says '{found.cue}'")
            message = f"The {label(definition)} can destroy or overwrite data: {why}."
        else:
            message = f"The {label(definition)} is a {found.tier.value}-tier tool, not destructive."
        evidence = _tier_evidence(found, definition)
        return judge(
            DESTRUCTIVE,
            definition,
            bad=found.destructive,
            message=message,
            evidence=evidence,
            provenance=_provenance(found),
        )

    return per_definition(DESTRUCTIVE, observation, one, kinds=("tool",))


def capability_is_external(observation: ToolsObservation) -> list[Finding]:
    """TRUE for tools that send messages, pay, post or fetch arbitrary URLs."""

    def one(definition: ToolDefinition) -> Finding:
        found = _capability(observation, definition)
        message = (
            f"The {label(definition)} acts outside the system ('{found.cue}')."
            if found.external
            else f"The {label(definition)} acts only within the system it serves."
        )
        evidence = _tier_evidence(found, definition)
        return judge(
            EXTERNAL,
            definition,
            bad=found.external,
            message=message,
            evidence=evidence,
            provenance=_provenance(found),
        )

    return per_definition(EXTERNAL, observation, one, kinds=("tool",))


def _contradiction(definition: ToolDefinition, found: Capability) -> str | None:
    """Which hint understates the tool, judged only against its name and description."""
    hints = definition.annotations or {}
    strong = found.basis in ("name", "description") and found.cue not in WEAK_VERBS
    inferred = found.inferred if strong else None
    if hints.get("readOnlyHint") is True and inferred in (Tier.WRITE, Tier.DESTRUCTIVE):
        return f"readOnlyHint is true but its {found.basis} says '{found.cue}'"
    if hints.get("destructiveHint") is False and inferred is Tier.DESTRUCTIVE:
        return f"destructiveHint is false but its {found.basis} says '{found.cue}'"
    if hints.get("openWorldHint") is False and found.external and inferred is Tier.EXTERNAL:
        return f"openWorldHint is false but its {found.basis} says '{found.cue}'"
    return None


def annotations_contradict_behaviour(observation: ToolsObservation) -> list[Finding]:
    """TRUE when readOnly, destructive or openWorld hints understate what the name shows."""

    def one(definition: ToolDefinition) -> Finding:
        found = _capability(observation, definition)
        reason = _contradiction(definition, found)
        evidence: Evidence = {**_tier_evidence(found, definition), REASON: reason}
        message = (
            f"The {label(definition)} understates itself: {reason}."
            if reason
            else f"The annotations of the {label(definition)} do not understate what it does."
        )
        return judge(
            ANNOTATIONS_CONTRADICT,
            definition,
            bad=reason is not None,
            message=message,
            evidence=evidence,
        )

    return per_definition(ANNOTATIONS_CONTRADICT, observation, one, kinds=("tool",))


def description_contradicts_schema(observation: ToolsObservation) -> list[Finding]:
    """TRUE when a read-only or harmless claim is belied by the name, schema or annotations."""

    def one(definition: ToolDefinition) -> Finding:
        found = contradiction(definition)
        if found is None:
            message = f"The {label(definition)} claims nothing its definition contradicts."
            return judge(DESCRIPTION_CONTRADICTS, definition, bad=False, message=message)
        message = f"The {label(definition)} claims '{found.claim}', but {found.evidence}."
        evidence: Evidence = {CLAIM: found.claim, REASON: found.evidence, FIELD: "description"}
        return judge(
            DESCRIPTION_CONTRADICTS, definition, bad=True, message=message, evidence=evidence
        )

    return per_definition(DESCRIPTION_CONTRADICTS, observation, one, kinds=("tool",))


def parameter_is_overbroad(observation: ToolsObservation) -> list[Finding]:
    """TRUE when a free-form command, code, SQL, path or URL parameter has no bound."""

    def one(definition: ToolDefinition) -> Finding:
        found = overbroad_parameters(definition)
        if not found:
            message = f"The {label(definition)} has no unbounded command, code, SQL, path or URL."
            return judge(OVERBROAD_PARAMETER, definition, bad=False, message=message)
        first, kind = found[0]
        evidence: Evidence = {
            PARAM: first.path,
            PARAM_KIND: kind,
            PARAMS: ",".join(f"{p.path}:{k}" for p, k in found[:8]),
        }
        message = f"The {label(definition)} takes an unbounded {kind} in '{first.path}'."
        return judge(OVERBROAD_PARAMETER, definition, bad=True, message=message, evidence=evidence)

    return per_definition(OVERBROAD_PARAMETER, observation, one, kinds=("tool",))


def parameter_requests_credentials(observation: ToolsObservation) -> list[Finding]:
    """TRUE when a string parameter (or prompt argument) is named like a secret."""

    def one(definition: ToolDefinition) -> Finding:
        found = credential_parameters(definition)
        if not found:
            message = f"The {label(definition)} asks for no secrets as arguments."
            return judge(REQUESTS_CREDENTIALS, definition, bad=False, message=message)
        names = ",".join(p.path for p in found[:8])
        message = f"The {label(definition)} asks the agent for a secret in '{found[0].path}'."
        evidence: Evidence = {PARAM: found[0].path, PARAMS: names}
        return judge(REQUESTS_CREDENTIALS, definition, bad=True, message=message, evidence=evidence)

    return per_definition(REQUESTS_CREDENTIALS, observation, one, kinds=("tool", "prompt"))
