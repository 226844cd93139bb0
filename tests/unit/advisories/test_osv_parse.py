"""parse_advisory: which OSV records are refused, and how the rest is bounded and normalised."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from trustsvc.advisories.osv import (
    DETAILS_MAX,
    MAX_NOTES,
    MAX_REFERENCES,
    AffectedPackage,
    OsvError,
    Range,
    normalise_ecosystem,
    normalise_name,
    parse_advisory,
)
from trustsvc.advisories.severity import Severity

DATA = Path(__file__).resolve().parents[2] / "data" / "osv"
UTC = dt.UTC


def load(name: str) -> Any:  # noqa: ANN401 - a JSON document is any shape
    return json.loads((DATA / name).read_text())


def minimal(**fields: object) -> dict[str, object]:
    record: dict[str, object] = {"id": "GHSA-aaaa-bbbb-cccc", "modified": "2025-01-01T00:00:00Z"}
    record.update(fields)
    return record


def pypi(name: str = "demo", **fields: object) -> dict[str, object]:
    return {"package": {"ecosystem": "PyPI", "name": name}, "versions": ["1.0"], **fields}


def test_pypi_record_with_two_windows() -> None:
    advisory = parse_advisory(load("pypi-two-windows.json"))
    assert advisory.id == "GHSA-2c8m-9q4f-7v3x"
    assert advisory.modified == dt.datetime(2025, 9, 14, 8, 31, 12, 500000, tzinfo=UTC)
    assert advisory.published == dt.datetime(2025, 3, 2, 17, 0, tzinfo=UTC)
    assert advisory.withdrawn is None
    assert advisory.aliases == ("CVE-2025-41001", "PYSEC-2025-77")
    assert advisory.summary == "Example MCP Server forwards bearer tokens to arbitrary tool URLs"
    assert advisory.details is not None
    assert advisory.details.startswith("The tool dispatcher")
    assert advisory.severity == Severity(
        score=9.8,
        label="critical",
        source="CVSS_V3",
        vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    )
    assert advisory.references == (
        "https://nvd.nist.gov/vuln/detail/CVE-2025-41001",
        "https://github.com/example/example-mcp-server/security/advisories/GHSA-2c8m-9q4f-7v3x",
        "https://pypi.org/project/example-mcp-server/",
    )
    assert advisory.affected == (
        AffectedPackage(
            ecosystem="PyPI",
            name="Example_MCP.Server",
            ranges=(
                Range(
                    type="ECOSYSTEM",
                    events=(
                        ("introduced", "0"),
                        ("fixed", "1.2.0"),
                        ("introduced", "2.0.0"),
                        ("fixed", "2.1.5"),
                    ),
                ),
            ),
            versions=(),
        ),
    )
    assert advisory.affected[0].key == ("PyPI", "example-mcp-server")
    assert advisory.notes == ("affected[1]: unsupported ecosystem 'Go', skipped",)


def test_npm_scoped_record() -> None:
    advisory = parse_advisory(load("npm-scoped.json"))
    # +01:00 is converted to UTC.
    assert advisory.modified == dt.datetime(2025, 11, 20, 9, 0, tzinfo=UTC)
    (package,) = advisory.affected
    assert package.ecosystem == "npm"
    assert package.name == "@Acme/MCP-Bridge"
    assert package.key == ("npm", "@acme/mcp-bridge")
    assert package.ranges == (
        Range(type="SEMVER", events=(("introduced", "1.0.0"), ("last_affected", "1.4.2"))),
    )
    assert advisory.severity is not None
    assert (advisory.severity.source, advisory.severity.score) == ("CVSS_V4", 9.3)
    assert advisory.notes == ()


def test_withdrawn_record_with_explicit_versions_and_lowercase_ecosystem() -> None:
    advisory = parse_advisory(load("pypi-versions.json"))
    assert advisory.withdrawn == dt.datetime(2025, 6, 1, tzinfo=UTC)
    assert advisory.summary is None
    (package,) = advisory.affected
    assert package.ecosystem == "PyPI"
    assert package.versions == ("0.9", "1.0", "1.1", "2.0.0rc1")
    assert [r.type for r in package.ranges] == ["GIT"]
    assert advisory.severity == Severity(
        score=None, label="medium", source="database_specific", vector=None
    )


def test_awkward_optional_fields_are_dropped_with_notes() -> None:
    advisory = parse_advisory(load("npm-limit.json"))
    assert advisory.modified == dt.datetime(2025, 12, 24, 23, 59, 59, 123456, tzinfo=UTC)
    assert advisory.published is None
    assert advisory.aliases == ()
    assert advisory.summary is None
    assert advisory.details is None
    assert advisory.references == ("https://example.com/weather-tools-advisory",)
    (package,) = advisory.affected
    assert package.key == ("npm", "mcp-weather-tools")
    assert [r.events for r in package.ranges] == [
        (("introduced", "0"), ("limit", "3.0.0")),
        (("introduced", "4.0.0-beta.1"), ("fixed", "4.0.2")),
        (("introduced", "not-a-version"), ("fixed", "9.0.0")),
    ]
    assert set(advisory.notes) == {
        "affected[0].ranges[3]: a malformed event was dropped",
        "affected[0].ranges[3]: no events, skipped",
        "affected[0].ranges[4]: no range type, skipped",
        "affected[1]: unsupported ecosystem 'crates.io', skipped",
        "affected[2]: no package object, skipped",
        "published: not an RFC 3339 date, ignored",
        "aliases: not a list, ignored",
        "summary: not a string, ignored",
        "references: 2 without an http(s) URL dropped",
    }
    # Broken v4 and v3 vectors fall back to the valid v2 one.
    assert advisory.severity == Severity(
        score=7.5, label="high", source="CVSS_V2", vector="AV:N/AC:L/Au:N/C:P/I:P/A:P"
    )


def test_record_without_affected_is_stored_and_matches_nothing() -> None:
    advisory = parse_advisory(load("no-affected.json"))
    assert advisory.affected == ()
    assert advisory.notes == ()
    assert advisory.severity is not None
    assert advisory.severity.label == "none"


@pytest.mark.parametrize("affected", [None, []])
def test_null_or_empty_affected_is_fine(affected: object) -> None:
    assert parse_advisory(minimal(affected=affected)).affected == ()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("not-an-object.json", "record is not an object"),
        ("missing-id.json", "missing or invalid id"),
        ("invalid-id.json", "missing or invalid id"),
        ("numeric-id.json", "missing or invalid id"),
        ("bad-modified.json", "missing or invalid modified date"),
        ("modified-without-zone.json", "missing or invalid modified date"),
        ("missing-modified.json", "missing or invalid modified date"),
        ("affected-not-a-list.json", "affected is not a list"),
        ("only-unknown-ecosystems.json", "no affected entry for a supported ecosystem"),
    ],
)
def test_malformed_records_are_refused(name: str, reason: str) -> None:
    with pytest.raises(OsvError) as caught:
        parse_advisory(load(f"malformed/{name}"))
    assert caught.value.reason == reason
    assert str(caught.value) == reason
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("document", [None, "GHSA-aaaa-bbbb-cccc", 3, [minimal()]])
def test_non_objects_are_refused(document: object) -> None:
    with pytest.raises(OsvError, match="not an object"):
        parse_advisory(document)


@pytest.mark.parametrize(
    ("ident", "valid"),
    [
        ("GHSA-aaaa-bbbb-cccc", True),
        ("PYSEC-2025-1", True),
        ("RUSTSEC-2025-0001", True),
        ("ALSA:2025.1_x", True),
        ("A" * 128, True),
        ("A" * 129, False),
        ("-GHSA", False),
        ("", False),
        ("GHSA aaaa", False),
        ("GHSA/../x", False),
        ("GHSA-\u0430", False),  # a Cyrillic letter
    ],
)
def test_id_pattern(ident: str, *, valid: bool) -> None:
    if valid:
        assert parse_advisory(minimal(id=ident)).id == ident
    else:
        with pytest.raises(OsvError, match="invalid id"):
            parse_advisory(minimal(id=ident))


@pytest.mark.parametrize(
    ("ecosystem", "expected"),
    [("PyPI", "PyPI"), ("pypi", "PyPI"), (" PYPI ", "PyPI"), ("npm", "npm"), ("NPM", "npm")],
)
def test_ecosystem_case_is_normalised(ecosystem: str, expected: str) -> None:
    assert normalise_ecosystem(ecosystem) == expected
    record = minimal(affected=[{"package": {"ecosystem": ecosystem, "name": "x"}}])
    assert parse_advisory(record).affected[0].ecosystem == expected


@pytest.mark.parametrize("ecosystem", ["Go", "crates.io", "Maven", "PyPI:3", "", "pip"])
def test_unsupported_ecosystems(ecosystem: str) -> None:
    assert normalise_ecosystem(ecosystem) is None


@pytest.mark.parametrize(
    ("ecosystem", "name", "expected"),
    [
        ("PyPI", "Example_MCP.Server", "example-mcp-server"),
        ("PyPI", "friendly-bard", "friendly-bard"),
        ("PyPI", "Friendly-Bard", "friendly-bard"),
        ("PyPI", "FRIENDLY-._-BARD", "friendly-bard"),
        ("PyPI", "zope.interface", "zope-interface"),
        ("pypi", " Django ", "django"),
        ("npm", "@Acme/MCP-Bridge", "@acme/mcp-bridge"),
        ("npm", "lodash.merge", "lodash.merge"),  # npm keeps dots and underscores
        ("npm", "JSONStream", "jsonstream"),
    ],
)
def test_normalise_name(ecosystem: str, name: str, expected: str) -> None:
    assert normalise_name(ecosystem, name) == expected


def test_normalise_name_refuses_unknown_ecosystems() -> None:
    with pytest.raises(ValueError, match="unsupported ecosystem"):
        normalise_name("Go", "example.com/x")


def test_details_are_truncated_and_cleaned() -> None:
    advisory = parse_advisory(minimal(details="a\x00b" + "x" * 5000, summary="  s\ud800  "))
    assert advisory.details is not None
    assert len(advisory.details) == DETAILS_MAX
    assert advisory.details.startswith("abxxx")
    assert advisory.details.endswith("\u2026")
    assert advisory.summary == "s"
    assert advisory.notes == (f"details: truncated to {DETAILS_MAX} characters",)


def test_references_are_deduplicated_and_capped() -> None:
    refs = [{"type": "WEB", "url": f"https://example.com/{i}"} for i in range(60)]
    refs += [{"type": "WEB", "url": "https://example.com/0"}, {"type": "WEB"}]
    advisory = parse_advisory(minimal(references=refs))
    assert len(advisory.references) == MAX_REFERENCES
    assert advisory.references[:2] == ("https://example.com/0", "https://example.com/1")
    assert "references: 1 without an http(s) URL dropped" in advisory.notes
    assert f"references: only the first {MAX_REFERENCES} kept" in advisory.notes


def test_aliases_keep_valid_ids_once() -> None:
    advisory = parse_advisory(minimal(aliases=["CVE-2025-1", "CVE-2025-1", 7, "bad id"]))
    assert advisory.aliases == ("CVE-2025-1",)
    assert advisory.notes.count("aliases: an invalid id was dropped") == 2


@pytest.mark.parametrize("withdrawn", ["soon", 20250101, "2025-02-30T00:00:00Z"])
def test_unparseable_withdrawn_is_noted_not_fatal(withdrawn: object) -> None:
    advisory = parse_advisory(minimal(withdrawn=withdrawn))
    assert advisory.withdrawn is None
    assert advisory.notes == ("withdrawn: not an RFC 3339 date, ignored",)


def test_bad_entries_are_skipped_when_a_good_one_remains() -> None:
    affected = [
        {"package": {"ecosystem": "PyPI", "name": ""}},
        {"package": {"ecosystem": "PyPI", "name": 5}},
        {"package": {"ecosystem": "npm", "name": "a\nb"}},
        {"package": {"ecosystem": 3, "name": "x"}},
        pypi("Good_Name"),
    ]
    advisory = parse_advisory(minimal(affected=affected))
    assert [p.key for p in advisory.affected] == [("PyPI", "good-name")]
    assert advisory.notes == (
        "affected[0]: missing or invalid package name, skipped",
        "affected[1]: missing or invalid package name, skipped",
        "affected[2]: missing or invalid package name, skipped",
        "affected[3]: unsupported ecosystem 3, skipped",
    )


def test_malformed_events_and_versions_are_dropped() -> None:
    entry = pypi(
        ranges=[
            {
                "type": "ecosystem",
                "events": [
                    {"introduced": "1.0"},
                    {"introduced": "1.1", "fixed": "1.2"},  # two kinds in one event
                    {"fixed": ""},
                    {"fixed": 2},
                    {"unknown": "3"},
                    "fixed",
                    {"fixed": " 2.0 "},
                ],
            },
            {"type": "SEMVER", "events": "introduced 0"},
            {"events": [{"introduced": "0"}]},
        ],
        versions=["1.0", None, "", " 1.1 "],
    )
    advisory = parse_advisory(minimal(affected=[entry]))
    (package,) = advisory.affected
    assert package.ranges == (
        Range(type="ECOSYSTEM", events=(("introduced", "1.0"), ("fixed", "2.0"))),
    )
    assert package.versions == ("1.0", "1.1")
    assert advisory.notes.count("affected[0].ranges[0]: a malformed event was dropped") == 5
    assert "affected[0].ranges[1].events: not a list, ignored" in advisory.notes
    assert "affected[0].ranges[2]: no range type, skipped" in advisory.notes
    assert "affected[0].versions: invalid entries dropped" in advisory.notes


def test_entry_without_ranges_or_versions_is_kept_and_noted() -> None:
    advisory = parse_advisory(minimal(affected=[{"package": {"ecosystem": "npm", "name": "x"}}]))
    assert advisory.affected == (AffectedPackage("npm", "x", (), ()),)
    assert advisory.notes == ("affected[0]: no usable ranges or versions, matches nothing",)


def test_notes_are_bounded() -> None:
    events = [{"fixed": n} for n in range(90)]
    entry = pypi(ranges=[{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, *events]}])
    advisory = parse_advisory(minimal(affected=[entry]))
    assert len(advisory.notes) == MAX_NOTES
    assert advisory.notes[-1] == "41 more notes left out"
