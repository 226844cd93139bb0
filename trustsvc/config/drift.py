"""When a falling score becomes drift: the `score_dropped` rule's thresholds (TRUSTSVC_*)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from trustsvc.config.env import SettingsError, number


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreDropSettings:
    """How far and how long a score must fall before it is a `score_dropped` event.

    Attributes:
        points: a fall of at least this many points from the settled score is a drop even
            inside one grade.
        sustain: consecutive scans the fall must hold (the current one included) before it
            is reported; 1 reports at once. Also how long a rise must hold to settle higher.
        margin: a grade fall caused by the score crossing a grade floor counts only once the
            score is at least this many points below the floor, so a score hovering at 69-71
            does not flap between B and C in reports. A grade capped by a gate has no floor
            to hover at and needs no margin.
        history: how many earlier scored scans the rule reads to find the settled level.
    """

    points: int = 10
    sustain: int = 2
    margin: int = 3
    history: int = 30


def load_score_drop_settings(env: Mapping[str, str]) -> ScoreDropSettings:
    """Read TRUSTSVC_SCORE_DROP_{POINTS,SUSTAIN,MARGIN}; zero margin is allowed."""
    settings = ScoreDropSettings(
        points=int(number(env, "TRUSTSVC_SCORE_DROP_POINTS", 10)),
        sustain=int(number(env, "TRUSTSVC_SCORE_DROP_SUSTAIN", 2)),
        margin=int(number(env, "TRUSTSVC_SCORE_DROP_MARGIN", 3, allow_zero=True)),
    )
    if settings.points < 1 or settings.sustain < 1:
        raise SettingsError("TRUSTSVC_SCORE_DROP_POINTS and _SUSTAIN must be whole numbers >= 1")
    return settings
