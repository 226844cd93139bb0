"""Lookup: the pre-connect check an agent makes. It reads stored results and never probes."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.params import QueryParameter

from trustsvc.api.errors import PROBLEM_RESPONSE, not_found
from trustsvc.api.schemas import LookupResult
from trustsvc.api.state import services
from trustsvc.auth.principal import Scope
from trustsvc.lookup.cache import LookupRecord, canonical_url
from trustsvc.services import AppServices


class LookupController(Controller):
    """Latest stored judgement of an endpoint, by URL."""

    path = "/v1/lookup"
    tags = ["lookup"]  # noqa: RUF012 - Litestar reads a plain class attribute
    opt = {"scope": Scope.READ}  # noqa: RUF012 - Litestar reads a plain class attribute

    @get(
        "/",
        operation_id="LookupEndpoint",
        summary="The latest stored result for an endpoint URL",
        description=(
            "Normalises the URL the same way scans do and returns the newest stored result. "
            "Never probes: 404 when the endpoint was never assessed. While the database is "
            "unreachable, a result held in memory is still served, with `stale: true` and an "
            "`Age` header (seconds since the service last could check for newer scans)."
        ),
        responses={400: PROBLEM_RESPONSE, 404: PROBLEM_RESPONSE, 422: PROBLEM_RESPONSE},
    )
    async def lookup(
        self,
        state: State,
        url: Annotated[
            str, QueryParameter(description="The endpoint URL, as an agent would connect to it.")
        ],
    ) -> Response[LookupResult]:
        """Serve the newest completed scan's headline figures."""
        app = services(state)
        canonical = canonical_url(url)
        latest = await app.lookup.latest(canonical)
        if latest is None:
            raise not_found(f"assessment of {canonical}")
        result, headers = lookup_answer(app, latest)
        return Response(result, headers=headers)


def lookup_answer(app: AppServices, latest: LookupRecord) -> tuple[LookupResult, dict[str, str]]:
    """The body and extra headers of a found lookup: the routed handler's and the fast path's."""
    age = app.scans.clock() - latest.assessed_at
    stale_s = app.lookup.stale_s
    result = LookupResult(
        url=latest.url,
        endpoint_id=latest.endpoint_id,
        scan_id=latest.scan_id,
        score=latest.score,
        grade=latest.grade,
        verdict=latest.verdict,
        confidence=latest.confidence,
        policy_version=latest.policy_version,
        assessed_at=latest.assessed_at,
        age_s=max(0, int(age.total_seconds())),
        display_score=latest.display_score,
        display_grade=latest.display_grade,
        could_not_assess=latest.could_not_assess,
        stale=stale_s is not None,
    )
    headers = {} if stale_s is None else {"Age": str(int(stale_s))}
    return result, headers
