"""Listing vectors: the int8 sentence embedding of each product, beside its matching
features (docking/embedding.py, docking/vector_store.py).

Revision ID: e7b5d20c4f18
Revises: b7d2e4f1a6c3
Create Date: 2026-12-02 18:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e7b5d20c4f18"
down_revision = "b7d2e4f1a6c3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "listing_vectors",
        sa.Column("product_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("scale", sa.Float(), nullable=False),
        sa.Column("passage_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"],
                                name=op.f("fk_listing_vectors_product_id_products"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_listing_vectors")),
    )


def downgrade() -> None:
    op.drop_table("listing_vectors")
