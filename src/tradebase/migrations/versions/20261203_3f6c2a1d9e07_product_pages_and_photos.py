"""Product pages: a listing's unit price range, and its photos (files in the storage, each
re-encoded with a thumbnail).

Revision ID: 3f6c2a1d9e07
Revises: b7d2e4f61a05
Create Date: 2026-12-03 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "3f6c2a1d9e07"
down_revision = "b7d2e4f61a05"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("price_min", sa.Float(), nullable=True))
        batch.add_column(sa.Column("price_max", sa.Float(), nullable=True))
        batch.add_column(sa.Column("price_currency", sa.String(length=3), nullable=True))
    op.create_table(
        "product_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("thumb_key", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"],
                                name=op.f("fk_product_photos_product_id_products"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_photos")),
    )
    op.create_index(op.f("ix_product_photos_product_id"), "product_photos", ["product_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_product_photos_product_id"), table_name="product_photos")
    op.drop_table("product_photos")
    with op.batch_alter_table("products") as batch:
        batch.drop_column("price_currency")
        batch.drop_column("price_max")
        batch.drop_column("price_min")
