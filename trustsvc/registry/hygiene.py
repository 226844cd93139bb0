"""Registry-wide hygiene facts for the publisher family, read with bounded, indexed queries.

How many servers one domain's proof grants (`publishers.domain`, indexed), what the latest
stored scans say about a sample of their remotes (the latest completed scan per endpoint,
`ix_scans_endpoint_latest`, then its findings by scan id), and which other endpoints store
the same tool-set digest (`endpoint_tool_sets.set_digest`, indexed). Every list is capped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from probes.model import Outcome
from probes.publisher.hygiene import (
    CatalogueTwin,
    DomainFarm,
    HygieneFacts,
    ToolSetFact,
    proof_domain,
)
from probes.publisher.registry_hygiene_probes import HYGIENE_FLAGS, SERVES_HTML, SPEAKS_MCP
from probes.tools.hygiene_probes import LISTING_IS_INCOMPLETE
from probes.tools.judging import MCP_GENERATION
from trustsvc.drift.tool_sets import stored_tool_set
from trustsvc.registry.models import PublisherRow, RemoteRow, ServerVersionRow
from trustsvc.store.models import EndpointRow, FindingRow, ScanRow
from trustsvc.store.repositories import SCAN_COMPLETED

FARM_SAMPLE = 200  # remotes of one domain whose stored scans are read
MAX_FARM_DOMAINS = 5  # proof domains of one endpoint's claimants looked at
ANSWER_PROBES = (SERVES_HTML.id, LISTING_IS_INCOMPLETE.id)
__all__ = ["HYGIENE_FLAGS", "hygiene_facts", "raised_flags", "speaks_mcp", "tool_set_fact"]
FLAG_OF_PROBE = {probe_id: flag for flag, probe_id in HYGIENE_FLAGS.items()}


async def hygiene_facts(
    session: AsyncSession, url: str, namespaces: Iterable[str], *, farm_threshold: int
) -> HygieneFacts:
    """The farms of the claimant namespaces' domains and the endpoint's catalogue twins."""
    domains = sorted({d for n in namespaces if (d := proof_domain(n)) is not None})
    farms = [
        await domain_farm(session, domain, threshold=farm_threshold)
        for domain in domains[:MAX_FARM_DOMAINS]
    ]
    return HygieneFacts(farms=tuple(farms), tool_set=await tool_set_fact(session, url))


async def domain_farm(session: AsyncSession, domain: str, *, threshold: int) -> DomainFarm:
    """Servers under `domain`'s proof; above the threshold, a sample of their remotes' answers."""
    namespaces = select(PublisherRow.namespace).where(PublisherRow.domain == domain)
    latest = (
        ServerVersionRow.namespace.in_(namespaces),
        ServerVersionRow.is_latest.is_(True),
    )
    servers = int(
        await session.scalar(select(func.count(distinct(ServerVersionRow.name))).where(*latest))
        or 0
    )
    farm = DomainFarm(
        domain=domain,
        servers=servers,
        threshold=threshold,
        remotes=0,
        speaking=0,
        not_speaking=0,
        sample_limit=FARM_SAMPLE,
    )
    if servers <= threshold:
        return farm
    urls = [
        u
        for u in await session.scalars(
            select(RemoteRow.canonical_url)
            .join(ServerVersionRow, ServerVersionRow.id == RemoteRow.server_id)
            .where(*latest, RemoteRow.canonical_url.is_not(None))
            .distinct()
            .order_by(RemoteRow.canonical_url)
            .limit(FARM_SAMPLE)
        )
        if u is not None
    ]
    answers = list((await speaks_mcp(session, urls)).values())
    return DomainFarm(
        domain=domain,
        servers=servers,
        threshold=threshold,
        remotes=len(urls),
        speaking=answers.count(True),
        not_speaking=answers.count(False),
        sample_limit=FARM_SAMPLE,
    )


async def speaks_mcp(session: AsyncSession, urls: Sequence[str]) -> dict[str, bool | None]:
    """Per URL, whether its latest completed scan saw MCP (None: no scan, or it could not tell).

    Read from that scan's `publisher_remote_serves_html` evidence, or, for scans from before
    that probe, from the tools listing's MCP generation (present: a handshake completed).
    """
    found: dict[str, bool | None] = dict.fromkeys(urls)
    if not urls:
        return found
    newest = (
        select(ScanRow.endpoint_id, func.max(ScanRow.assessed_at).label("at"))
        .join(EndpointRow, EndpointRow.id == ScanRow.endpoint_id)
        .where(EndpointRow.url.in_(urls), ScanRow.status == SCAN_COMPLETED)
        .group_by(ScanRow.endpoint_id)
        .subquery()
    )
    rows = await session.execute(
        select(EndpointRow.url, FindingRow.probe_id, FindingRow.evidence)
        .join(ScanRow, ScanRow.endpoint_id == EndpointRow.id)
        .join(
            newest,
            (newest.c.endpoint_id == ScanRow.endpoint_id) & (newest.c.at == ScanRow.assessed_at),
        )
        .join(FindingRow, FindingRow.scan_id == ScanRow.id)
        .where(ScanRow.status == SCAN_COMPLETED, FindingRow.probe_id.in_(ANSWER_PROBES))
    )
    generations: set[str] = set()
    for url, probe_id, evidence in rows:
        if probe_id == SERVES_HTML.id:
            value = evidence.get(SPEAKS_MCP) if isinstance(evidence, dict) else None
            if isinstance(value, bool):
                found[url] = value
        elif isinstance(evidence, dict) and evidence.get(MCP_GENERATION):
            generations.add(url)
    for url in generations:
        if found[url] is None:
            found[url] = True
    return found


async def tool_set_fact(session: AsyncSession, url: str) -> ToolSetFact | None:
    """The endpoint's stored tool set and the endpoints sharing its digest, with their names."""
    stored = await stored_tool_set(session, url)
    if stored is None:
        return None
    names: dict[str, set[str]] = {twin_url: set() for twin_url, _ in stored.twins}
    if names:
        rows = await session.execute(
            select(RemoteRow.canonical_url, ServerVersionRow.name)
            .join(ServerVersionRow, ServerVersionRow.id == RemoteRow.server_id)
            .where(RemoteRow.canonical_url.in_(sorted(names)))
            .distinct()
        )
        for twin_url, name in rows:
            if twin_url is not None:
                names[twin_url].add(name)
    return ToolSetFact(
        digest=stored.digest,
        definitions=stored.definitions,
        taken_at=stored.taken_at,
        twins=tuple(
            CatalogueTwin(url=twin_url, host=host, servers=tuple(sorted(names[twin_url])))
            for twin_url, host in stored.twins
        ),
    )


async def raised_flags(session: AsyncSession, scan_ids: Sequence[str]) -> dict[str, list[str]]:
    """Per scan id, the registry API flags (`HYGIENE_FLAGS`) its bad findings raise, sorted."""
    found: dict[str, list[str]] = {scan_id: [] for scan_id in scan_ids}
    if not scan_ids:
        return found
    rows = await session.execute(
        select(FindingRow.scan_id, FindingRow.probe_id).where(
            FindingRow.scan_id.in_(sorted(set(scan_ids))),
            FindingRow.probe_id.in_(sorted(FLAG_OF_PROBE)),
            FindingRow.outcome == Outcome.TRUE.value,
        )
    )
    for scan_id, probe_id in rows:
        found[scan_id].append(FLAG_OF_PROBE[probe_id])
    return {scan_id: sorted(set(flags)) for scan_id, flags in found.items()}
