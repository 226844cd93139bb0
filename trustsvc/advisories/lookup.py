"""The publisher family's view of the advisory database: one package version in, matches out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from probes.publisher.advisories import AdvisoryLookup, AdvisoryUnavailable, KnownVulnerability
from trustsvc.advisories.match import UnknownVersion, match_package
from trustsvc.advisories.models import AdvisoryRow


def advisory_lookup(sessions: async_sessionmaker[AsyncSession]) -> AdvisoryLookup:
    """An AdvisoryLookup over this database; with no advisory imported it cannot answer."""

    async def lookup(ecosystem: str, name: str, version: str) -> tuple[KnownVulnerability, ...]:
        async with sessions() as session:
            if await session.scalar(select(AdvisoryRow.id).limit(1)) is None:
                raise AdvisoryUnavailable("no advisories are imported (trustsvc advisories import)")
            try:
                matches = await match_package(session, ecosystem, name, version)
            except UnknownVersion as exc:
                raise AdvisoryUnavailable(str(exc)) from exc
        return tuple(matches)

    return lookup
