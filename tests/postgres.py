"""A PostgreSQL schema of a test's own, for the shared ``engine`` of conftest and for tests
that commit, migrate by hand or need real concurrent connections: created under a random
name, reached through ``search_path`` in the connection URL, dropped with everything in it
afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

POSTGRES_URL = os.environ.get("TRADEBASE_TEST_POSTGRES_URL")


@dataclass(frozen=True)
class PrivateSchema:
    name: str
    admin: Engine
    """An autocommit engine on the server, outside the schema (to watch the server)."""

    def url(self, *, application: str = "", **settings: str) -> str:
        """The URL of connections whose ``search_path`` is the schema, with further server
        ``settings`` (``lock_timeout="1s"``) and an ``application_name``."""
        assert POSTGRES_URL
        separator = "&" if "?" in POSTGRES_URL else "?"
        flags = "".join(f"%20-c{name}%3D{value}" for name, value in settings.items())
        url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{self.name}{flags}"
        return f"{url}&application_name={application}" if application else url


@contextmanager
def private_schema(prefix: str) -> Iterator[PrivateSchema]:
    """A new schema named ``<prefix>_<random>``, dropped on leaving (dispose the engines on it
    first)."""
    assert POSTGRES_URL, "needs TRADEBASE_TEST_POSTGRES_URL"
    schema = PrivateSchema(f"{prefix}_{uuid.uuid4().hex[:10]}",
                           create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT"))
    with schema.admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema.name}"'))
    try:
        yield schema
    finally:
        with schema.admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema.name}" CASCADE'))
        schema.admin.dispose()
