"""Issue 18's goal on bench/data/lookalikes: recall >= 0.95, false alarms <= 0.5 %, per part.

The data are generated impersonations (bench/lookalike_data.py) and hand-written legitimate
hosts; bench/lookalikes.py prints the same figures per operation and against a baseline.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from probes.domain.lookalike import detect_lookalike
from probes.domain.trusted import default_trusted

DATA = Path(__file__).resolve().parents[3] / "bench" / "data" / "lookalikes"
MIN_RECALL = 0.95
MAX_FALSE_ALARMS = 0.005


def rows(name: str) -> list[list[str]]:
    text = (DATA / name).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize("part", ["dev", "heldout"])
def test_recall_and_false_alarms_meet_the_goal(part: str) -> None:
    trusted = default_trusted()
    bad = [host for host, _op, _of, split in rows("impersonations.tsv") if split == part]
    good = [host for host, _cat, split in rows("legitimate.tsv") if split == part]
    hits = sum(detect_lookalike(host, trusted).is_lookalike for host in bad)
    alarms = [host for host in good if detect_lookalike(host, trusted).is_lookalike]
    assert hits / len(bad) >= MIN_RECALL
    assert len(alarms) / len(good) <= MAX_FALSE_ALARMS, alarms


def test_the_legitimate_list_is_large_enough() -> None:
    assert len(rows("legitimate.tsv")) >= 400
