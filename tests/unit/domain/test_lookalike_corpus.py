"""Recall and false alarms of the lexical lookalike check on tests/data/lookalikes/cases.tsv."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from probes.domain.lookalike import detect_lookalike
from probes.domain.trusted import default_trusted

CASES = Path(__file__).resolve().parents[2] / "data" / "lookalikes" / "cases.tsv"
MIN_RECALL = 0.95
MAX_FALSE_ALARMS = 0.10


class Case(NamedTuple):
    host: str
    lookalike: bool
    of: str | None
    origin: str


def load_cases() -> list[Case]:
    cases = []
    for line in CASES.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            host, expected, of, origin, _note = line.split("\t")
            cases.append(Case(host, expected == "lookalike", None if of == "-" else of, origin))
    return cases


def test_corpus_recall_and_false_alarms() -> None:
    trusted = default_trusted()
    bad = [case for case in load_cases() if case.lookalike]
    good = [case for case in load_cases() if not case.lookalike]
    hits = [c for c in bad if detect_lookalike(c.host, trusted).lookalike_of == c.of]
    alarms = [c for c in good if detect_lookalike(c.host, trusted).is_lookalike]
    recall, false_alarms = len(hits) / len(bad), len(alarms) / len(good)
    print(  # noqa: T201 - the figures the report quotes (pytest -s)
        f"recall {len(hits)}/{len(bad)} = {recall:.2f}; "
        f"false alarms {len(alarms)}/{len(good)} = {false_alarms:.2f}: "
        f"{sorted(c.host for c in alarms)}"
    )
    assert recall >= MIN_RECALL
    assert false_alarms <= MAX_FALSE_ALARMS


def test_corpus_has_every_origin() -> None:
    origins = {case.origin for case in load_cases()}
    assert origins == {"reported", "generated", "unrelated"}


def test_every_reported_impersonation_is_caught() -> None:
    trusted = default_trusted()
    for case in load_cases():
        if case.origin == "reported":
            assert detect_lookalike(case.host, trusted).lookalike_of == case.of, case.host
