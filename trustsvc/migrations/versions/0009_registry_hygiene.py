"""registry hygiene: publishers' proof domain and endpoints' tool sets

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 11:30:00.000000

Issue 18 item 4. `publishers.domain` is the registrable domain whose one apex TXT proof
grants the namespace (`com.acme.api` -> `acme.com`), indexed so that counting a domain's
servers (namespace farms) is an index lookup; existing domain publishers are backfilled.
`endpoint_tool_sets` keeps each endpoint's latest complete tool listing by set digest,
indexed, so finding byte-identical catalogues elsewhere is one lookup; it fills as scans run.
`ix_findings_scan_probe` reads one probe's finding of a scan (the hygiene flags, stored MCP
answers) without reading every tool finding of a large listing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from probes.publisher.hygiene import proof_domain

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("publishers") as batch:
        batch.add_column(sa.Column("domain", sa.String(length=255), nullable=True))
        batch.create_index("ix_publishers_domain", ["domain"], unique=False)
    _backfill_domains()
    op.create_table(
        "endpoint_tool_sets",
        sa.Column("endpoint_id", sa.String(length=36), nullable=False),
        sa.Column("scan_id", sa.String(length=36), nullable=False),
        sa.Column("set_digest", sa.String(length=64), nullable=False),
        sa.Column("definitions", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["endpoints.id"],
            name=op.f("fk_endpoint_tool_sets_endpoint_id_endpoints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["scans.id"],
            name=op.f("fk_endpoint_tool_sets_scan_id_scans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("endpoint_id", name=op.f("pk_endpoint_tool_sets")),
    )
    with op.batch_alter_table("endpoint_tool_sets") as batch:
        batch.create_index("ix_endpoint_tool_sets_set_digest", ["set_digest"], unique=False)
    with op.batch_alter_table("findings") as batch:
        batch.create_index("ix_findings_scan_probe", ["scan_id", "probe_id"], unique=False)


def _backfill_domains() -> None:
    """Set `domain` on the domain publishers already stored, in keyset batches."""
    publishers = sa.table(
        "publishers",
        sa.column("namespace", sa.String),
        sa.column("kind", sa.String),
        sa.column("domain", sa.String),
    )
    connection = op.get_bind()
    after = ""
    while True:
        namespaces = list(
            connection.scalars(
                sa.select(publishers.c.namespace)
                .where(publishers.c.kind == "domain", publishers.c.namespace > after)
                .order_by(publishers.c.namespace)
                .limit(BACKFILL_BATCH)
            )
        )
        if not namespaces:
            return
        for namespace in namespaces:
            domain = proof_domain(namespace)
            if domain is not None:
                connection.execute(
                    sa.update(publishers)
                    .where(publishers.c.namespace == namespace)
                    .values(domain=domain)
                )
        after = namespaces[-1]


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_index("ix_findings_scan_probe")
    with op.batch_alter_table("endpoint_tool_sets") as batch:
        batch.drop_index("ix_endpoint_tool_sets_set_digest")
    op.drop_table("endpoint_tool_sets")
    with op.batch_alter_table("publishers") as batch:
        batch.drop_index("ix_publishers_domain")
        batch.drop_column("domain")
