"""The tools family: the collector and the probes in catalogue order.

Scoring refers to the probes by id; `judge_definitions` is the offline judge the checker and
benchmarks share, so the table a developer sees and the scan judge one listing the same way.
"""

from __future__ import annotations

from probes.family import FamilySpec
from probes.mcp.identity import ClientInfo
from probes.model import Family, Finding, Probe
from probes.tools import (
    capability_probes,
    cloaking_probes,
    content_probes,
    hygiene_probes,
    model_probes,
    protocol_probes,
    schema_probes,
)
from probes.tools.collect import ToolsCollector, collect_tools
from probes.tools.observation import ToolsObservation

TOOLS_PROBES: tuple[Probe[ToolsObservation], ...] = (
    Probe(
        content_probes.HIDDEN_INSTRUCTIONS, content_probes.definition_contains_hidden_instructions
    ),
    Probe(content_probes.INVISIBLE_UNICODE, content_probes.definition_contains_invisible_unicode),
    Probe(content_probes.INVALID_CHARACTERS, content_probes.definition_contains_invalid_characters),
    Probe(content_probes.MIXED_SCRIPTS, content_probes.name_uses_mixed_scripts),
    Probe(content_probes.ENCODED_PAYLOAD, content_probes.definition_contains_encoded_payload),
    Probe(content_probes.SHADOWS_OTHER_TOOLS, content_probes.definition_shadows_other_tools),
    Probe(model_probes.RESEMBLES_POISONING, model_probes.definition_resembles_poisoning),
    Probe(
        capability_probes.ANNOTATIONS_CONTRADICT, capability_probes.annotations_contradict_behaviour
    ),
    Probe(
        capability_probes.DESCRIPTION_CONTRADICTS,
        capability_probes.description_contradicts_schema,
    ),
    Probe(capability_probes.DESTRUCTIVE, capability_probes.capability_is_destructive),
    Probe(capability_probes.EXTERNAL, capability_probes.capability_is_external),
    Probe(capability_probes.OVERBROAD_PARAMETER, capability_probes.parameter_is_overbroad),
    Probe(capability_probes.REQUESTS_CREDENTIALS, capability_probes.parameter_requests_credentials),
    Probe(hygiene_probes.SCHEMA_IS_LOOSE, hygiene_probes.schema_is_loose),
    Probe(schema_probes.REMOTE_REF, schema_probes.schema_has_remote_ref),
    Probe(schema_probes.COMPOSITION_EXCESSIVE, schema_probes.schema_composition_is_excessive),
    Probe(schema_probes.SENSITIVE_HEADER, schema_probes.parameter_header_exposes_sensitive_value),
    Probe(hygiene_probes.DESCRIPTION_IS_EXCESSIVE, hygiene_probes.description_is_excessive),
    Probe(hygiene_probes.DEFINITION_IS_MALFORMED, hygiene_probes.definition_is_malformed),
    Probe(hygiene_probes.NAMES_COLLIDE, hygiene_probes.names_collide),
    Probe(hygiene_probes.LISTING_IS_INCOMPLETE, hygiene_probes.listing_is_incomplete),
    Probe(hygiene_probes.SET_EXCEEDS_50_TOOLS, hygiene_probes.set_exceeds_50_tools),
    Probe(protocol_probes.PROTOCOL_VIOLATIONS, protocol_probes.exchange_has_protocol_violations),
    Probe(cloaking_probes.DIFFER_BY_CLIENT, cloaking_probes.tools_differ_by_client),
)

TOOLS_FAMILY: FamilySpec[ToolsObservation] = FamilySpec(
    family=Family.TOOLS, collect=collect_tools, probes=TOOLS_PROBES
)
"""Lists under trustsvc's identity only; `tools_family` adds the cloaking disguises."""


def tools_family(disguises: tuple[ClientInfo, ...]) -> FamilySpec[ToolsObservation]:
    """The family that also lists the tools under each of `disguises` (cloaking check)."""
    return FamilySpec(family=Family.TOOLS, collect=ToolsCollector(disguises), probes=TOOLS_PROBES)


def judge_definitions(observation: ToolsObservation) -> list[Finding]:
    """Every tool probe's findings for one observation, in catalogue order."""
    return [finding for probe in TOOLS_PROBES for finding in probe.judge(observation)]
