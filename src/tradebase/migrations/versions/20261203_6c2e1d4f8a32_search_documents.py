"""Search documents: the normalised words of every base, enterprise, listing and HS code, and
the full-text index over them (FTS5 on SQLite, GIN on PostgreSQL; registry/search.py).

Back-fills the documents of the rows already there.

Revision ID: 6c2e1d4f8a32
Revises: 5b1d0c3e7f21
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tradebase.registry import search

revision = "6c2e1d4f8a32"
down_revision = "5b1d0c3e7f21"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("kind", "object_id",
                            name=op.f("uq_search_documents_kind_object_id")),
    )
    connection = op.get_bind()
    search.rebuild(connection)  # before the full-text index: building it at once is faster
    search.create_search_schema(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        for name in ("search_documents_ai", "search_documents_ad", "search_documents_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"DROP TABLE IF EXISTS {search.FTS_TABLE}")
    op.drop_table("search_documents")
