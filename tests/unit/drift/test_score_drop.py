"""The `score_dropped` rule's boundary cases, as plain data (drift/score_drop.py)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probes.model import Severity
from trustsvc.config.drift import ScoreDropSettings, load_score_drop_settings
from trustsvc.config.env import SettingsError
from trustsvc.drift.score_drop import (
    LADDER,
    SCORE_DROPPED,
    ScorePoint,
    displayed,
    score_drop,
    settle,
)
from trustsvc.scoring.policy import POLICY

FLOORS = POLICY.grade_floors
RULE = ScoreDropSettings(points=10, sustain=2, margin=3)


def grade_of(score: int) -> str:
    return next(letter for letter, floor in FLOORS if score >= floor)


def points(*scores: int | tuple[int, str], verdict: str = "allow") -> list[ScorePoint]:
    out = []
    for index, item in enumerate(scores):
        score, grade = item if isinstance(item, tuple) else (item, grade_of(item))
        out.append(
            ScorePoint(
                scan_id=f"s{index}",
                score=score,
                grade=grade,
                verdict="block" if grade == "F" else verdict,
            )
        )
    return out


def events(history: Sequence[ScorePoint], rule: ScoreDropSettings = RULE) -> list[str]:
    """The scans at which a drop is reported, replaying the history scan by scan."""
    fired = []
    for index in range(1, len(history)):
        change = score_drop(history[:index], history[index], rule, FLOORS)
        if change is not None:
            assert change.kind == SCORE_DROPPED
            fired.append(history[index].scan_id)
    return fired


def test_a_fall_of_a_grade_is_reported_once_after_two_scans() -> None:
    history = points(80, 60, 60, 60, 60)
    assert events(history) == ["s2"]
    change = score_drop(history[:2], history[2], RULE, FLOORS)
    assert change is not None
    assert change.before == {"scan_id": "s0", "score": 80, "grade": "B", "verdict": "allow"}
    assert change.after is not None
    assert change.severity is Severity.MEDIUM  # the new grade is C
    assert change.summary == "The score fell from 80 to 60 (grade B to C)."


def test_one_bad_scan_between_good_ones_is_not_a_drop() -> None:
    assert events(points(80, 60, 80, 60, 80)) == []


def test_sustain_one_reports_at_once() -> None:
    rule = ScoreDropSettings(points=10, sustain=1, margin=3)
    assert events(points(80, 60), rule) == ["s1"]


def test_hovering_under_a_floor_within_the_margin_is_not_a_drop() -> None:
    # B's floor is 70: 68 and 69 are C by the letter but inside the 3-point margin.
    assert events(points(72, 69, 68, 69, 71, 68)) == []


def test_exactly_the_margin_below_the_floor_counts() -> None:
    assert events(points(72, 67, 67)) == ["s2"]
    assert events(points(72, 68, 68)) == []


def test_a_fall_of_the_configured_points_inside_one_grade_counts() -> None:
    assert events(points(99, 89, 89)) == ["s2"]  # A held, 10 points
    assert events(points(99, 90, 90)) == []  # 9 points


def test_a_slow_decline_is_caught_once_its_sum_reaches_the_threshold() -> None:
    assert events(points(99, 96, 93, 90, 88, 86, 84)) == ["s5"]  # 88 and 86 both 10+ below


def test_a_gate_capping_the_grade_needs_no_margin() -> None:
    # A gate caps the grade at C while the score stays 86: no floor to hover at.
    history = points(86, (86, "C"), (86, "C"))
    assert events(history) == ["s2"]


def test_unmeasured_scans_are_neither_a_fall_nor_a_recovery() -> None:
    history = points(80, (30, "?"), 60, (20, "?"), 60)
    assert events(history) == ["s4"]


def test_after_a_recovery_settles_a_new_fall_is_reported_again() -> None:
    history = points(80, 60, 60, 80, 80, 60, 60)
    assert events(history) == ["s2", "s6"]


def test_crossing_into_block_is_critical() -> None:
    history = points(72, 30, 30)
    change = score_drop(history[:2], history[2], RULE, FLOORS)
    assert change is not None
    assert change.severity is Severity.CRITICAL
    assert "now block" in change.summary


def test_the_size_of_the_fall_raises_the_severity() -> None:
    history = points(100, 70, 70)  # B is low by grade, 30 points is high by size
    change = score_drop(history[:2], history[2], RULE, FLOORS)
    assert change is not None
    assert change.severity is Severity.HIGH


def test_settle_with_no_graded_scan_is_none() -> None:
    assert settle(points((10, "?")), RULE, FLOORS) is None


def test_bad_settings_are_one_line() -> None:
    with pytest.raises(SettingsError, match="TRUSTSVC_SCORE_DROP_POINTS"):
        load_score_drop_settings({"TRUSTSVC_SCORE_DROP_POINTS": "0.5"})
    assert load_score_drop_settings({"TRUSTSVC_SCORE_DROP_MARGIN": "0"}).margin == 0


@given(st.lists(st.integers(min_value=0, max_value=100), min_size=2, max_size=30))
@settings(deadline=None)
def test_a_drop_is_never_reported_on_consecutive_scans(scores: list[int]) -> None:
    history = points(*scores)
    fired = [int(s[1:]) for s in events(history)]
    assert all(b - a >= RULE.sustain for a, b in itertools.pairwise(fired))
    for index in fired:  # each reported fall is a lower grade or at least `points` lower
        change = score_drop(history[:index], history[index], RULE, FLOORS)
        assert change is not None
        assert isinstance(change.before, dict)
        before, after = change.before, history[index]
        assert isinstance(before["score"], int)
        assert isinstance(before["grade"], str)
        lower = LADDER.index(after.grade) > LADDER.index(before["grade"])
        assert lower or after.score <= before["score"] - RULE.points


def shown(*scores: int | tuple[int, str], verdict: str = "allow") -> list[tuple[int, str]]:
    """What a lookup shows after each scan of the history."""
    history = points(*scores, verdict=verdict)
    return [
        (level.score, level.grade)
        for level in (displayed(history[: i + 1], RULE, FLOORS) for i in range(len(history)))
    ]


def test_a_score_hovering_at_a_floor_shows_one_grade() -> None:
    # B's floor is 70: 69, 71, 68 and 72 are all within the 3-point margin of it.
    assert shown(72, 69, 71, 68, 72) == [(72, "B")] * 5


def test_the_display_moves_at_once_when_the_score_clears_the_margin() -> None:
    assert shown(72, 69, 67) == [(72, "B"), (72, "B"), (67, "C")]
    # Rising back: 71 is within the margin above B's floor, 73 clears it.
    assert shown(72, 67, 71, 73) == [(72, "B"), (67, "C"), (67, "C"), (73, "B")]


def test_a_move_of_the_configured_points_inside_a_grade_shows() -> None:
    assert shown(84, 79, 74) == [(84, "B"), (84, "B"), (74, "B")]


def test_a_gate_that_changes_the_grade_shows_at_once() -> None:
    assert shown(80, (80, "C")) == [(80, "B"), (80, "C")]


def test_a_block_or_an_ungraded_scan_is_never_shown_milder() -> None:
    # F is a block here; with no margin to cross it still shows at once, at any score.
    assert shown(72, (69, "F")) == [(72, "B"), (69, "F")]
    history = [*points(72), ScorePoint(scan_id="s1", score=71, grade="B", verdict="block")]
    assert displayed(history, RULE, FLOORS) == history[-1]
    unmeasured = [*points(72), ScorePoint(scan_id="s1", score=50, grade="?", verdict="warn")]
    assert displayed(unmeasured, RULE, FLOORS) == unmeasured[-1]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=40, max_value=100), min_size=1, max_size=12))
def test_the_shown_score_is_always_near_the_newest(scores: list[int]) -> None:
    """Hysteresis bounds the lag: the shown score is within `points` of the newest one."""
    history = points(*scores)
    level = displayed(history, RULE, FLOORS)
    assert abs(level.score - scores[-1]) < RULE.points
