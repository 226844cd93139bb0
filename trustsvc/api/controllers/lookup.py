"""Lookup: the pre-connect check an agent makes. It reads stored results and never probes."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import QueryParameter

from probes.target import parse_endpoint_url
from trustsvc.api.errors import PROBLEM_RESPONSE, not_found
from trustsvc.api.schemas import LookupResult
from trustsvc.api.state import services
from trustsvc.repositories import ScanRepository


class LookupController(Controller):
    """Latest stored judgement of an endpoint, by URL."""

    path = "/v1/lookup"
    tags = ["lookup"]  # noqa: RUF012 - Litestar reads a plain class attribute

    @get(
        "/",
        operation_id="LookupEndpoint",
        summary="The latest stored result for an endpoint URL",
        description=(
            "Normalises the URL the same way scans do and returns the newest stored result. "
            "Never probes: 404 when the endpoint was never assessed."
        ),
        responses={404: PROBLEM_RESPONSE, 422: PROBLEM_RESPONSE},
    )
    async def lookup(
        self,
        state: State,
        url: Annotated[
            str, QueryParameter(description="The endpoint URL, as an agent would connect to it.")
        ],
    ) -> LookupResult:
        """Serve the newest completed scan's headline figures."""
        app = services(state)
        endpoint = parse_endpoint_url(url)
        async with app.sessions() as session:
            latest = await ScanRepository(session).latest_for_url(endpoint.url)
        if latest is None or latest.scan.assessed_at is None:
            raise not_found(f"no assessment of {endpoint.url}")
        age = app.scans.clock() - latest.scan.assessed_at
        return LookupResult(
            url=latest.endpoint.url,
            endpoint_id=latest.endpoint.id,
            scan_id=latest.scan.id,
            score=latest.score.score,
            grade=latest.score.grade,
            verdict=latest.score.verdict,
            confidence=latest.score.confidence,
            policy_version=latest.score.policy_version,
            assessed_at=latest.scan.assessed_at,
            age_s=max(0, int(age.total_seconds())),
        )
