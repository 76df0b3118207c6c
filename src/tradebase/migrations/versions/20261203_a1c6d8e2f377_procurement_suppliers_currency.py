"""Procurement rounds that tell the truth: a round's currency, its opening date, an early
close recorded (by whom), and for each quote its currency and who entered it (the supplier
itself, or a base administrator on its behalf).

Revision ID: a1c6d8e2f377
Revises: 9f5b4a7c1d65
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a1c6d8e2f377"
down_revision = "9f5b4a7c1d65"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("procurement_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=False,
                                      server_default="CNY"))
        batch_op.add_column(sa.Column("opens_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("closed_early", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("closed_by", sa.String(length=254), nullable=False,
                                      server_default=""))
    with op.batch_alter_table("procurement_quotes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=False,
                                      server_default="CNY"))
        batch_op.add_column(sa.Column("entered_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("entered_by", sa.String(length=254), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("on_behalf", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("procurement_quotes", schema=None) as batch_op:
        for name in ("on_behalf", "entered_by", "entered_by_id", "currency"):
            batch_op.drop_column(name)
    with op.batch_alter_table("procurement_rounds", schema=None) as batch_op:
        for name in ("closed_by", "closed_early", "opens_on", "currency"):
            batch_op.drop_column(name)
