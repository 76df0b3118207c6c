"""Competition entrants (issue 11): who submitted an entry (a person enters as itself, an
enterprise's member for its enterprise; they edit or withdraw their own until judging starts)
and when judging started (the first score given).

Revision ID: e2f3a4b5c6d7
Revises: f3a4b5c6d7e8
Create Date: 2026-12-04 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e2f3a4b5c6d7"
down_revision = "f3a4b5c6d7e8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("competition_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_by", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_competition_entries_submitted_by"),
                              ["submitted_by"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_competition_entries_submitted_by_users"), "users",
            ["submitted_by"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("judging_started_at", sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.drop_column("judging_started_at")
    with op.batch_alter_table("competition_entries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_competition_entries_submitted_by_users"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_competition_entries_submitted_by"))
        batch_op.drop_column("submitted_by")
