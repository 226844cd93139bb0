"""Health and the probe catalogue: the routes that need no scan."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy import text

from trustsvc import __version__
from trustsvc.api.errors import ProblemError, problem_response
from trustsvc.api.schemas import Health, Liveness, ProbeDoc, Readiness
from trustsvc.api.state import services
from trustsvc.auth.principal import Scope
from trustsvc.jobs.beside import JobThread
from trustsvc.jobs.process import JobProcess
from trustsvc.reports.build import catalogue_reference_docs
from trustsvc.scoring.policy import POLICY
from trustsvc.store.file_check import sqlite_header_intact
from trustsvc.store.migrate import head_revision, schema_revision

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

    @get(
        "/readyz",
        operation_id="GetReadiness",
        summary="Readiness: database reachable, schema at head, scheduler running",
        responses={503: problem_response("Not ready, and why (problem details)")},
    )
    async def readiness(self, state: State) -> Readiness:
        """Answer 503 with what is not ready, so an orchestrator holds traffic back.

        Unlike /livez this reads the database (one query for the schema's revision), and
        unlike /health it fails on a schema behind this code or a stopped job thread.
        """
        head = head_revision()
        revision: str | None = None
        try:
            async with services(state).light_sessions() as session:
                revision = await schema_revision(session)
                intact = sqlite_header_intact(str((await session.connection()).engine.url))
        except Exception:  # noqa: BLE001 - any failure means "not ready", nothing more
            intact = False
        if not intact:  # unreachable, or an SQLite file gone or overwritten under us
            database, schema = "unavailable", "unknown"
        else:
            database = "ok"
            schema = "ok" if revision == head else f"at {revision or 'none'}, head is {head}"
        scheduler = _scheduler_state(state)
        problems = [
            f"{name}: {value}"
            for name, value in (
                ("database", database),
                ("schema", schema),
                ("scheduler", scheduler),
            )
            if value not in ("ok", "running", "elsewhere")
        ]
        if problems:
            raise ProblemError(
                HTTP_503_SERVICE_UNAVAILABLE, "not-ready", "Not ready", "; ".join(problems)
            )
        return Readiness(status="ready", database=database, schema=schema, scheduler=scheduler)

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


def _scheduler_state(state: State) -> str:
    if not services(state).schedule.in_api:
        return "elsewhere"
    jobs = state.get("jobs")
    return "running" if isinstance(jobs, JobThread | JobProcess) and jobs.running else "stopped"
