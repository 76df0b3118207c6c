"""A request for quotation: its terms (Incoterm, payment, packaging, samples, deadline,
expiry), open publication, anonymity and hiding; the listings an enquiry names and the quote's
terms; the changes shown to factories, attachments, spam reports and suspensions.

Revision ID: 7d2b9e4f1a60
Revises: c3e1f0a9d214
Create Date: 2026-12-02 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "7d2b9e4f1a60"
down_revision = "c3e1f0a9d214"
branch_labels = None
depends_on = None

_NOW = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("docking_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("incoterm", sa.String(3), nullable=True))
        batch_op.add_column(sa.Column("incoterm_place", sa.String(200), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("payment_terms", sa.String(20), nullable=True))
        batch_op.add_column(sa.Column("payment_note", sa.String(500), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("packaging", sa.String(20), nullable=True))
        batch_op.add_column(sa.Column("packaging_note", sa.String(500), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("samples", sa.String(20), nullable=False,
                                      server_default="none"))
        batch_op.add_column(sa.Column("quote_deadline", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("expires_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("published_at", _NOW, nullable=True))
        batch_op.add_column(sa.Column("anonymous_until_accepted", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("hidden_at", _NOW, nullable=True))
        batch_op.add_column(sa.Column("hidden_by", sa.Integer(), nullable=True))
        batch_op.create_index("ix_docking_requests_published_at", ["published_at"])
        batch_op.create_foreign_key("fk_docking_requests_hidden_by_users", "users",
                                    ["hidden_by"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("docking_enquiries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skus", sa.JSON(), nullable=False,
                                      server_default="[]"))
        batch_op.add_column(sa.Column("origin", sa.String(8), nullable=False,
                                      server_default="chosen"))
        batch_op.add_column(sa.Column("quote_sku", sa.String(80), nullable=True))
        batch_op.add_column(sa.Column("quote_incoterm", sa.String(3), nullable=True))
        batch_op.add_column(sa.Column("quote_moq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quote_valid_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("quote_shortlisted", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("accepted_at", _NOW, nullable=True))
    op.create_table(
        "docking_request_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(),
                  sa.ForeignKey("docking_requests.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("at", _NOW, nullable=False),
    )
    op.create_index("ix_docking_request_changes_request_id", "docking_request_changes",
                    ["request_id"])
    op.create_table(
        "docking_request_attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(),
                  sa.ForeignKey("docking_requests.id", ondelete="CASCADE"), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", _NOW, nullable=False),
    )
    op.create_index("ix_docking_request_attachments_request_id", "docking_request_attachments",
                    ["request_id"])
    op.create_table(
        "docking_request_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(),
                  sa.ForeignKey("docking_requests.id", ondelete="CASCADE"), nullable=False),
        sa.Column("enterprise_id", sa.Integer(),
                  sa.ForeignKey("enterprises.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reporter_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", _NOW, nullable=False),
        sa.UniqueConstraint("request_id", "enterprise_id"),
    )
    op.create_index("ix_docking_request_reports_request_id", "docking_request_reports",
                    ["request_id"])
    op.create_table(
        "docking_suspensions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("suspended_by", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("request_id", sa.Integer(),
                  sa.ForeignKey("docking_requests.id", ondelete="SET NULL"), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", _NOW, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("docking_suspensions")
    op.drop_index("ix_docking_request_reports_request_id", "docking_request_reports")
    op.drop_table("docking_request_reports")
    op.drop_index("ix_docking_request_attachments_request_id", "docking_request_attachments")
    op.drop_table("docking_request_attachments")
    op.drop_index("ix_docking_request_changes_request_id", "docking_request_changes")
    op.drop_table("docking_request_changes")
    with op.batch_alter_table("docking_enquiries", schema=None) as batch_op:
        for column in ("accepted_at", "quote_shortlisted", "quote_valid_until", "quote_moq",
                       "quote_incoterm", "quote_sku", "origin", "skus"):
            batch_op.drop_column(column)
    with op.batch_alter_table("docking_requests", schema=None) as batch_op:
        batch_op.drop_constraint("fk_docking_requests_hidden_by_users", type_="foreignkey")
        batch_op.drop_index("ix_docking_requests_published_at")
        for column in ("hidden_by", "hidden_at", "anonymous_until_accepted", "published_at",
                       "expires_on", "quote_deadline", "samples", "packaging_note",
                       "packaging", "payment_note", "payment_terms", "incoterm_place",
                       "incoterm"):
            batch_op.drop_column(column)
