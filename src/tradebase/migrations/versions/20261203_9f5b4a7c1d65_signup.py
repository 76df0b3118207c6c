"""Sign-up: verified e-mail addresses, link tokens by purpose, privacy consents and requests
to join an enterprise. Users there already were made by an administrator: verified.

Revision ID: 9f5b4a7c1d65
Revises: b2d7e9f3a488
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9f5b4a7c1d65"
down_revision = "b2d7e9f3a488"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE users SET email_verified_at = created_at")
    with op.batch_alter_table("password_reset_tokens") as batch:
        batch.add_column(sa.Column("purpose", sa.String(length=10), nullable=False,
                                   server_default="reset"))
    op.create_table(
        "privacy_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_privacy_consents_user_id", "privacy_consents", ["user_id"])
    op.create_table(
        "enterprise_join_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("base_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["base_id"], ["bases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_enterprise_join_requests_user_id", "enterprise_join_requests",
                    ["user_id"])
    op.create_index("ix_enterprise_join_requests_base_id", "enterprise_join_requests",
                    ["base_id"])


def downgrade() -> None:
    op.drop_table("enterprise_join_requests")
    op.drop_table("privacy_consents")
    with op.batch_alter_table("password_reset_tokens") as batch:
        batch.drop_column("purpose")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_verified_at")
