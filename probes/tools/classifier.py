"""The statistical layer of the poisoning probes: the shipped model, loaded once at import.

`make train` (scripts/train_tool_model.py) writes data/poisoning_model.json from corpus/dev;
this module reads it from package data and scores a definition's reading (its prepared text
and directive features, probes/tools/reading.py). Its version rides on the findings and on
the scoring policy's version, so a retrained model is a new policy.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from probes.tools.linear import LinearModel, model_from_json
from probes.tools.memo import IdentityCache
from probes.tools.observation import TextField, ToolsObservation
from probes.tools.reading import DefinitionReading, reading_of

ARTIFACT = "poisoning_model.json"


def _load() -> LinearModel:
    text = resources.files("probes.tools").joinpath("data", ARTIFACT).read_text("utf-8")
    return model_from_json(json.loads(text))


MODEL = _load()
MODEL_VERSION = MODEL.version


# Directive features that say the listing context agrees: another server's tool named, a
# condition on other tools, this tool ordered against a sibling, data flowing to a sink, an
# outside address planted in a directive.
LISTING_CUES = frozenset(
    {
        "ref:foreign_named",
        "tref:foreign",
        "tref:generic",
        "pair:obligation_foreign",
        "pair:ordered_other",
        "flow:data_to_sink",
        "sink:side_channel",
        "address",
    }
)


@dataclass(frozen=True, slots=True)
class Assessment:
    """The model's view of one definition: its probability and what that permits.

    `flagged` is over the threshold; `corroborated` is flagged with the listing context
    agreeing, and only then may the vote block.
    """

    probability: float
    flagged: bool
    corroborated: bool


def assessment_for(observation: ToolsObservation, fields: Sequence[TextField]) -> Assessment | None:
    """The assessment of one definition's fields (or the instructions), once per observation."""
    table = _ASSESSMENTS.get(observation, lambda: _assess_all(observation))
    return table.get(id(fields), table.get(0))


def _assess_all(observation: ToolsObservation) -> dict[int, Assessment]:
    listing = reading_of(observation)
    table = {key: assess(reading) for key, reading in listing.by_fields.items()}
    if listing.instructions is not None:
        table[0] = assess(listing.instructions)
    return table


_ASSESSMENTS: IdentityCache[dict[int, Assessment]] = IdentityCache(size=8)


def assess(reading: DefinitionReading) -> Assessment:
    """The calibrated probability that the read definition is poisoned, and what it permits."""
    probability = MODEL.probability(reading.text, reading.features)
    flagged = probability >= MODEL.threshold
    return Assessment(probability, flagged, flagged and bool(reading.features & LISTING_CUES))
