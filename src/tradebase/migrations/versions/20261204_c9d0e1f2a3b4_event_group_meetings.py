"""Group meetings of docking days (issue 11): a buyer's request for one meeting with all the
factories of a capacity-docking split (event_group_requests) and the group meetings a
schedule gives them (event_group_meetings: slot, table, members; draft, published, cancelled);
and a source's English title (sources.title_en), filled for the events' own sources from
their English titles.

Revision ID: c9d0e1f2a3b4
Revises: b8c9d0e1f2a3
Create Date: 2026-12-04 18:33:54
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c9d0e1f2a3b4"
down_revision = "b8c9d0e1f2a3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_group_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("docking_request_id", sa.Integer(), nullable=False),
        sa.Column("buyer_registration_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_ids", sa.JSON(), nullable=False),
        sa.Column("objective", sa.String(length=12), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("left_out", sa.String(length=24), nullable=True),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_registration_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_group_requests_buyer_registration_id_event_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["docking_request_id"],
            ["docking_requests.id"],
            name=op.f("fk_event_group_requests_docking_request_id_docking_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_group_requests_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["users.id"],
            name=op.f("fk_event_group_requests_requested_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_group_requests")),
        sa.UniqueConstraint(
            "event_id",
            "docking_request_id",
            name=op.f("uq_event_group_requests_event_id_docking_request_id"),
        ),
    )
    with op.batch_alter_table("event_group_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_group_requests_buyer_registration_id"),
            ["buyer_registration_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_event_group_requests_docking_request_id"),
            ["docking_request_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_event_group_requests_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "event_group_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("group_request_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("table_no", sa.Integer(), nullable=False),
        sa.Column("member_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_group_meetings_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_request_id"],
            ["event_group_requests.id"],
            name=op.f("fk_event_group_meetings_group_request_id_event_group_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_group_meetings")),
    )
    with op.batch_alter_table("event_group_meetings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_group_meetings_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_event_group_meetings_group_request_id"),
            ["group_request_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_event_group_meetings_status"), ["status"], unique=False
        )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("title_en", sa.String(length=300), server_default="", nullable=False)
        )
    op.execute(
        "UPDATE sources SET title_en = (SELECT events.title_en FROM events"
        " WHERE sources.id = 'event-' || CAST(events.id AS VARCHAR(20)))"
        " WHERE sources.id LIKE 'event-%'"
        " AND EXISTS (SELECT 1 FROM events"
        " WHERE sources.id = 'event-' || CAST(events.id AS VARCHAR(20)))"
    )


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("title_en")
    with op.batch_alter_table("event_group_meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_group_meetings_status"))
        batch_op.drop_index(batch_op.f("ix_event_group_meetings_group_request_id"))
        batch_op.drop_index(batch_op.f("ix_event_group_meetings_event_id"))

    op.drop_table("event_group_meetings")
    with op.batch_alter_table("event_group_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_group_requests_event_id"))
        batch_op.drop_index(batch_op.f("ix_event_group_requests_docking_request_id"))
        batch_op.drop_index(batch_op.f("ix_event_group_requests_buyer_registration_id"))

    op.drop_table("event_group_requests")
