"""scan leases

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 07:00:00.000000

A running scan holds a lease (`lease_expires_at`), renewed while its process probes; a
sweep marks a running scan whose lease expired `failed` (`interrupted`), so a killed `serve`
leaves no scan running forever. Rows from before this revision have no lease: a scan still
running then is as dead as an expired one, and the first sweep fails it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scans") as batch:
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_scans_status_lease", ["status", "lease_expires_at"])


def downgrade() -> None:
    with op.batch_alter_table("scans") as batch:
        batch.drop_index("ix_scans_status_lease")
        batch.drop_column("lease_expires_at")
