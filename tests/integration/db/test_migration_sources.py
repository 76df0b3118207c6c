"""The cited-sources migration (5b1d0c3e7f21): the title and URL copied onto each fact become
one source per distinct pair, the facts point to it and keep their quotes; the downgrade
copies them back. On SQLite and, when configured, PostgreSQL (a schema of its own)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from tests.conftest import BACKENDS
from tests.postgres import private_schema
from tradebase import db
from tradebase.migrate import alembic_config

BEFORE, AFTER = "8a4e1c7b2d95", "5b1d0c3e7f21"


@pytest.fixture(params=BACKENDS)
def bare_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of each backend, for migrating by hand."""
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    with private_schema("tradebase_mig") as schema:
        engine = db.make_engine(schema.url())
        try:
            yield engine
        finally:
            engine.dispose()


def _migrate(engine: Engine, direction: str, revision: str) -> None:
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)


FACTS = [  # id, title, url, quote
    (1, "County report 2020", "https://example.org/r", "产值200亿元"),
    (2, "County report 2020", "https://example.org/r", "进出口17亿元"),
    (3, "County report 2020", "", "same title, no address: another source"),
    (4, "", "", "no source at all"),
    (5, "", "https://example.org/only-url", "an address without a title"),
]


def _old_rows(engine: Engine) -> None:
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO bases (id, key, name_zh, name_en, description_zh, description_en, "
            "created_at, updated_at, version) VALUES (1, 'b', '基地', 'Base', '', '', :now, "
            ":now, 1)"), {"now": now})
        for ident, title, url, quote in FACTS:
            connection.execute(sa.text(
                "INSERT INTO indicator_facts (id, base_id, metric, value, unit, source_title, "
                "source_url, source_quote, note, is_sample, created_at, updated_at, version) "
                "VALUES (:id, 1, 'employees', :id, 'persons', :title, :url, :quote, '', "
                ":no, :now, :now, 1)"),
                {"id": ident, "title": title, "url": url, "quote": quote, "now": now,
                 "no": False})


def test_sources_migrate_up_and_down_keeping_every_citation(bare_engine: Engine) -> None:
    _migrate(bare_engine, "upgrade", BEFORE)
    _old_rows(bare_engine)

    _migrate(bare_engine, "upgrade", AFTER)
    with bare_engine.connect() as connection:
        sources = {row.id: row for row in connection.execute(sa.text(
            "SELECT id, title, url, publisher, published_on, language FROM sources"))}
        facts = connection.execute(sa.text(
            "SELECT f.id, s.title, s.url, f.source_quote, f.source_id FROM indicator_facts f "
            "LEFT JOIN sources s ON s.id = f.source_id ORDER BY f.id")).all()
        columns = {c["name"] for c in sa.inspect(connection).get_columns("indicator_facts")}
    assert len(sources) == 3  # one per distinct (title, URL); none for the uncited fact
    assert {(s.title, s.url, s.publisher, s.published_on, s.language)
            for s in sources.values()} == {
        ("County report 2020", "https://example.org/r", "", None, ""),
        ("County report 2020", "", "", None, ""),
        ("", "https://example.org/only-url", "", None, "")}
    assert [(f.id, f.title or "", f.url or "", f.source_quote) for f in facts] == FACTS
    assert facts[0].source_id == facts[1].source_id
    assert facts[3].source_id is None
    assert all(ident.startswith("src_") for ident in sources)
    assert not {"source_title", "source_url"} & columns

    _migrate(bare_engine, "downgrade", BEFORE)
    with bare_engine.connect() as connection:
        back = connection.execute(sa.text(
            "SELECT id, source_title, source_url, source_quote FROM indicator_facts "
            "ORDER BY id")).all()
        tables = sa.inspect(connection).get_table_names()
    assert [tuple(row) for row in back] == FACTS
    assert "sources" not in tables

    _migrate(bare_engine, "upgrade", AFTER)  # and up again, to the same ids
    with bare_engine.connect() as connection:
        again = set(connection.execute(sa.text("SELECT id FROM sources")).scalars())
    assert again == set(sources)
