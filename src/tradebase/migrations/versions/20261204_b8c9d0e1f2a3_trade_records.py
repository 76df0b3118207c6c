"""Trade-flow records (issue 12): one reporter's flow of one product with one partner in one
period, imported from our own files, UN Comtrade's and CEPII BACI's.

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
Create Date: 2026-12-04 18:34:16
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b8c9d0e1f2a3"
down_revision = "a7b8c9d0e1f2"
branch_labels = None
depends_on = None

_ONE_REPORTER = (
    "(CASE WHEN base_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN enterprise_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN region_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN reporter_country IS NULL THEN 0 ELSE 1 END) = 1"
)


def upgrade() -> None:
    op.create_table(
        "trade_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reporter", sa.String(length=40), nullable=False),
        sa.Column("reporter_kind", sa.String(length=10), nullable=False),
        sa.Column("base_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("reporter_country", sa.String(length=3), nullable=True),
        sa.Column("flow", sa.String(length=10), nullable=False),
        sa.Column("hs_written", sa.String(length=40), nullable=False),
        sa.Column("hs_edition", sa.SmallInteger(), nullable=False),
        sa.Column("hs2022", sa.String(length=6), nullable=True),
        sa.Column("partner", sa.String(length=3), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("source_file", sa.String(length=200), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.CheckConstraint(_ONE_REPORTER, name=op.f("ck_trade_records_one_reporter")),
        sa.CheckConstraint("month IS NULL OR (month >= 1 AND month <= 12)",
                           name=op.f("ck_trade_records_month")),
        sa.ForeignKeyConstraint(["base_id"], ["bases.id"],
                                name=op.f("fk_trade_records_base_id_bases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"],
                                name=op.f("fk_trade_records_enterprise_id_enterprises"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"],
                                name=op.f("fk_trade_records_region_id_regions"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trade_records")),
    )
    with op.batch_alter_table("trade_records", schema=None) as batch_op:
        batch_op.create_index("ix_trade_records_reporter_flow_year",
                              ["reporter", "flow", "year"], unique=False)
        batch_op.create_index("ix_trade_records_flow_year_hs2022", ["flow", "year", "hs2022"],
                              unique=False)
        for column in ("base_id", "enterprise_id", "region_id"):
            where = sa.text(f"{column} IS NOT NULL")
            batch_op.create_index(f"ix_trade_records_{column}", [column], unique=False,
                                  postgresql_where=where, sqlite_where=where)


def downgrade() -> None:
    with op.batch_alter_table("trade_records", schema=None) as batch_op:
        for column in ("region_id", "enterprise_id", "base_id"):
            batch_op.drop_index(f"ix_trade_records_{column}")
        batch_op.drop_index("ix_trade_records_flow_year_hs2022")
        batch_op.drop_index("ix_trade_records_reporter_flow_year")
    op.drop_table("trade_records")
