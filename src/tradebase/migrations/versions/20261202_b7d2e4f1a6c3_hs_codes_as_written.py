"""HS codes as catalogs write them: the code as written, the edition it was read as and the
HS 2022 candidates of a split code, beside the HS 2022 code a listing is matched on.

Revision ID: b7d2e4f1a6c3
Revises: 7d2b9e4f1a60
Create Date: 2026-12-02 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b7d2e4f1a6c3"
down_revision = "7d2b9e4f1a60"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hs_code_written", sa.String(40), nullable=True))
        batch_op.add_column(sa.Column("hs_edition", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("hs_candidates", sa.JSON(), nullable=False,
                                      server_default="[]"))
    # Every stored code was a six-digit HS 2022 subheading, written as such.
    products = sa.table("products", sa.column("hs_code", sa.String),
                        sa.column("hs_code_written", sa.String),
                        sa.column("hs_edition", sa.SmallInteger))
    op.execute(
        products.update().where(products.c.hs_code.is_not(None))
        .values(hs_code_written=products.c.hs_code, hs_edition=2022)
    )


def downgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        for column in ("hs_candidates", "hs_edition", "hs_code_written"):
            batch_op.drop_column(column)
