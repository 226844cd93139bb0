"""The 2026-07-28 schema probes: remote $ref, composition depth, sensitive x-mcp-header.

Hostile shapes (10,000-deep nesting, wide fans, references hidden in data keywords) are
judged, never a crash; Hypothesis feeds arbitrary JSON through the walk.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probes.model import Finding, Outcome
from probes.tools.header_params import header_parameters
from probes.tools.observation import ToolDefinition, definition_from_json
from probes.tools.schema_probes import (
    parameter_header_exposes_sensitive_value,
    schema_composition_is_excessive,
    schema_has_remote_ref,
)
from probes.tools.schema_walk import MAX_NODES, is_remote_reference, walk_schema
from tests.unit.tools.observations import observe, schema, text, tool

T, F = Outcome.TRUE, Outcome.FALSE


def _one(findings: list[Finding]) -> Finding:
    (finding,) = findings
    return finding


def _nested(keyword: str, depth: int) -> dict[str, object]:
    node: dict[str, object] = {"type": "string"}
    for _ in range(depth):
        node = {keyword: [node]} if keyword != "not" else {"not": node}
    return node


@pytest.mark.parametrize(
    ("reference", "remote"),
    [
        ("#/$defs/City", False),
        ("#", False),
        ("  #/definitions/x", False),
        ("https://schemas.example/city.json", True),
        ("http://169.254.169.254/latest/meta-data", True),
        ("city.json#/City", True),  # relative: resolves to another document
        ("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", True),
        ("file:///etc/passwd", True),
    ],
)
def test_what_counts_as_a_remote_reference(reference: str, *, remote: bool) -> None:
    assert is_remote_reference(reference) is remote


def test_remote_refs_in_output_schema_and_dynamic_refs_are_found() -> None:
    item = tool(
        outputSchema={"type": "object", "properties": {"r": {"$dynamicRef": "https://x.example/s"}}}
    )
    finding = _one(schema_has_remote_ref(observe(item)))
    assert finding.outcome is T
    assert finding.evidence["ref_count"] == 1
    assert "outputSchema.properties.r.$dynamicRef=https://x.example/s" in str(
        finding.evidence["refs"]
    )
    assert "was not fetched" in finding.message


def test_refs_inside_data_keywords_and_property_names_are_not_references() -> None:
    data = {"$ref": "https://x.example/s"}
    city = {**text(), "default": data, "examples": [data], "const": data, "enum": [data]}
    item = tool(input_schema=schema(city=city, **{"$ref": text("A property named $ref.")}))
    assert _one(schema_has_remote_ref(observe(item))).outcome is F


def test_a_property_named_like_a_keyword_does_not_count_as_composition() -> None:
    properties = {name: text() for name in ("allOf", "not", "if", "then", "else")}
    item = tool(input_schema=schema(**properties))
    finding = _one(schema_composition_is_excessive(observe(item)))
    assert (finding.outcome, finding.evidence["composition_depth"]) == (F, 0)


@pytest.mark.parametrize("keyword", ["allOf", "anyOf", "oneOf", "not"])
def test_ten_thousand_deep_composition_is_judged_not_a_crash(keyword: str) -> None:
    item = tool(input_schema=_nested(keyword, 10_000))
    observation = observe(item)
    finding = _one(schema_composition_is_excessive(observation))
    assert finding.outcome is T
    assert finding.evidence["cut_at_nesting"] == 64  # the observation cut it there
    assert "at least" in finding.message
    assert _one(schema_has_remote_ref(observation)).outcome is F


def test_the_walk_itself_never_recurses_even_past_the_observation_cut() -> None:
    """A hand-built definition that skipped the 64-level cut still walks on a flat stack."""
    deep = _nested("allOf", sys.getrecursionlimit() * 3)
    shape = walk_schema(deep, "inputSchema")
    assert shape.composition_depth > sys.getrecursionlimit()
    assert not shape.exhausted


def test_a_wide_schema_stops_at_the_node_budget_and_says_so() -> None:
    wide = {"anyOf": [{"type": "string"} for _ in range(MAX_NODES + 10)]}
    shape = walk_schema(wide, "inputSchema")
    assert shape.exhausted
    assert shape.nodes == MAX_NODES


def test_defs_nesting_counts_as_composition() -> None:
    node: dict[str, object] = {"type": "string"}
    for i in range(10):
        node = {"$defs": {f"d{i}": node}}
    finding = _one(schema_composition_is_excessive(observe(tool(input_schema=node))))
    assert finding.outcome is T
    assert finding.evidence["composition_depth"] == 10


def test_a_pydantic_style_schema_is_shallow() -> None:
    generated = {
        "type": "object",
        "$defs": {"Unit": {"enum": ["c", "f"], "type": "string"}},
        "properties": {
            "city": {"type": "string"},
            "unit": {"anyOf": [{"$ref": "#/$defs/Unit"}, {"type": "null"}], "default": None},
        },
    }
    observation = observe(tool(input_schema=generated))
    assert _one(schema_composition_is_excessive(observation)).outcome is F
    assert _one(schema_has_remote_ref(observation)).outcome is F


@pytest.mark.parametrize(
    ("name", "header", "sensitive"),
    [
        ("password", "Password", True),
        ("api_key", "Key", True),
        ("githubToken", "Gh", True),
        ("email", "Email", True),
        ("customerEmailAddress", "Customer", True),
        ("phone_number", "Phone", True),
        ("date_of_birth", "Dob", True),
        ("user", "Authorization", True),  # the header name gives it away
        ("region", "Region", False),
        ("tenant_id", "Tenant", False),
        ("page_token", "Page", False),  # a cursor, not a credential
        ("email_template", "Template", False),
    ],
)
def test_which_header_parameters_are_sensitive(name: str, header: str, *, sensitive: bool) -> None:
    item = tool(input_schema=schema(**{name: {**text(), "x-mcp-header": header}}))
    finding = _one(parameter_header_exposes_sensitive_value(observe(item)))
    assert finding.outcome is (T if sensitive else F)
    assert f"{name}=Mcp-Param-{header}" in str(finding.evidence["headers"])


def test_schema_markers_make_a_header_sensitive() -> None:
    secret = {"type": "string", "format": "password", "x-mcp-header": "Value"}
    hidden = {"type": "string", "writeOnly": True, "x-mcp-header": "Other"}
    item = tool(input_schema=schema(value=secret, other=hidden))
    definition = observe(item).definitions[0]
    reasons = {h.path: h.sensitive for h in header_parameters(definition)}
    assert reasons == {"value": "format password", "other": "writeOnly"}


def test_nested_object_headers_are_read_and_odd_annotations_skipped() -> None:
    inner = schema(secret={**text(), "x-mcp-header": "Secret"})
    item = tool(input_schema=schema(auth=inner, odd={**text(), "x-mcp-header": 42}))
    finding = _one(parameter_header_exposes_sensitive_value(observe(item)))
    assert finding.outcome is T
    assert finding.evidence["params"] == "auth.secret"


def test_prompts_and_templates_are_not_judged() -> None:
    observation = observe(prompts=[{"name": "p", "arguments": [{"name": "password"}]}])
    for probe in (schema_has_remote_ref, schema_composition_is_excessive):
        assert _one(probe(observation)).outcome is Outcome.NOT_APPLICABLE


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["$ref", "allOf", "anyOf", "not", "$defs", "properties", "x", "enum"])
            | st.text(max_size=4),
            children,
            max_size=4,
        )
    ),
    max_leaves=40,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=6), _JSON, max_size=5))
def test_arbitrary_json_schemas_are_judged(input_schema: dict[str, object]) -> None:
    definition = definition_from_json(
        {"name": "t", "description": "d", "inputSchema": input_schema, "outputSchema": _JSON_OUT},
        "tool",
        0,
    )
    assert isinstance(definition, ToolDefinition)
    observation = observe()
    observation = type(observation)(
        observed_at=observation.observed_at, definitions=(definition,), listed_count=1
    )
    for probe in (
        schema_has_remote_ref,
        schema_composition_is_excessive,
        parameter_header_exposes_sensitive_value,
    ):
        assert _one(probe(observation)).outcome in (T, F)


_JSON_OUT: dict[str, object] = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
