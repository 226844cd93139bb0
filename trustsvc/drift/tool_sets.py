"""Each endpoint's latest complete tool set by digest, and who else serves the same one.

Written in the scan's transaction beside its snapshot. Only a complete, non-empty listing
counts: an empty set would make every tool-less server a "copy" of every other, and a
truncated one is not the catalogue. A scan whose tools family did not complete leaves the
last known set in place; one that read an empty listing removes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from probes.model import Family
from probes.tools.fingerprint import set_fingerprint
from probes.tools.observation import ToolsObservation
from trustsvc.drift.models import ToolSetRow
from trustsvc.store.models import EndpointRow

MAX_TWINS = 50  # other endpoints named per duplicate catalogue


@dataclass(frozen=True, slots=True)
class StoredToolSet:
    """An endpoint's stored set and the other endpoints (URL, host) storing the same digest."""

    digest: str
    definitions: int
    taken_at: datetime
    twins: Sequence[tuple[str, str]]


async def record_tool_set(
    session: AsyncSession,
    *,
    endpoint_id: str,
    scan_id: str,
    observations: Mapping[Family, object],
    now: datetime,
) -> None:
    """Replace the endpoint's stored set with this scan's complete listing, if it read one."""
    tools = observations.get(Family.TOOLS)
    if not isinstance(tools, ToolsObservation) or tools.truncated or tools.parse_failures:
        return
    row = await session.get(ToolSetRow, endpoint_id)
    if not tools.definitions:
        if row is not None:
            await session.execute(delete(ToolSetRow).where(ToolSetRow.endpoint_id == endpoint_id))
        return
    digest = set_fingerprint(tools.definitions)
    if row is None:
        row = ToolSetRow(endpoint_id=endpoint_id)
        session.add(row)
    row.scan_id = scan_id
    row.set_digest = digest
    row.definitions = len(tools.definitions)
    row.taken_at = now


async def stored_tool_set(
    session: AsyncSession, url: str, *, limit: int = MAX_TWINS
) -> StoredToolSet | None:
    """The set stored for the endpoint at `url`, with up to `limit` others of its digest."""
    found = (
        await session.execute(
            select(ToolSetRow)
            .join(EndpointRow, EndpointRow.id == ToolSetRow.endpoint_id)
            .where(EndpointRow.url == url)
        )
    ).scalar_one_or_none()
    if found is None:
        return None
    twins = await session.execute(
        select(EndpointRow.url, EndpointRow.host)
        .join(ToolSetRow, ToolSetRow.endpoint_id == EndpointRow.id)
        .where(ToolSetRow.set_digest == found.set_digest, EndpointRow.id != found.endpoint_id)
        .order_by(EndpointRow.url)
        .limit(limit)
    )
    return StoredToolSet(
        digest=found.set_digest,
        definitions=found.definitions,
        taken_at=found.taken_at,
        twins=[(twin_url, host) for twin_url, host in twins],
    )
