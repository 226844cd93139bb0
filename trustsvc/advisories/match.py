"""Which stored advisories affect one package version, one vulnerability reported once.

Different databases publish the same vulnerability under their own ids (GHSA-..., PYSEC-...)
and list each other (and the CVE) as aliases; matches sharing an id or alias are merged so
a report names each vulnerability once, under the id with the most severity information.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from probes.publisher.advisories import KnownVulnerability
from trustsvc.advisories.models import AdvisoryPackageRow, AdvisoryRow
from trustsvc.advisories.osv import AffectedPackage, Range, normalise_ecosystem, normalise_name
from trustsvc.advisories.versions import affects, fixed_versions, parse_version

# The probes' own type: the publisher family judges these directly.
AdvisoryMatch = KnownVulnerability


class UnknownVersion(ValueError):
    """The version cannot be ordered in its ecosystem: no answer, not "not vulnerable"."""


async def match_package(
    session: AsyncSession, ecosystem: str, name: str, version: str
) -> list[AdvisoryMatch]:
    """Advisories (not withdrawn) affecting `name` at `version`, merged by alias.

    Raises:
        UnknownVersion: the ecosystem is unsupported or the version does not parse in it.
    """
    canonical = normalise_ecosystem(ecosystem)
    if canonical is None or parse_version(canonical, version) is None:
        raise UnknownVersion(f"{ecosystem} version {version!r} cannot be compared")
    rows = await session.execute(
        select(AdvisoryPackageRow, AdvisoryRow)
        .join(AdvisoryRow, AdvisoryRow.id == AdvisoryPackageRow.advisory_id)
        .where(
            AdvisoryPackageRow.ecosystem == canonical,
            AdvisoryPackageRow.name == normalise_name(canonical, name),
            AdvisoryRow.withdrawn.is_(None),
        )
    )
    hits: list[tuple[AdvisoryRow, AffectedPackage]] = []
    for package_row, advisory in rows:
        package = _package(package_row)
        if affects(package, version):
            hits.append((advisory, package))
    return _merged(hits)


def _package(row: AdvisoryPackageRow) -> AffectedPackage:
    ranges = tuple(
        Range(type=str(r["type"]), events=tuple((str(k), str(v)) for k, v in r["events"]))
        for r in row.ranges
    )
    return AffectedPackage(
        ecosystem=row.ecosystem, name=row.name, ranges=ranges, versions=tuple(row.versions)
    )


def _merged(hits: list[tuple[AdvisoryRow, AffectedPackage]]) -> list[AdvisoryMatch]:
    groups: list[tuple[set[str], list[tuple[AdvisoryRow, AffectedPackage]]]] = []
    for advisory, package in hits:
        names = {advisory.id, *advisory.aliases}
        joined = [g for g in groups if g[0] & names]
        merged_names, members = set(names), [(advisory, package)]
        for group in joined:
            merged_names |= group[0]
            members += group[1]
            groups.remove(group)
        groups.append((merged_names, members))
    matches = [_match(names, members) for names, members in groups]
    return sorted(matches, key=lambda m: (-(m.severity_score or 0.0), m.id))


def _version_order(ecosystem: str, version: str) -> tuple[int, object]:
    """Version order ("2.0.0" before "10.0.0"); unparseable versions last, as text."""
    parsed = parse_version(ecosystem, version)
    return (0, parsed) if parsed is not None else (1, version)


def _match(names: set[str], members: list[tuple[AdvisoryRow, AffectedPackage]]) -> AdvisoryMatch:
    best = max(
        members,
        key=lambda m: (m[0].severity_score is not None, m[0].severity_label is not None, m[0].id),
    )[0]
    ecosystem = members[0][1].ecosystem
    fixed = sorted(
        {v for _, package in members for v in fixed_versions(package)},
        key=lambda v: _version_order(ecosystem, v),
    )
    references = sorted({url for advisory, _ in members for url in advisory.references})[:20]
    return AdvisoryMatch(
        id=best.id,
        ids=tuple(sorted(names)),
        summary=best.summary,
        severity_label=best.severity_label,
        severity_score=best.severity_score,
        fixed=tuple(fixed),
        references=tuple(references),
    )
