"""A user's own interface language ("" = the browser's): buyers choose among de, en, es, fr,
sv and zh, everyone else between zh and en; mails to the user are written in it.

Revision ID: b2d7e9f3a488
Revises: 4a0c9b2e6d10
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b2d7e9f3a488"
down_revision = "4a0c9b2e6d10"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=False,
                                      server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language")
