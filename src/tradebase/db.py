"""Engine, session factory and the transaction scope that code outside HTTP uses.

Services take ``session`` keyword-only and never commit: the web request, the CLI command or
the job that calls them owns the transaction (see ``transaction``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from tradebase.settings import get_settings

# Stable constraint names, so that Alembic migrations can name what they alter on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Model(DeclarativeBase):
    """Declarative base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin: the module's own
    # lazy BEGIN breaks SAVEPOINTs (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def make_engine(
    url: str, *, echo: bool = False, connect_timeout: int = 5, pool_timeout: float = 10.0
) -> Engine:
    """An engine for ``url`` with the per-dialect settings Tradebase relies on.

    On a server database, an outage must fail fast and heal by itself: a new connection waits
    at most ``connect_timeout`` seconds, a request waits at most ``pool_timeout`` seconds for
    a pooled one (both then raise, and the web layer answers 503), and every pooled connection
    is pinged when it is checked out (``pool_pre_ping``), so the connections that died with
    the server are replaced without a restart once it is back."""
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    connect_args: dict[str, Any] = {}
    if url.startswith("postgresql"):
        connect_args["connect_timeout"] = connect_timeout
    return create_engine(
        url, echo=echo, pool_pre_ping=True, pool_timeout=pool_timeout, connect_args=connect_args
    )


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: the configured database)."""
    settings = get_settings()
    return make_engine(
        url or settings.database_url, echo=settings.sql_echo,
        connect_timeout=settings.database_connect_timeout,
        pool_timeout=settings.database_pool_timeout,
    )


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` (default: the configured database)."""
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


@contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit when the block ends normally, roll back on any error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
