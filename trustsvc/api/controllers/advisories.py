"""Advisories imported from OSV data, by id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, get
from litestar.datastructures import State
from sqlalchemy import select

from trustsvc.advisories.models import AdvisoryPackageRow, AdvisoryRow
from trustsvc.api.errors import PROBLEM_RESPONSE, not_found
from trustsvc.api.params import PathKey
from trustsvc.api.state import services
from trustsvc.auth.principal import Scope


class AffectedDoc(msgspec.Struct, kw_only=True):
    """A package the advisory affects, with OSV's ranges and explicit versions."""

    ecosystem: str
    name: str
    ranges: list[dict[str, Any]]
    versions: list[str]


class AdvisoryDoc(msgspec.Struct, kw_only=True):
    """One OSV advisory as imported; `withdrawn` set means it matches nothing."""

    id: str
    aliases: list[str]
    summary: str | None
    details: str | None
    modified: datetime
    published: datetime | None
    withdrawn: datetime | None
    severity_label: str | None
    severity_score: float | None
    severity_source: str | None
    cvss_vector: str | None
    references: list[str]
    affected: list[AffectedDoc]


class AdvisoriesController(Controller):
    """Known vulnerabilities."""

    path = "/v1/advisories"
    tags = ["advisories"]  # noqa: RUF012 - Litestar reads a plain class attribute
    opt = {"scope": Scope.READ}  # noqa: RUF012 - Litestar reads a plain class attribute

    @get(
        "/{advisory_id:str}",
        operation_id="GetAdvisory",
        summary="One imported OSV advisory and the packages it affects",
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE},
    )
    async def get_advisory(self, state: State, advisory_id: PathKey) -> AdvisoryDoc:
        """By its OSV id (GHSA-..., PYSEC-...)."""
        async with services(state).sessions() as session:
            row = await session.get(AdvisoryRow, advisory_id)
            if row is None:
                raise not_found(f"advisory {advisory_id}")
            packages = await session.scalars(
                select(AdvisoryPackageRow)
                .where(AdvisoryPackageRow.advisory_id == advisory_id)
                .order_by(AdvisoryPackageRow.id)
            )
            affected = [
                AffectedDoc(
                    ecosystem=p.ecosystem, name=p.name, ranges=p.ranges, versions=p.versions
                )
                for p in packages
            ]
        return AdvisoryDoc(
            id=row.id,
            aliases=list(row.aliases),
            summary=row.summary,
            details=row.details,
            modified=row.modified,
            published=row.published,
            withdrawn=row.withdrawn,
            severity_label=row.severity_label,
            severity_score=row.severity_score,
            severity_source=row.severity_source,
            cvss_vector=row.cvss_vector,
            references=list(row.references),
            affected=affected,
        )
