"""Events: exhibitions' booths (hall, products shown), leads collected at a fair, and the
organisers' choice of a campaign city among its namesakes in the gazetteer (issue 11).

Revision ID: f3a4b5c6d7e8
Revises: d1e2f3a4b5c6
Create Date: 2026-12-04 13:51:28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f3a4b5c6d7e8"
down_revision = "d1e2f3a4b5c6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("buyer_name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("wants", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("docking_request_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["docking_request_id"],
            ["docking_requests.id"],
            name=op.f("fk_event_leads_docking_request_id_docking_requests"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_leads_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["users.id"],
            name=op.f("fk_event_leads_recorded_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["event_registrations.id"],
            name=op.f("fk_event_leads_registration_id_event_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_leads")),
    )
    with op.batch_alter_table("event_leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_leads_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_event_leads_registration_id"), ["registration_id"], unique=False
        )

    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hall", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("products_shown", sa.JSON(), server_default="[]", nullable=False)
        )

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("geonameid", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("geonameid")

    with op.batch_alter_table("event_registrations", schema=None) as batch_op:
        batch_op.drop_column("products_shown")
        batch_op.drop_column("hall")

    with op.batch_alter_table("event_leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_leads_registration_id"))
        batch_op.drop_index(batch_op.f("ix_event_leads_event_id"))

    op.drop_table("event_leads")
