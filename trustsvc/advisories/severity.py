"""One severity per advisory, from its strongest evidence: a scored CVSS vector, else the label.

Decisions:
- The newest CVSS version present wins (v4, then v3, then v2), whatever the scores: a newer
  vector is the database's latest assessment, not a second opinion to average.
- Vectors are re-scored with the `cvss` library rather than trusting a `score` number, because
  OSV's `severity[].score` holds the vector string, not a number. Unparseable vectors are
  skipped, so a broken v4 vector falls back to a valid v3 one.
- Labels use the CVSS v3 bands for every version (v2 had no "critical"; one scale reads better
  in reports than three).
- Without a usable vector, GHSA's `database_specific.severity` gives the label alone (score
  None); a word it does not define gives "unknown", so the database's rating is not lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cvss import CVSS2, CVSS3, CVSS4, CVSSError

LABELS = ("critical", "high", "medium", "low", "none", "unknown")
VECTOR_MAX = 512  # the longest valid v4 vector (all metrics) is under 300 characters
DATABASE_SOURCE = "database_specific"

_DATABASE_LABELS = {
    "CRITICAL": "critical",
    "HIGH": "high",
    "MODERATE": "medium",
    "MEDIUM": "medium",
    "LOW": "low",
}
_LABEL_MAX = 32


@dataclass(frozen=True)
class Severity:
    """A 0-10 base score when a vector gave one, its label, and where it came from."""

    score: float | None
    label: str
    source: str  # CVSS_V4, CVSS_V3, CVSS_V2 or database_specific
    vector: str | None


def label_for_score(score: float) -> str:
    """The CVSS v3 qualitative band of a base score."""
    if score <= 0:
        return "none"
    if score < 4:  # noqa: PLR2004 - the bands are the CVSS v3.1 specification's
        return "low"
    if score < 7:  # noqa: PLR2004
        return "medium"
    if score < 9:  # noqa: PLR2004
        return "high"
    return "critical"


def _score_v4(vector: str) -> float:
    return float(CVSS4(vector).base_score)


def _score_v3(vector: str) -> float:
    return float(CVSS3(vector).scores()[0])


def _score_v2(vector: str) -> float:
    return float(CVSS2(vector).scores()[0])


_SCORERS: tuple[tuple[str, Callable[[str], float]], ...] = (
    ("CVSS_V4", _score_v4),
    ("CVSS_V3", _score_v3),
    ("CVSS_V2", _score_v2),
)


def _vectors(record: Mapping[str, object]) -> list[tuple[str, str]]:
    entries = record.get("severity")
    if not isinstance(entries, list):
        return []
    vectors: list[tuple[str, str]] = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        kind, vector = entry.get("type"), entry.get("score")
        if isinstance(kind, str) and isinstance(vector, str) and len(vector) <= VECTOR_MAX:
            vectors.append((kind.strip().upper(), vector.strip()))
    return vectors


def _from_vectors(record: Mapping[str, object]) -> Severity | None:
    vectors = _vectors(record)
    for kind, scorer in _SCORERS:
        for vector_kind, vector in vectors:
            if vector_kind != kind:
                continue
            try:
                score = scorer(vector)
            except CVSSError:
                continue
            return Severity(score=score, label=label_for_score(score), source=kind, vector=vector)
    return None


def _from_database(record: Mapping[str, object]) -> Severity | None:
    database = record.get("database_specific")
    if not isinstance(database, Mapping):
        return None
    level = database.get("severity")
    if not isinstance(level, str) or not level.strip() or len(level) > _LABEL_MAX:
        return None
    label = _DATABASE_LABELS.get(level.strip().upper(), "unknown")
    return Severity(score=None, label=label, source=DATABASE_SOURCE, vector=None)


def severity_of(record: Mapping[str, object]) -> Severity | None:
    """The record's severity: its newest parseable CVSS vector, else its database label."""
    return _from_vectors(record) or _from_database(record)
