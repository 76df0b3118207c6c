"""Events: each held meeting"s outcome (linked to the docking intention it signed) and its
follow-up, the indicator facts that state an event"s totals, and whether the organisers
published them (issue 11, outcomes).

Revision ID: d1e2f3a4b5c6
Revises: d0a1b2c3e4f5
Create Date: 2026-12-04 13:54:14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d1e2f3a4b5c6"
down_revision = "d0a1b2c3e4f5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_facts",
        sa.Column("fact_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_facts_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fact_id"],
            ["indicator_facts.id"],
            name=op.f("fk_event_facts_fact_id_indicator_facts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_event_facts")),
    )
    with op.batch_alter_table("event_facts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_facts_event_id"), ["event_id"], unique=False)

    op.create_table(
        "event_meeting_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=14), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("intention_id", sa.Integer(), nullable=True),
        sa.Column("follow_up", sa.String(length=12), nullable=True),
        sa.Column("follow_up_note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("followed_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_meeting_outcomes_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["intention_id"],
            ["cooperation_intentions.id"],
            name=op.f("fk_event_meeting_outcomes_intention_id_cooperation_intentions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["event_meetings.id"],
            name=op.f("fk_event_meeting_outcomes_meeting_id_event_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["users.id"],
            name=op.f("fk_event_meeting_outcomes_recorded_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_meeting_outcomes")),
        sa.UniqueConstraint("intention_id", name=op.f("uq_event_meeting_outcomes_intention_id")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_event_meeting_outcomes_meeting_id")),
    )
    with op.batch_alter_table("event_meeting_outcomes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_meeting_outcomes_event_id"), ["event_id"], unique=False
        )

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("outcomes_published", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("outcomes_published")

    with op.batch_alter_table("event_meeting_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_meeting_outcomes_event_id"))

    op.drop_table("event_meeting_outcomes")
    with op.batch_alter_table("event_facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_facts_event_id"))

    op.drop_table("event_facts")
