"""`score_dropped`: a falling score as drift, with hysteresis so a hovering score cannot flap.

Scoring stays pure and knows nothing of history; this module compares an endpoint's scored
scans, oldest first, as plain data. It folds them into a *settled level*: the score and grade
the endpoint is taken to stand at. A scan moves the level only when it differs enough from
it (a grade lower or higher, or a score at least `points` away) for `sustain` consecutive
scans; a grade change caused by the score crossing a grade floor counts only `margin`
points past that floor. Small moves never shift the level, so a slow decline is still caught
once its sum reaches `points`. A fall that settles at the current scan is one event; the
next scans compare with the new level, so the same fall is never reported twice.

Scans graded "?" (too little was measured) are skipped: an unmeasured scan is neither a
fall nor a recovery. Only scores under one policy version are comparable; the caller passes
those. The event is derived from the score, so the stability dimension does not count it
(`DERIVED_KINDS`): a drop must not lower the next score and feed on itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from probes.model import Severity
from trustsvc.config.drift import ScoreDropSettings
from trustsvc.drift.types import DriftChange, Json, Surface, canonical_digest

SCORE_DROPPED = "score_dropped"
SCORE_SUBJECT = "score:overall"
DERIVED_KINDS = frozenset({SCORE_DROPPED})
LADDER = ("A+", "A", "A-", "B", "C", "D", "F")
_BY_GRADE = {"F": Severity.CRITICAL, "D": Severity.HIGH, "C": Severity.MEDIUM}

Floors = Sequence[tuple[str, float]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScorePoint:
    """One scored scan: what the rule compares."""

    scan_id: str
    score: int
    grade: str
    verdict: str

    def doc(self) -> dict[str, Json]:
        """The event's before/after value."""
        return {
            "scan_id": self.scan_id,
            "score": self.score,
            "grade": self.grade,
            "verdict": self.verdict,
        }


@dataclass(frozen=True, slots=True)
class Settled:
    """Where an endpoint stands after folding its history, and how it got there.

    `previous` is the level before the last move and `moved_at` the scan that moved it
    (None while the first known scan still stands).
    """

    level: ScorePoint
    previous: ScorePoint | None = None
    moved_at: str | None = None
    fell: bool = False


def band(grade: str) -> str:
    """The letter whose floor a grade shares: A+ and A- are A."""
    return "A" if grade in ("A+", "A-") else grade


def floor_of(grade: str, floors: Floors) -> float:
    """The lowest score of a grade's band under the policy."""
    return dict(floors).get(band(grade), 0.0)


def direction(level: ScorePoint, point: ScorePoint, rule: ScoreDropSettings, floors: Floors) -> int:
    """-1 when `point` is far enough below `level`, +1 far enough above, else 0."""
    if point.score <= level.score - rule.points:
        return -1
    if point.score >= level.score + rule.points:
        return 1
    old, new = LADDER.index(level.grade), LADDER.index(point.grade)
    if new > old:  # a lower grade: past the margin when the score crossed the floor
        floor = floor_of(level.grade, floors)
        return -1 if point.score >= floor or point.score <= floor - rule.margin else 0
    if new < old:  # a higher grade: the same margin above the new grade's floor
        floor = floor_of(point.grade, floors)
        return 1 if level.score >= floor or point.score >= floor + rule.margin else 0
    return 0


def settle(points: Sequence[ScorePoint], rule: ScoreDropSettings, floors: Floors) -> Settled | None:
    """Fold scored scans (oldest first) into the settled level; None when none was graded."""
    known = [p for p in points if p.grade in LADDER]
    if not known:
        return None
    state = Settled(level=known[0])
    run: list[ScorePoint] = []
    heading = 0
    for point in known[1:]:
        way = direction(state.level, point, rule, floors)
        if way == 0:
            run, heading = [], 0
            continue
        run = [*run, point] if way == heading else [point]
        heading = way
        if len(run) >= rule.sustain:
            state = Settled(level=point, previous=state.level, moved_at=point.scan_id, fell=way < 0)
            run, heading = [], 0
    return state


def displayed(points: Sequence[ScorePoint], rule: ScoreDropSettings, floors: Floors) -> ScorePoint:
    """The score and grade to show for the newest of `points` (oldest first): display hysteresis.

    A lookup or a dashboard that shows each scan's grade as it comes makes a score hovering
    at 69-71 flap between B and C. The shown level moves at once (no `sustain`: a display
    must not lag a real change) but only when `direction` says the move is real: the score
    moved `points`, crossed a grade floor by `margin`, or a gate changed the grade. The
    newest scan's own figures win outright when it was blocked or not graded, so hysteresis
    never shows a block or an unmeasured scan as anything milder.
    """
    newest = points[-1]
    if newest.verdict == "block" or newest.grade not in LADDER:
        return newest
    state = settle(points, replace(rule, sustain=1), floors)
    return newest if state is None else state.level


def score_drop(
    history: Sequence[ScorePoint],
    current: ScorePoint,
    rule: ScoreDropSettings,
    floors: Floors,
) -> DriftChange | None:
    """The `score_dropped` change when the fall settles at `current`, else None."""
    state = settle([*history, current], rule, floors)
    if state is None or not state.fell or state.moved_at != current.scan_id:
        return None
    before = state.previous
    if before is None:  # pragma: no cover - a move always has a previous level
        return None
    return DriftChange(
        surface=Surface.SCORE,
        kind=SCORE_DROPPED,
        subject=SCORE_SUBJECT,
        severity=drop_severity(before, current, rule),
        summary=drop_summary(before, current),
        before=before.doc(),
        after=current.doc(),
        before_digest=canonical_digest(before.doc()),
        after_digest=canonical_digest(current.doc()),
    )


def drop_severity(before: ScorePoint, after: ScorePoint, rule: ScoreDropSettings) -> Severity:
    """Crossing into block is critical; else the worse of the new grade's and the fall's size."""
    if after.verdict == "block" and before.verdict != "block":
        return Severity.CRITICAL
    by_grade = _BY_GRADE.get(band(after.grade), Severity.LOW)
    fall = before.score - after.score
    by_size = (
        Severity.HIGH
        if fall >= 3 * rule.points
        else Severity.MEDIUM
        if fall >= 2 * rule.points
        else Severity.LOW
    )
    return min(by_grade, by_size, key=lambda s: s.rank)


def drop_summary(before: ScorePoint, after: ScorePoint) -> str:
    """One sentence: from what to what."""
    grade = (
        f"grade {before.grade} to {after.grade}"
        if before.grade != after.grade
        else f"grade {after.grade} held"
    )
    verdict = f", now {after.verdict}" if after.verdict != before.verdict else ""
    return f"The score fell from {before.score} to {after.score} ({grade}{verdict})."
