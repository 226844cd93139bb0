"""Health and the probe catalogue: the routes that need no scan."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.datastructures import State
from sqlalchemy import text

from trustsvc import __version__
from trustsvc.api.schemas import Health, Liveness, ProbeDoc
from trustsvc.api.state import services
from trustsvc.auth.principal import Scope
from trustsvc.reports.build import catalogue_reference_docs
from trustsvc.scoring.policy import POLICY

LIVE = Liveness(status="ok")


class SystemController(Controller):
    """Liveness and catalogue."""

    tags = ["system"]  # noqa: RUF012 - Litestar reads a plain class attribute
    opt = {"scope": Scope.READ}  # noqa: RUF012 - Litestar reads a plain class attribute

    @get("/livez", operation_id="GetLiveness", summary="Liveness: the process answers")
    async def liveness(self) -> Liveness:
        """Touches nothing, the database included: a restart would not cure an outage.

        The baseline the lookup benchmarks compare against (the cheapest route there is).
        """
        return LIVE

    @get("/health", operation_id="GetHealth", summary="Service and database health")
    async def health(self, state: State) -> Response[Health]:
        """Answer 503 when the database cannot be reached, so orchestrators restart us."""
        try:
            async with services(state).light_sessions() as session:
                await session.execute(text("SELECT 1"))
            database = "ok"
        except Exception:  # noqa: BLE001 - any failure means "not healthy", nothing more
            database = "unavailable"
        body = Health(
            status="ok" if database == "ok" else "degraded",
            version=__version__,
            policy_version=POLICY.version,
            database=database,
        )
        return Response(body, status_code=200 if database == "ok" else 503)

    @get(
        "/v1/probes",
        operation_id="ListProbes",
        summary="The probe catalogue, generated from the probe specs",
    )
    async def list_probes(self, state: State) -> list[ProbeDoc]:
        """Every probe the service runs, with its question, polarity and remediation."""
        return [
            ProbeDoc(
                id=spec.id,
                family=spec.family.value,
                question=spec.question,
                rationale=spec.rationale,
                bad_outcome=spec.bad_outcome.value,
                severity=spec.severity.value,
                remediation=spec.remediation,
                references=catalogue_reference_docs(spec.references),
                provenance=None if spec.provenance is None else spec.provenance.value,
                lifecycle=spec.lifecycle.value,
            )
            for spec in services(state).scans.catalogue.values()
        ]
