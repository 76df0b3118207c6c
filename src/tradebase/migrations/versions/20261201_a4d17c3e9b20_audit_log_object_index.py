"""The audit log: one index on (table, object id, id) for an object's history and the table
filter (it replaces the index on the table alone); the index on time is there already.

Revision ID: a4d17c3e9b20
Revises: 5e2a9c1f7b30
Create Date: 2026-12-01 23:20:00
"""

from __future__ import annotations

from alembic import op

revision = "a4d17c3e9b20"
down_revision = "5e2a9c1f7b30"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_log_entity_object", ["entity", "entity_id", "id"], unique=False
        )
        batch_op.drop_index(batch_op.f("ix_audit_log_entity"))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_entity"), ["entity"], unique=False)
        batch_op.drop_index("ix_audit_log_entity_object")
