"""finding provenance

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 10:00:00.000000

Findings record where their evidence comes from (observed, declared, inferred). Rows
stored before this revision keep NULL: their provenance was not recorded, and guessing it
from today's table would rewrite history.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("provenance", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("provenance")
