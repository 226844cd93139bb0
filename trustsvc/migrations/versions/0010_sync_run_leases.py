"""sync run leases

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 19:00:00.000000

A registry sync run holds a lease (`lease_expires_at`), renewed while its process walks the
upstream, as scans do since 0007: a run whose process was killed (SIGKILL, OOM) stopped
renewing, and the next run, start-up or the periodic sweep marks it failed instead of
leaving it `running` forever. Runs from before this revision have no lease; one still
running then is as dead as an expired one, and the first sweep fails it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_runs") as batch:
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_runs") as batch:
        batch.drop_column("lease_expires_at")
