"""Events: a registration's check-in at the door of the event (when, by whom) (issue 11).

Revision ID: d0a1b2c3e4f5
Revises: f6b4c8d0e2a3
Create Date: 2026-12-04 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d0a1b2c3e4f5"
down_revision = "f6b4c8d0e2a3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_in_at", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("checked_in_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_event_registrations_checked_in_by_users"), "users",
            ["checked_in_by"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_event_registrations_checked_in_by_users"),
                                 type_="foreignkey")
        batch_op.drop_column("checked_in_by")
        batch_op.drop_column("checked_in_at")
