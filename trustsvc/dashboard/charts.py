"""Charts drawn on the server as SVG geometry: no chart library, no script, no request.

Functions here only compute numbers (bar heights, polyline points); the templates write the
SVG elements, escaped like everything else. Colours come from the stylesheet by class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

WIDTH = 600
HEIGHT = 180
PAD = 28


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, count and rectangle."""

    label: str
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class BarChart:
    """A labelled bar chart in a WIDTH x HEIGHT view box."""

    bars: Sequence[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - PAD


def bar_chart(counts: Mapping[str, int], order: Sequence[str]) -> BarChart:
    """Bars for each label of `order` (then any others), scaled to the largest count."""
    labels = [*order, *(label for label in counts if label not in order)]
    peak = max((counts.get(label, 0) for label in labels), default=0) or 1
    slot = (WIDTH - 2 * PAD) / max(len(labels), 1)
    usable = HEIGHT - 2 * PAD
    bars = []
    for index, label in enumerate(labels):
        count = counts.get(label, 0)
        height = usable * count / peak
        bars.append(
            Bar(
                label=label,
                count=count,
                x=round(PAD + index * slot + slot * 0.15, 1),
                y=round(HEIGHT - PAD - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
            )
        )
    return BarChart(bars=bars)


@dataclass(frozen=True, slots=True)
class Point:
    """One scan on the history chart."""

    x: float
    y: float
    score: int
    grade: str
    at: datetime


@dataclass(frozen=True, slots=True)
class LineChart:
    """Scores (0 to 100) over time in a WIDTH x HEIGHT view box."""

    points: Sequence[Point]
    polyline: str
    width: int = WIDTH
    height: int = HEIGHT
    top: float = PAD
    bottom: float = HEIGHT - PAD


def score_line(history: Sequence[tuple[datetime, int, str]]) -> LineChart:
    """A line through (time, score) pairs, oldest left; one scan sits in the middle."""
    ordered = sorted(history, key=lambda item: item[0])
    if not ordered:
        return LineChart(points=[], polyline="")
    start, end = ordered[0][0], ordered[-1][0]
    span = (end - start).total_seconds()
    usable_w = WIDTH - 2 * PAD
    usable_h = HEIGHT - 2 * PAD
    points = []
    for at, score, grade in ordered:
        share = 0.5 if span <= 0 else (at - start).total_seconds() / span
        x = round(PAD + usable_w * share, 1)
        y = round(HEIGHT - PAD - usable_h * max(0, min(score, 100)) / 100, 1)
        points.append(Point(x=x, y=y, score=score, grade=grade, at=at))
    return LineChart(points=points, polyline=" ".join(f"{p.x},{p.y}" for p in points))
