"""Alembic environment: one migration tree for every context's tables."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from tradebase.db import Model, make_engine
from tradebase.models import load_all_models
from tradebase.registry.search import include_name
from tradebase.settings import get_settings

load_all_models()
target_metadata = Model.metadata
config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying
        compare_type=True,
        include_name=include_name,  # the full-text index is outside the models
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # tests and `tradebase init` hand over their own connection
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or get_settings().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
