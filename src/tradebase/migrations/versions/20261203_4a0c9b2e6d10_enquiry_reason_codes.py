"""Enquiries keep why they matched as codes and parameters too (``docking/reasons.py``), so
the factory reads the reasons in its own language; ``reasons`` stays the English lines.

Revision ID: 4a0c9b2e6d10
Revises: 6c2e1d4f8a32
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "4a0c9b2e6d10"
down_revision = "6c2e1d4f8a32"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("docking_enquiries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason_codes", sa.JSON(), nullable=False,
                                      server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("docking_enquiries", schema=None) as batch_op:
        batch_op.drop_column("reason_codes")
