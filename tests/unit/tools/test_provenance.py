"""A capability tier read from the tool's own annotations is declared; from its text, inferred."""

from __future__ import annotations

from probes.model import Outcome, Provenance
from probes.tools.capability_probes import capability_is_destructive
from tests.unit.tools.observations import observe, tool


def test_a_destructive_hint_makes_the_finding_declared() -> None:
    annotated = tool(name="tidy", description="Tidies up.", annotations={"destructiveHint": True})
    [finding] = capability_is_destructive(observe(annotated))
    assert finding.outcome is Outcome.TRUE
    assert finding.provenance is Provenance.DECLARED


def test_a_tier_read_from_the_name_is_inferred() -> None:
    named = tool(name="delete_forecast", description="Deletes a saved forecast.", annotations={})
    [finding] = capability_is_destructive(observe(named))
    assert finding.outcome is Outcome.TRUE
    assert finding.provenance is Provenance.INFERRED
