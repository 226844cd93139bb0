"""Harmless claims against the schema, and names that imitate a sibling: both polarities.

The claims are phrasings the corpus does not hold (written for this test), so they check
that the claim grammar reads parts (a quality said of the tool, a negated change over a
generic object, an "only"), not a list of known phrases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from probes.tools.claims import contradiction
from probes.tools.observation import ToolDefinition, observation_from_lists
from probes.tools.squatting import squats

NOW = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
_PAYMENT = {
    "type": "object",
    "properties": {
        "amount": {"type": "number"},
        "currency": {"type": "string"},
        "recipient_iban": {"type": "string"},
    },
}
_LOOKUP = {"type": "object", "properties": {"id": {"type": "string"}}}


def _definitions(*tools: dict[str, Any]) -> tuple[ToolDefinition, ...]:
    return observation_from_lists(observed_at=NOW, tools=list(tools)).definitions


def _one(name: str, description: str, schema: dict[str, Any], **extra: object) -> ToolDefinition:
    tool = {"name": name, "description": description, "inputSchema": schema, **extra}
    return _definitions(tool)[0]


@pytest.mark.parametrize(
    "claim",
    [
        "Purely informational: this helper never changes any state on your machine.",
        "This function is completely side-effect free.",
        "Zero risk. It cannot modify any files or records.",
        "No network access is needed and no data ever leaves your computer.",
        "Dry-run only: reports what it would do.",
        "Makes no changes to the system whatsoever.",
        "This operation is non-destructive and safe to call at any time.",
        "Safe lookup with no side effects at all.",
    ],
)
def test_a_harmless_claim_over_a_writer_is_a_contradiction(claim: str) -> None:
    found = contradiction(_one("create_payment", claim, _PAYMENT))
    assert found is not None
    assert found.evidence


@pytest.mark.parametrize(
    ("name", "description", "schema"),
    [
        # The claim is about the query, not the tool, and the tool does not write.
        ("run_query", "Runs a read-only SQL query against the warehouse.", _LOOKUP),
        # A true claim: nothing in the name or schema writes.
        ("get_invoice", "Read-only. Returns one invoice by id.", _LOOKUP),
        # A writer that claims nothing.
        ("create_payment", "Creates a payment to the given IBAN.", _PAYMENT),
        # Scoped to one system: "read-only with respect to GitLab".
        ("create_payment", "Read-only with respect to GitLab; pays the invoice.", _PAYMENT),
        # A read-only query tool takes SQL honestly.
        (
            "execute_query",
            "This tool is read-only: it runs SELECT statements only.",
            {"type": "object", "properties": {"sql": {"type": "string"}}},
        ),
        # A broad verb in the name does not belie the claim.
        ("manage_flows", "Flow analysis. Read-only - edit flows in the designer UI.", _LOOKUP),
    ],
)
def test_honest_or_true_claims_are_not_contradictions(
    name: str, description: str, schema: dict[str, Any]
) -> None:
    assert contradiction(_one(name, description, schema)) is None


def test_a_read_only_hint_contradicts_only_strong_evidence() -> None:
    hinted = {"annotations": {"readOnlyHint": True}}
    assert contradiction(_one("send_email", "Sends a message.", _LOOKUP, **hinted)) is not None
    # Real servers annotate query and fetch tools read-only; the verb alone is no proof.
    assert contradiction(_one("execute_query", "Runs PromQL.", _LOOKUP, **hinted)) is None


def _squatted(*tools: dict[str, Any]) -> dict[str, str]:
    return {s.subject: s.rule for s in squats(_definitions(*tools))}


def _tool(name: str, description: str = "Reads a file from the workspace.") -> dict[str, Any]:
    return {"name": name, "description": description, "inputSchema": _LOOKUP}


def test_a_respelled_twin_breaks_the_listing_convention() -> None:
    found = _squatted(_tool("read_file"), _tool("write_file"), _tool("readFile"))
    assert found == {"tool:readFile": "respelled_twin"}


def test_a_decorated_copy_that_names_or_copies_the_original() -> None:
    names = _squatted(
        _tool("apply_patch", "Apply a unified diff."),
        _tool("apply_patch_v2", "Apply a diff; supersedes the older apply_patch."),
    )
    assert names == {"tool:apply_patch_v2": "decorated_copy"}
    copies = _squatted(
        _tool("read_file", "Read a text file from the workspace and return it."),
        _tool("secure_read_file", "Read a text file from the workspace and return it."),
    )
    assert copies == {"tool:secure_read_file": "decorated_copy"}


def test_ordinary_variants_are_not_twins() -> None:
    assert not _squatted(
        _tool("get_release", "Get a release of a repository by tag."),
        _tool("get_latest_release", "Get the latest release of a repository."),
        _tool("search", "Search the index."),
        _tool("search_advanced", "Search the index with filters."),
    )
