"""Analytics (issue 12): administrators' exchange rates over the shipped default table,
evaluation schemes with every version kept, and ranking runs with the facts they read.

Revision ID: a7b8c9d0e1f2
Revises: e2f3a4b5c6d7
Create Date: 2026-12-04 18:38:47
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a7b8c9d0e1f2"
down_revision = "e2f3a4b5c6d7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("granularity", sa.String(length=5), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("per_usd", sa.Float(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["users.id"],
            name=op.f("fk_analytics_rates_changed_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_rates")),
        sa.UniqueConstraint(
            "granularity",
            "period",
            "currency",
            name=op.f("uq_analytics_rates_granularity_period_currency"),
        ),
    )
    op.create_table(
        "analytics_schemes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_analytics_schemes_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_schemes")),
        sa.UniqueConstraint("name", name=op.f("uq_analytics_schemes_name")),
    )
    op.create_table(
        "analytics_scheme_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_analytics_scheme_versions_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["analytics_schemes.id"],
            name=op.f("fk_analytics_scheme_versions_scheme_id_analytics_schemes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_scheme_versions")),
        sa.UniqueConstraint(
            "scheme_id", "number", name=op.f("uq_analytics_scheme_versions_scheme_id_number")
        ),
    )
    with op.batch_alter_table("analytics_scheme_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_analytics_scheme_versions_scheme_id"), ["scheme_id"], unique=False
        )

    op.create_table(
        "analytics_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("bases", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_analytics_runs_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["scheme_version_id"],
            ["analytics_scheme_versions.id"],
            name=op.f("fk_analytics_runs_scheme_version_id_analytics_scheme_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_runs")),
    )
    with op.batch_alter_table("analytics_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_analytics_runs_scheme_version_id"), ["scheme_version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("analytics_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_analytics_runs_scheme_version_id"))

    op.drop_table("analytics_runs")
    with op.batch_alter_table("analytics_scheme_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_analytics_scheme_versions_scheme_id"))

    op.drop_table("analytics_scheme_versions")
    op.drop_table("analytics_schemes")
    op.drop_table("analytics_rates")
