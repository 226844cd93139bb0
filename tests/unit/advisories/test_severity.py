"""severity_of: the newest parseable CVSS vector, scored, else the database's own label."""

from __future__ import annotations

import pytest

from trustsvc.advisories.severity import LABELS, Severity, label_for_score, severity_of

V3_CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
V4_CRITICAL = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
V4_LOW = "CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"
V2_HIGH = "AV:N/AC:L/Au:N/C:P/I:P/A:P"


def record(*vectors: tuple[str, object], database: object = None) -> dict[str, object]:
    document: dict[str, object] = {
        "severity": [{"type": kind, "score": score} for kind, score in vectors]
    }
    if database is not None:
        document["database_specific"] = {"severity": database}
    return document


@pytest.mark.parametrize(
    ("kind", "vector", "score", "label"),
    [
        ("CVSS_V3", V3_CRITICAL, 9.8, "critical"),
        ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5, "high"),
        ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, "medium"),
        ("CVSS_V3", "CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:N", 4.6, "medium"),
        ("CVSS_V3", "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.8, "low"),
        ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, "none"),
        ("CVSS_V4", V4_CRITICAL, 9.3, "critical"),
        (
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N",
            5.3,
            "medium",
        ),
        ("CVSS_V4", V4_LOW, 1.0, "low"),
        ("CVSS_V2", V2_HIGH, 7.5, "high"),
        ("CVSS_V2", "AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, "critical"),  # v3 bands for v2 too
        ("CVSS_V2", "AV:L/AC:H/Au:S/C:P/I:N/A:N", 1.0, "low"),
        ("cvss_v3", f"  {V3_CRITICAL} ", 9.8, "critical"),  # lenient about case and spaces
    ],
)
def test_known_vectors(kind: str, vector: str, score: float, label: str) -> None:
    assert severity_of(record((kind, vector))) == Severity(
        score=score, label=label, source=kind.upper(), vector=vector.strip()
    )


def test_v4_wins_over_v3_even_when_lower() -> None:
    severity = severity_of(record(("CVSS_V3", V3_CRITICAL), ("CVSS_V4", V4_LOW)))
    assert severity is not None
    assert (severity.source, severity.score, severity.label) == ("CVSS_V4", 1.0, "low")


def test_v3_wins_over_v2_and_database() -> None:
    severity = severity_of(record(("CVSS_V2", V2_HIGH), ("CVSS_V3", V3_CRITICAL), database="LOW"))
    assert severity is not None
    assert (severity.source, severity.score) == ("CVSS_V3", 9.8)


def test_unparseable_vectors_are_skipped() -> None:
    severity = severity_of(
        record(
            ("CVSS_V4", "CVSS:4.0/AV:N/AC:L"),
            ("CVSS_V4", V3_CRITICAL),  # a v3 vector under the v4 type
            ("CVSS_V3", "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            ("CVSS_V3", V2_HIGH),
            ("CVSS_V2", V2_HIGH),
        )
    )
    assert severity == Severity(score=7.5, label="high", source="CVSS_V2", vector=V2_HIGH)


@pytest.mark.parametrize(
    ("database", "label"),
    [
        ("CRITICAL", "critical"),
        ("HIGH", "high"),
        ("MODERATE", "medium"),
        ("MEDIUM", "medium"),
        ("moderate", "medium"),
        ("LOW", "low"),
        ("SEVERE", "unknown"),
    ],
)
def test_database_label_without_vectors(database: str, label: str) -> None:
    expected = Severity(score=None, label=label, source="database_specific", vector=None)
    assert severity_of(record(database=database)) == expected
    assert severity_of(record(("CVSS_V3", "garbage"), database=database)) == expected


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"severity": None},
        {"severity": "CVSS:3.1/AV:N"},
        {"severity": ["CVSS_V3"]},
        {"severity": [{"type": "CVSS_V3", "score": 9.8}]},
        {"severity": [{"type": "CVSS_V3", "score": "x" * 600}]},
        {"severity": [{"type": "Ubuntu", "score": "high"}]},
        {"database_specific": "HIGH"},
        {"database_specific": {"severity": 3}},
        {"database_specific": {"severity": "  "}},
        {"database_specific": {"severity": "H" * 40}},
    ],
)
def test_no_severity(document: dict[str, object]) -> None:
    assert severity_of(document) is None


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (0.0, "none"),
        (0.1, "low"),
        (3.9, "low"),
        (4.0, "medium"),
        (6.9, "medium"),
        (7.0, "high"),
        (8.9, "high"),
        (9.0, "critical"),
        (10.0, "critical"),
    ],
)
def test_cvss_v3_bands(score: float, label: str) -> None:
    assert label_for_score(score) == label
    assert label in LABELS
