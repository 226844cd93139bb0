"""affects(): OSV range evaluation in PEP 440 and SemVer order, and None when unsure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trustsvc.advisories.osv import AffectedPackage, Range, parse_advisory
from trustsvc.advisories.versions import affects, fixed_versions, parse_version

DATA = Path(__file__).resolve().parents[2] / "data" / "osv"

Events = tuple[tuple[str, str], ...]


def package(
    ecosystem: str,
    *events: tuple[str, str],
    kind: str = "ECOSYSTEM",
    versions: tuple[str, ...] = (),
) -> AffectedPackage:
    ranges = (Range(type=kind, events=events),) if events else ()
    return AffectedPackage(ecosystem=ecosystem, name="demo", ranges=ranges, versions=versions)


def from_file(name: str) -> AffectedPackage:
    advisory = parse_advisory(json.loads((DATA / name).read_text()))
    return advisory.affected[0]


@pytest.mark.parametrize(
    ("ecosystem", "text", "parses"),
    [
        ("PyPI", "1.0", True),
        ("PyPI", "1.0.0rc1", True),
        ("PyPI", "2.1.4+ubuntu1", True),
        ("PyPI", "v1.0", True),  # PEP 440 allows a leading v
        ("PyPI", " 1.0 ", True),
        ("PyPI", "not a version", False),
        ("PyPI", "", False),
        ("PyPI", "1" * 300, False),
        ("pypi", "1.0", True),
        ("npm", "1.2.3", True),
        ("npm", "v1.2.3", True),
        ("npm", "=1.2.3", True),
        ("npm", " 1.2.3 ", True),
        ("npm", "1.2.3-beta.1+build.5", True),
        ("NPM", "1.2.3", True),
        ("npm", "1.2", False),
        ("npm", "01.2.3", False),
        ("npm", "latest", False),
        ("npm", "^1.2.3", False),
        ("Go", "1.2.3", False),
    ],
)
def test_parse_version(ecosystem: str, text: str, *, parses: bool) -> None:
    assert (parse_version(ecosystem, text) is not None) is parses


@pytest.mark.parametrize(
    ("ecosystem", "lower", "higher"),
    [
        ("PyPI", "2.0.0rc1", "2.0.0"),
        ("PyPI", "2.0.0a1", "2.0.0b1"),
        ("PyPI", "2.0.0.dev1", "2.0.0a1"),
        ("PyPI", "2.0.0", "2.0.0.post1"),
        ("PyPI", "1.9", "1.10"),
        ("npm", "2.0.0-beta.1", "2.0.0"),
        ("npm", "2.0.0-alpha", "2.0.0-beta"),
        ("npm", "1.0.0-rc.2", "1.0.0-rc.10"),
        ("npm", "1.9.0", "1.10.0"),
    ],
)
def test_ecosystem_ordering(ecosystem: str, lower: str, higher: str) -> None:
    low, high = parse_version(ecosystem, lower), parse_version(ecosystem, higher)
    assert low is not None
    assert high is not None
    assert low < high


@pytest.mark.parametrize(
    ("ecosystem", "left", "right"),
    [("PyPI", "1.0", "1.0.0"), ("PyPI", "1.0", "1.0.0.0"), ("npm", "1.0.0+a", "1.0.0")],
)
def test_ecosystem_equality(ecosystem: str, left: str, right: str) -> None:
    assert parse_version(ecosystem, left) == parse_version(ecosystem, right)


TWO_WINDOWS: Events = (
    ("introduced", "0"),
    ("fixed", "1.2.0"),
    ("introduced", "2.0.0"),
    ("fixed", "2.1.5"),
)


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0", True),
        ("0.0.1", True),
        ("1.1.9", True),
        ("1.2.0rc1", True),  # PEP 440: a pre-release of the fix is still before it
        ("1.2", False),  # == 1.2.0
        ("1.2.0", False),
        ("1.2.1", False),
        ("1.9.9", False),
        ("2.0.0rc1", False),  # before the second window opens
        ("2.0", True),
        ("2.0.0", True),
        ("2.1.4", True),
        ("2.1.4+ubuntu1", True),
        ("2.1.5", False),
        ("2.1.5.post1", False),
        ("3.0", False),
    ],
)
def test_pypi_two_windows(version: str, *, expected: bool) -> None:
    assert affects(package("PyPI", *TWO_WINDOWS), version) is expected


def test_events_need_not_be_in_order() -> None:
    shuffled = (TWO_WINDOWS[3], TWO_WINDOWS[2], TWO_WINDOWS[1], TWO_WINDOWS[0])
    affected = package("PyPI", *shuffled)
    assert [affects(affected, v) for v in ("1.0", "1.5", "2.1", "2.2")] == [
        True,
        False,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.9.9", False),
        ("1.0.0-beta.1", False),  # SemVer: a pre-release of the introduced version is older
        ("1.0.0", True),
        ("1.3.0", True),
        ("1.4.2-rc.1", True),
        ("1.4.2", True),  # last_affected is inclusive
        ("1.4.3-alpha", False),
        ("1.4.3", False),
        ("2.0.0", False),
    ],
)
def test_npm_last_affected(version: str, *, expected: bool) -> None:
    affected = package("npm", ("introduced", "1.0.0"), ("last_affected", "1.4.2"), kind="SEMVER")
    assert affects(affected, version) is expected


@pytest.mark.parametrize(
    ("events", "version", "expected"),
    [
        # limit is exclusive and ends the range
        ((("introduced", "0"), ("limit", "3.0.0")), "2.9.9", True),
        ((("introduced", "0"), ("limit", "3.0.0")), "3.0.0-rc.1", True),
        ((("introduced", "0"), ("limit", "3.0.0")), "3.0.0", False),
        ((("introduced", "0"), ("limit", "3.0.0")), "5.0.0", False),
        ((("introduced", "0"), ("limit", "*")), "99.0.0", True),
        ((("introduced", "1.0.0"), ("fixed", "2.0.0"), ("limit", "1.5.0")), "1.4.9", True),
        ((("introduced", "1.0.0"), ("fixed", "2.0.0"), ("limit", "1.5.0")), "1.5.0", False),
        # any one limit above the version is enough
        ((("introduced", "0"), ("limit", "1.0.0"), ("limit", "3.0.0")), "2.0.0", True),
        # introduced alone: affected from there on
        ((("introduced", "1.0.0"),), "0.9.0", False),
        ((("introduced", "1.0.0"),), "1.0.0", True),
        ((("introduced", "1.0.0"),), "9.9.9", True),
        # a fix without an introduced opens nothing
        ((("fixed", "2.0.0"),), "1.0.0", False),
        # exactly one version: introduced X, last_affected X, in either order
        ((("introduced", "1.0.0"), ("last_affected", "1.0.0")), "1.0.0", True),
        ((("last_affected", "1.0.0"), ("introduced", "1.0.0")), "1.0.0", True),
        ((("last_affected", "1.0.0"), ("introduced", "1.0.0")), "1.0.1", False),
        ((("last_affected", "1.0.0"), ("introduced", "1.0.0")), "0.9.0", False),
        # introduced X, fixed X: nothing
        ((("introduced", "1.0.0"), ("fixed", "1.0.0")), "1.0.0", False),
        # unparseable event versions are skipped
        ((("introduced", "not-a-version"), ("fixed", "9.0.0")), "1.0.0", False),
        ((("introduced", "1.0.0"), ("fixed", "garbage")), "5.0.0", True),
        ((("introduced", "0"), ("limit", "garbage")), "5.0.0", True),
        # npm event versions get the same cleaning as the queried version
        ((("introduced", "v1.0.0"), ("fixed", "=1.2.0")), "1.1.0", True),
    ],
)
def test_npm_semver_ranges(events: Events, version: str, *, expected: bool) -> None:
    assert affects(package("npm", *events, kind="SEMVER"), version) is expected


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.9", True),
        ("1.0", True),
        ("1.0.0", True),  # PEP 440: 1.0 == 1.0.0
        ("1.0.0.0", True),
        ("1.1.0", True),
        ("1.2", False),
        ("2.0.0rc1", True),
        ("2.0rc1", True),
        ("2.0.0", False),  # the GIT range is ignored
        ("5.0", False),
    ],
)
def test_explicit_pypi_versions(version: str, *, expected: bool) -> None:
    assert affects(from_file("pypi-versions.json"), version) is expected


@pytest.mark.parametrize(
    ("version", "expected"),
    [("1.2.3", True), ("v1.2.3", True), ("1.2.3+build", True), ("1.2.4", False)],
)
def test_explicit_npm_versions(version: str, *, expected: bool) -> None:
    assert affects(package("npm", versions=("1.2.3", "junk")), version) is expected


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("2.9.9", True),  # first range: introduced 0, limit 3.0.0
        ("3.5.0", False),
        ("4.0.0-alpha", False),
        ("4.0.0-beta.1", True),  # second range
        ("4.0.1", True),
        ("4.0.2", False),
        ("8.0.0", False),  # third range's introduced does not parse
    ],
)
def test_several_ranges_from_a_record(version: str, *, expected: bool) -> None:
    assert affects(from_file("npm-limit.json"), version) is expected


def test_record_files_evaluate() -> None:
    two_windows = from_file("pypi-two-windows.json")
    assert [affects(two_windows, v) for v in ("1.1", "1.2.0", "2.1.0", "2.1.5")] == [
        True,
        False,
        True,
        False,
    ]
    scoped = from_file("npm-scoped.json")
    assert [affects(scoped, v) for v in ("0.9.0", "1.0.0", "1.4.2", "1.4.3")] == [
        False,
        True,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("affected", "version"),
    [
        (package("PyPI", *TWO_WINDOWS), "not a version"),
        (package("PyPI", *TWO_WINDOWS), ""),
        (package("npm", ("introduced", "0"), kind="SEMVER"), "1.2"),
        (package("npm", ("introduced", "0"), kind="SEMVER"), "latest"),
        (package("npm", versions=("1.2",)), "1.2"),  # not SemVer, even if listed
        (package("Go", ("introduced", "0")), "1.0.0"),
    ],
)
def test_unparseable_versions_give_none(affected: AffectedPackage, version: str) -> None:
    assert affects(affected, version) is None


def test_semver_range_on_pypi_package() -> None:
    affected = package("PyPI", ("introduced", "1.0.0"), ("fixed", "2.0.0"), kind="SEMVER")
    assert affects(affected, "1.5.0") is True
    assert affects(affected, "2.0.0") is False
    # "1.5" is PEP 440 but not SemVer: the range cannot be evaluated, so no "not affected".
    assert affects(affected, "1.5") is None
    # an explicit version still matches in PEP 440 order
    listed = AffectedPackage("PyPI", "demo", affected.ranges, versions=("1.5",))
    assert affects(listed, "1.5.0") is True


def test_git_and_unknown_ranges_are_ignored() -> None:
    git = package("PyPI", ("introduced", "0"), kind="GIT")
    other = package("PyPI", ("introduced", "0"), kind="CALENDAR")
    assert affects(git, "1.0") is False
    assert affects(other, "1.0") is False


def test_no_ranges_or_versions_affects_nothing() -> None:
    assert affects(package("npm"), "1.0.0") is False


def test_fixed_versions() -> None:
    assert fixed_versions(package("PyPI", *TWO_WINDOWS)) == ("1.2.0", "2.1.5")
    assert fixed_versions(from_file("npm-scoped.json")) == ()
    assert fixed_versions(from_file("pypi-versions.json")) == ()  # GIT commits are not versions
    twice = AffectedPackage(
        "npm",
        "demo",
        (
            Range("SEMVER", (("introduced", "0"), ("fixed", "1.0.1"))),
            Range("SEMVER", (("introduced", "0"), ("fixed", "1.0.1"), ("fixed", "2.0.0"))),
        ),
        (),
    )
    assert fixed_versions(twice) == ("1.0.1", "2.0.0")
