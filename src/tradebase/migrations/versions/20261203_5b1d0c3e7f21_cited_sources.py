"""Cited sources: a ``sources`` table (title, publisher, date, language, URL) that indicator
facts refer to, instead of a title and a URL copied onto every fact.

Every distinct (title, URL) pair stored on the facts becomes one source, with the id
``src_`` + the first 16 hex digits of the SHA-256 of "title\\nurl" (deterministic, so the
same data migrates to the same ids on every database); the facts point to it and keep their
quotes. Facts with neither a title nor a URL cite no source. The downgrade copies title and
URL back onto the facts (publisher, date and language have nowhere to go and are dropped).

Revision ID: 5b1d0c3e7f21
Revises: 8a4e1c7b2d95
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "5b1d0c3e7f21"
down_revision = "8a4e1c7b2d95"
branch_labels = None
depends_on = None

_facts = sa.table(
    "indicator_facts", sa.column("id", sa.Integer), sa.column("source_title", sa.String),
    sa.column("source_url", sa.String), sa.column("source_id", sa.String),
)
_sources = sa.table(
    "sources", sa.column("id", sa.String), sa.column("title", sa.String),
    sa.column("publisher", sa.String), sa.column("published_on", sa.Date),
    sa.column("language", sa.String), sa.column("url", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def _source_id(title: str, url: str) -> str:
    return "src_" + hashlib.sha256(f"{title}\n{url}".encode()).hexdigest()[:16]


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("publisher", sa.String(length=200), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
    )
    op.create_index(op.f("ix_sources_url"), "sources", ["url"], unique=False)
    with op.batch_alter_table("indicator_facts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_id", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_indicator_facts_source_id"), ["source_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_indicator_facts_source_id_sources"),
                                    "sources", ["source_id"], ["id"], ondelete="RESTRICT")

    connection = op.get_bind()
    pairs = connection.execute(
        sa.select(_facts.c.source_title, _facts.c.source_url).distinct()
    ).all()
    for title, url in pairs:
        title, url = title or "", url or ""
        if not title and not url:
            continue
        ident = _source_id(title, url)
        values = {"id": ident, "title": title, "publisher": "", "published_on": None,
                  "language": "", "url": url}
        connection.execute(_sources.insert().values(
            **values, created_at=sa.func.current_timestamp()))
        connection.execute(
            _facts.update()
            .where(sa.func.coalesce(_facts.c.source_title, "") == title,
                   sa.func.coalesce(_facts.c.source_url, "") == url)
            .values(source_id=ident)
        )

    with op.batch_alter_table("indicator_facts", schema=None) as batch_op:
        batch_op.drop_column("source_url")
        batch_op.drop_column("source_title")


def downgrade() -> None:
    with op.batch_alter_table("indicator_facts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_title", sa.String(length=300), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("source_url", sa.String(length=500), nullable=False,
                                      server_default=""))
    connection = op.get_bind()
    for ident, title, url in connection.execute(
        sa.select(_sources.c.id, _sources.c.title, _sources.c.url)
    ).all():
        connection.execute(_facts.update().where(_facts.c.source_id == ident)
                           .values(source_title=title, source_url=url))
    with op.batch_alter_table("indicator_facts", schema=None) as batch_op:
        batch_op.alter_column("source_title", server_default=None)
        batch_op.alter_column("source_url", server_default=None)
        batch_op.drop_constraint(batch_op.f("fk_indicator_facts_source_id_sources"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_indicator_facts_source_id"))
        batch_op.drop_column("source_id")
    op.drop_index(op.f("ix_sources_url"), table_name="sources")
    op.drop_table("sources")
