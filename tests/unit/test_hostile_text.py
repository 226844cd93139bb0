"""Arbitrary Unicode, lone surrogates and NUL included, never fails a digest, snapshot or output.

Two paths: text decoded from JSON by the collectors' decoder (where the escapes are made), and
raw text handed straight to the snapshot and the writers (the defence in depth).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from probes.hostile_text import (
    MAX_DECODE_DEPTH,
    decode_json,
    escaped_characters,
    flattened,
    has_invalid,
    visible,
    visible_json,
)
from probes.model import Family, Outcome
from probes.registry import catalogue
from probes.tools.family import judge_definitions
from probes.tools.observation import observation_from_lists
from tests.unit.tools.observations import tool
from trustsvc.drift.snapshot import snapshot_of
from trustsvc.drift.types import canonical_digest
from trustsvc.reports.build import build_report, to_json
from trustsvc.reports.drift import drift_csv, drift_json
from trustsvc.reports.sarif import to_sarif
from trustsvc.reports.schema import DriftEventDoc
from trustsvc.scoring.aggregate import score_findings

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
INVALID_ID = "tool_definition_contains_invalid_characters"
# Every code point, surrogates included (Cs is excluded by default), and the worst ones often.
HOSTILE = st.lists(
    st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff", "\x00", "\u202e", "\ufeff"]),
    ),
    max_size=40,
).map("".join)
# Without backslashes, no text reads like an escape the decoder would have made.
PLAIN = HOSTILE.filter(lambda t: "\\" not in t)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _served(description: str) -> bytes:
    """A tools/list result as a server would send it: surrogates and NUL as \\u escapes."""
    return json.dumps({"tools": [tool(description=description)]}).encode()


def _json_text(text: str) -> str:
    """The text as JSON carries it: an escaped high and low surrogate in a row are one pair."""
    decoded: str = json.loads(json.dumps(text))
    return decoded


def _scan(tools: list[object]) -> tuple[Any, dict[str, Any]]:
    observation = observation_from_lists(observed_at=AT, tools=tools)
    findings = judge_definitions(observation)
    snapshot = snapshot_of({Family.TOOLS: observation}, findings, catalogue())
    return findings, snapshot.to_doc()


def _outputs(findings: Any, text: str) -> None:  # noqa: ANN401 - findings of any family
    """Every writer produces encodable UTF-8 from the findings and from the raw text."""
    others = [
        spec.finding(Outcome.NOT_AVAILABLE, "not measured")
        for spec in catalogue().values()
        if spec.family is not Family.TOOLS
    ]
    findings = [*findings, *others]
    report = build_report(
        url="https://mcp.example.com/mcp",
        assessed_at=AT,
        attempts=[],
        findings=findings,
        score=score_findings(findings, catalogue()),
    )
    assert json.loads(to_json(report))["url"] == "https://mcp.example.com/mcp"
    json.dumps(to_sarif(report, catalogue()), ensure_ascii=False).encode()
    event = DriftEventDoc(
        id=1,
        endpoint_id="e",
        scan_id="s",
        basis="previous",
        surface="tools",
        kind="tool_description_changed",
        subject=f"tool:{text}",
        severity="critical",
        summary=text,
        before={"description": text},
        after={text: text},
        text_diff=text,
        observed_at=AT,
    )
    table = drift_csv([(event, "https://mcp.example.com/mcp")])
    table.encode()
    assert next(csv.reader(io.StringIO(table[table.index("\r\n") + 2 :])))[7].endswith(
        visible(text)
    )
    json.loads(drift_json([(event, "https://mcp.example.com/mcp")]).encode())


@PROPERTY
@given(PLAIN)
def test_served_text_is_escaped_once_flagged_and_stored_as_utf8(text: str) -> None:
    decoded = decode_json(_served(text))
    assert isinstance(decoded, dict)
    description = decoded["tools"][0]["description"]
    received = _json_text(text)
    assert description == visible(received)
    assert not has_invalid(description)
    findings, doc = _scan(decoded["tools"])
    flagged = [f for f in findings if f.probe_id == INVALID_ID]
    assert [f.outcome.value for f in flagged] == ["true" if has_invalid(received) else "false"]
    msgspec.json.encode(doc)  # a snapshot is valid UTF-8 JSON
    _outputs(findings, description)


@PROPERTY
@given(PLAIN, PLAIN)
def test_distinct_served_descriptions_keep_distinct_digests(first: str, second: str) -> None:
    def digest_of(text: str) -> str:
        decoded = decode_json(_served(text))
        assert isinstance(decoded, dict)
        _, doc = _scan(decoded["tools"])
        item = next(v for k, v in doc["tools"].items() if k.startswith("tool:"))
        return str(item["digest"])

    # The snapshot folds whitespace runs; compare texts as it does, as the JSON carries them.
    if " ".join(_json_text(first).split()) != " ".join(_json_text(second).split()):
        assert digest_of(first) != digest_of(second)


@PROPERTY
@given(HOSTILE, HOSTILE)
def test_raw_text_past_the_collectors_never_fails_the_digest_snapshot_or_writers(
    name: str, text: str
) -> None:
    malformed = {"description": text, "inputSchema": text, text: None}
    findings, doc = _scan([tool(name=name or "x", description=text, extra={text: text}), malformed])
    assert all(f.outcome.value != "error" for f in findings)
    json.dumps(visible_json(doc), ensure_ascii=False).encode()
    assert canonical_digest(text) == canonical_digest(text)
    _outputs(findings, text)


@PROPERTY
@given(HOSTILE)
def test_visible_is_idempotent_and_leaves_valid_text_alone(text: str) -> None:
    once = visible(text)
    assert visible(once) == once
    once.encode()
    if not has_invalid(text):
        assert once == text
    assert len(escaped_characters(once)) >= sum(1 for c in text if has_invalid(c))


def test_escapes_name_each_code_unit() -> None:
    decoded = decode_json(b'{"d": "a\\ud800b\\u0000c\\udfff", "\\ud83d\\ude00": 1}')
    assert decoded == {"d": "a\\ud800b\\u0000c\\udfff", "\U0001f600": 1}
    assert escaped_characters("a\\ud800b\\u0000c\\udfff") == ["U+D800", "U+0000", "U+DFFF"]
    # Two different surrogates stay two different texts (U+FFFD would merge them).
    assert canonical_digest(visible("\ud800")) != canonical_digest(visible("\udbff"))


def test_deep_documents_are_escaped_without_recursion() -> None:
    depth = 5000
    nested: object = "\ud800"
    for _ in range(depth):
        nested = [nested]
    value = visible_json(nested)
    for _ in range(depth):
        assert isinstance(value, list)
        value = value[0]
    assert value == "\\ud800"


def test_a_document_too_deep_for_the_decoder_is_read_with_its_depths_cut() -> None:
    deep = '{"a":[' * 10_000 + '"x"' + "]}" * 10_000
    payload = ('{"tools":[{"name":"ok"},' + deep + "]}").encode()
    with pytest.raises(RecursionError):
        decode_json(payload)  # only MCP messages ask for the cut
    document = decode_json(payload, cut_deep=True)
    assert isinstance(document, dict)
    tools = document["tools"]
    assert tools[0] == {"name": "ok"}
    node, depth = tools[1], 0
    while isinstance(node, dict | list):
        node = node["a"] if isinstance(node, dict) else node[0]
        depth += 1
    assert node == "\u2026"
    assert depth == MAX_DECODE_DEPTH - 2  # the document and the tools list hold two levels


def test_flattening_skips_brackets_inside_strings_and_escapes() -> None:
    text = r'[["]]\"[", [[1]], {"k": "}"}]]'
    assert json.loads(flattened(text, limit=2)) == [[']]"[', "\u2026", "\u2026"]]
    assert flattened("[[[", limit=1) == "[[["  # unbalanced: left for json.loads to refuse


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=6),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(alphabet='[]{}"\\ab', max_size=3), children, max_size=3)
    ),
    max_leaves=30,
)


@given(_JSON_VALUES)
def test_flattening_leaves_shallow_documents_alone(value: object) -> None:
    text = json.dumps(value)
    assert json.loads(flattened(text, limit=64)) == json.loads(text)
