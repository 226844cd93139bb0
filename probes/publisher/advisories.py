"""Known vulnerabilities in the software an endpoint says it is built from.

A hosted server's source cannot be scanned, but its registry entry names packages and its
`serverInfo` names itself; trustsvc's advisory database (OSV) is asked about each, through a
lookup it hands the collector. A package without a pinned version is not judged: unknown is
never "not vulnerable".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

SOURCE_REGISTRY = "registry"
SOURCE_SERVER_INFO = "serverInfo"
# serverInfo names no ecosystem; a name is looked up in both, and an ecosystem where the name
# has no advisories simply answers nothing.
SERVER_INFO_ECOSYSTEMS = ("npm", "PyPI")


@dataclass(frozen=True, slots=True, kw_only=True)
class PackageRef:
    """A package the endpoint is built from, as its registry entry or serverInfo names it."""

    ecosystem: str
    name: str
    version: str | None
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class KnownVulnerability:
    """One advisory (merged across databases) affecting a package version."""

    id: str
    ids: tuple[str, ...]
    summary: str | None
    severity_label: str | None
    severity_score: float | None
    fixed: tuple[str, ...]
    references: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AdvisoryCheck:
    """The lookup for one package; `vulnerabilities` None means it could not be answered."""

    package: PackageRef
    vulnerabilities: tuple[KnownVulnerability, ...] | None
    problem: str | None = None


class AdvisoryUnavailable(LookupError):
    """The lookup cannot answer: no advisory data, or a version its ecosystem cannot order."""


AdvisoryLookup = Callable[[str, str, str], Awaitable[tuple[KnownVulnerability, ...]]]
"""(ecosystem, name, version) -> vulnerabilities; raises AdvisoryUnavailable."""


async def check_packages(
    packages: tuple[PackageRef, ...], lookup: AdvisoryLookup
) -> tuple[AdvisoryCheck, ...]:
    """Ask the advisory database about each package with a version."""
    checks: list[AdvisoryCheck] = []
    for package in packages:
        if package.version is None:
            checks.append(
                AdvisoryCheck(package=package, vulnerabilities=None, problem="no version")
            )
            continue
        try:
            found = await lookup(package.ecosystem, package.name, package.version)
        except AdvisoryUnavailable as exc:
            checks.append(AdvisoryCheck(package=package, vulnerabilities=None, problem=str(exc)))
            continue
        checks.append(AdvisoryCheck(package=package, vulnerabilities=found))
    return tuple(checks)
