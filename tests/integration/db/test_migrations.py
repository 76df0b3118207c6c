"""The one Alembic tree creates exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from tradebase.db import Model
from tradebase.models import load_all_models
from tradebase.registry.search import include_name


def test_models_and_migrations_agree(engine: Engine) -> None:
    load_all_models()
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, Model.metadata)
    assert differences == []

