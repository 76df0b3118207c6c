"""Events: the meetings of a docking day's schedule (draft, published, cancelled) and the last
run of the scheduler per event (issue 11).

Revision ID: f6b4c8d0e2a3
Revises: a7c5e9f1b3d4
Create Date: 2026-12-03 14:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f6b4c8d0e2a3"
down_revision = "a7c5e9f1b3d4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("meeting_request_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("table_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_meetings_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_request_id"], ["event_meeting_requests.id"],
            name=op.f("fk_event_meetings_meeting_request_id_event_meeting_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_meetings")),
    )
    with op.batch_alter_table("event_meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_meetings_event_id"), ["event_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_event_meetings_meeting_request_id"),
                              ["meeting_request_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_meetings_status"), ["status"], unique=False)
    op.create_table(
        "event_schedules",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("solver_status", sa.String(length=10), nullable=False),
        sa.Column("upper_bound", sa.Integer(), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.Column("total_priority", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_schedules_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_schedules")),
    )


def downgrade() -> None:
    op.drop_table("event_schedules")
    with op.batch_alter_table("event_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_meetings_status"))
        batch_op.drop_index(batch_op.f("ix_event_meetings_meeting_request_id"))
        batch_op.drop_index(batch_op.f("ix_event_meetings_event_id"))
    op.drop_table("event_meetings")
