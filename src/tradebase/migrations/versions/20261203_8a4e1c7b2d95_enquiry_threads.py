"""Enquiry threads: the messages between a buyer and a factory on one enquiry, the files
sent with them, and the read receipts (one row per message and reader).

Revision ID: 8a4e1c7b2d95
Revises: 3f6c2a1d9e07
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "8a4e1c7b2d95"
down_revision = "3f6c2a1d9e07"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "docking_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enquiry_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enquiry_id"], ["docking_enquiries.id"],
                                name=op.f("fk_docking_messages_enquiry_id_docking_enquiries"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"],
                                name=op.f("fk_docking_messages_author_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_docking_messages")),
    )
    op.create_index(op.f("ix_docking_messages_enquiry_id"), "docking_messages", ["enquiry_id"],
                    unique=False)
    op.create_table(
        "docking_message_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["docking_messages.id"],
            name=op.f("fk_docking_message_attachments_message_id_docking_messages"),
            ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_docking_message_attachments")),
        sa.UniqueConstraint("key", name=op.f("uq_docking_message_attachments_key")),
    )
    op.create_index(op.f("ix_docking_message_attachments_message_id"),
                    "docking_message_attachments", ["message_id"], unique=False)
    op.create_table(
        "docking_message_reads",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["docking_messages.id"],
            name=op.f("fk_docking_message_reads_message_id_docking_messages"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_docking_message_reads_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id", "user_id", name=op.f("pk_docking_message_reads")),
    )
    op.create_index(op.f("ix_docking_message_reads_user_id"), "docking_message_reads",
                    ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_docking_message_reads_user_id"), table_name="docking_message_reads")
    op.drop_table("docking_message_reads")
    op.drop_index(op.f("ix_docking_message_attachments_message_id"),
                  table_name="docking_message_attachments")
    op.drop_table("docking_message_attachments")
    op.drop_index(op.f("ix_docking_messages_enquiry_id"), table_name="docking_messages")
    op.drop_table("docking_messages")
