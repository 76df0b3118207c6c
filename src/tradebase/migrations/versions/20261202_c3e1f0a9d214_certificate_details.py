"""Certificates: issuer, number, validity dates and a file for each certification of an
enterprise or a listing, and whether its lapse has reached the matching index.

Revision ID: c3e1f0a9d214
Revises: a4d17c3e9b20
Create Date: 2026-12-02 11:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c3e1f0a9d214"
down_revision = "a4d17c3e9b20"
branch_labels = None
depends_on = None

_TABLES = ("enterprise_certifications", "product_certifications")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("issuer", sa.String(200), nullable=False,
                                          server_default=""))
            batch_op.add_column(sa.Column("number", sa.String(100), nullable=False,
                                          server_default=""))
            batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
            batch_op.add_column(sa.Column("valid_until", sa.Date(), nullable=True))
            batch_op.add_column(sa.Column("file_key", sa.String(200), nullable=True))
            batch_op.add_column(sa.Column("lapse_indexed", sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
            batch_op.create_index(f"ix_{table}_valid_until", ["valid_until"], unique=False)


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_valid_until")
            for column in ("lapse_indexed", "file_key", "valid_until", "valid_from", "number",
                           "issuer"):
                batch_op.drop_column(column)
