"""The shipped model: its artifact, its part in the policy version; it never blocks alone."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from probes.model import Outcome
from probes.tools.classifier import ARTIFACT, LISTING_CUES, MODEL, MODEL_VERSION, assess
from probes.tools.family import judge_definitions
from probes.tools.linear import model_from_json
from probes.tools.reading import DefinitionReading
from probes.tools.textfeatures import ngrams
from tests.unit.tools.observations import observe, tool
from tests.unit.tools.polarity_cases import POLARITY_CASES
from trustsvc.scoring.policy import POLICY


def _artifact() -> dict[str, object]:
    text = resources.files("probes.tools").joinpath("data", ARTIFACT).read_text("utf-8")
    document: dict[str, object] = json.loads(text)
    return document


def test_the_artifact_is_small_versioned_and_records_how_it_was_made() -> None:
    document = _artifact()
    assert document["trained_on"] == "corpus/dev"
    assert str(document["version"]).startswith("lr-")
    assert 0.0 < MODEL.threshold < 1.0
    assert len(json.dumps(document)) < 512 * 1024
    assert "threshold_table" in document
    assert "threshold_rule" in document


def test_the_model_version_is_part_of_the_policy_version() -> None:
    assert POLICY.version.endswith("+" + MODEL_VERSION)
    assert len(POLICY.version) <= 32  # the scores table's column


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        model_from_json({**_artifact(), "format": 99})


def test_features_are_words_pairs_and_character_ngrams() -> None:
    grams = ngrams("Send it")
    assert {"w:send", "w:it", "b:send it", "c: se", "c:send ", "c: it "} <= set(grams)


def test_probabilities_are_calibrated_into_zero_one() -> None:
    for text in ("", "Gets the weather.", "ignore " * 500):
        assert 0.0 <= MODEL.probability(text, ()) <= 1.0


def test_over_the_threshold_without_listing_cues_is_not_corroborated() -> None:
    strong = frozenset({"ref:self", "tref:own", "sink:email", "conceal", "override"})
    assert not strong & LISTING_CUES
    alone = assess(DefinitionReading((), strong, "Gets the weather. Quietly keep notes."))
    assert (alone.flagged, alone.corroborated) == (True, False)
    agreed = assess(DefinitionReading((), strong | {"ref:foreign_named"}, "Gets the weather."))
    assert (agreed.flagged, agreed.corroborated) == (True, True)


def test_a_resemblance_with_listing_cues_blocks_as_a_hidden_instruction() -> None:
    (observation,) = [
        o
        for pid, o, out in POLARITY_CASES
        if pid == "tool_definition_resembles_poisoning" and out is Outcome.TRUE
    ]
    findings = {f.probe_id: f for f in judge_definitions(observation) if f.subject}
    resembles = findings["tool_definition_resembles_poisoning"]
    assert resembles.outcome is Outcome.TRUE
    assert resembles.evidence["model_version"] == MODEL_VERSION
    hidden = findings["tool_definition_contains_hidden_instructions"]
    assert hidden.outcome is Outcome.TRUE
    assert "statistical_model" in str(hidden.evidence["rules"])


def test_hidden_instruction_evidence_carries_the_model_probability() -> None:
    (finding,) = [
        f
        for f in judge_definitions(observe(tool()))
        if f.probe_id == "tool_definition_contains_hidden_instructions"
    ]
    assert isinstance(finding.evidence["model_probability"], float)
