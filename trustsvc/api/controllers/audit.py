"""The audit log, for admins: every write and scan request, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import QueryParameter

from trustsvc.api.audit_schemas import AuditPage, AuditRecord
from trustsvc.api.errors import PROBLEM_RESPONSE
from trustsvc.api.params import MAX_ROW_ID, NO_NUL, TIME_WITH_OFFSET, with_offset
from trustsvc.api.state import services
from trustsvc.audit import repository
from trustsvc.audit.models import AuditRow
from trustsvc.audit.repository import AuditFilter, AuditOutcome
from trustsvc.auth.principal import Scope


class AuditController(Controller):
    """Read the audit log."""

    path = "/v1/audit"
    tags = ["audit"]  # noqa: RUF012 - Litestar reads a plain class attribute
    opt = {"scope": Scope.ADMIN}  # noqa: RUF012 - Litestar reads a plain class attribute

    @get(
        "/",
        operation_id="ListAuditRecords",
        summary="Audit records, newest first",
        responses={400: PROBLEM_RESPONSE},
    )
    async def list_records(  # noqa: PLR0917 - Litestar passes query parameters by name
        self,
        state: State,
        actor: Annotated[
            str | None, QueryParameter(max_length=128, pattern=NO_NUL, description="A key's name.")
        ] = None,
        action: Annotated[
            str | None,
            QueryParameter(
                max_length=64, pattern=NO_NUL, description="An operation id, e.g. `CreateScan`."
            ),
        ] = None,
        outcome: Annotated[AuditOutcome | None, QueryParameter()] = None,
        since: Annotated[
            datetime | None, QueryParameter(description=f"At or after; {TIME_WITH_OFFSET}.")
        ] = None,
        until: Annotated[
            datetime | None, QueryParameter(description=f"Before; {TIME_WITH_OFFSET}.")
        ] = None,
        cursor: Annotated[
            int | None,
            QueryParameter(ge=1, le=MAX_ROW_ID, description="`next_cursor` of the previous page."),
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500, description="Page size.")] = 100,
    ) -> AuditPage:
        """Filtered by actor, action, outcome and time; keyset-paged."""
        where = AuditFilter(
            actor=actor,
            action=action,
            outcome=outcome,
            since=with_offset("since", since),
            until=with_offset("until", until),
        )
        async with services(state).sessions() as session:
            rows = await repository.page(session, where, before_id=cursor, limit=limit + 1)
        more = len(rows) > limit
        return AuditPage(
            items=[_record(row) for row in rows[:limit]],
            next_cursor=str(rows[limit - 1].id) if more else None,
        )


def _record(row: AuditRow) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        at=row.at,
        actor=row.actor,
        key_id=row.key_id,
        action=row.action,
        target=row.target,
        outcome=row.outcome,
        status=row.status,
        client=row.client,
    )
