"""Events: docking days, exhibitions, festivals, competitions and campaigns with their
organising bases and slot plan; registrations of enterprises and buyer organisations; meeting
requests between registrations (issue 11).

Revision ID: c3e8f1a5b7d9
Revises: a1c6d8e2f377
Create Date: 2026-12-03 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c3e8f1a5b7d9"
down_revision = "a1c6d8e2f377"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("title_zh", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("description_zh", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("over_capacity", sa.String(length=10), nullable=False),
        sa.Column("registration_deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("auto_accept", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("max_requests", sa.Integer(), nullable=True),
        sa.Column("max_meetings", sa.Integer(), nullable=True),
        sa.Column("slot_minutes", sa.Integer(), nullable=True),
        sa.Column("day_start", sa.String(length=5), nullable=True),
        sa.Column("sessions", sa.JSON(), nullable=False),
        sa.Column("tables", sa.Integer(), nullable=True),
        sa.Column("visitors", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("target_text", sa.Text(), nullable=False),
        sa.Column("target_cities", sa.Integer(), nullable=True),
        sa.Column("target_countries", sa.Integer(), nullable=True),
        sa.Column("target_visitors", sa.Integer(), nullable=True),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_events_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["events.id"],
            name=op.f("fk_events_parent_id_events"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "event_bases",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("base_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_id"], ["bases.id"], name=op.f("fk_event_bases_base_id_bases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_bases_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "base_id", name=op.f("pk_event_bases")),
    )
    with op.batch_alter_table("event_bases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_bases_base_id"), ["base_id"], unique=False)

    op.create_table(
        "event_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("registered_by", sa.Integer(), nullable=True),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("offers", sa.JSON(), nullable=False),
        sa.Column("seeks", sa.JSON(), nullable=False),
        sa.Column("available_slots", sa.JSON(), nullable=True),
        sa.Column("booth", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_event_registrations_enterprise_id_enterprises"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_registrations_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registered_by"],
            ["users.id"],
            name=op.f("fk_event_registrations_registered_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_registrations")),
        sa.UniqueConstraint(
            "event_id", "enterprise_id", name=op.f("uq_event_registrations_event_id_enterprise_id")
        ),
    )
    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_registrations_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_event_registrations_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_event_registrations_registered_by"), ["registered_by"], unique=False
        )

    op.create_table(
        "event_meeting_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("organiser_priority", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("requester_note", sa.Text(), nullable=False),
        sa.Column("recipient_note", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_meeting_requests_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_meeting_requests_recipient_id_event_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["users.id"],
            name=op.f("fk_event_meeting_requests_requested_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_meeting_requests_requester_id_event_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_meeting_requests")),
    )
    with op.batch_alter_table("event_meeting_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_meeting_requests_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_event_meeting_requests_recipient_id"), ["recipient_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_event_meeting_requests_requester_id"), ["requester_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("event_meeting_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_meeting_requests_requester_id"))
        batch_op.drop_index(batch_op.f("ix_event_meeting_requests_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_event_meeting_requests_event_id"))

    op.drop_table("event_meeting_requests")
    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_registrations_registered_by"))
        batch_op.drop_index(batch_op.f("ix_event_registrations_event_id"))
        batch_op.drop_index(batch_op.f("ix_event_registrations_enterprise_id"))

    op.drop_table("event_registrations")
    with op.batch_alter_table("event_bases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_bases_base_id"))

    op.drop_table("event_bases")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_parent_id"))
        batch_op.drop_index(batch_op.f("ix_events_kind"))

    op.drop_table("events")
