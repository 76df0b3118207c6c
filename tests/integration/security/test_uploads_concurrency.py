"""Overlapping imports on PostgreSQL with real concurrent connections (issue 8, defect 3).

Each test builds its own schema (committed data, several connections), runs the first import
in a thread that holds its transaction open, starts the second one, waits until PostgreSQL
shows the second one waiting on a lock (``pg_stat_activity``; no wall clock is measured), then
lets the first commit. The outcome must be one file applied whole after the other, or a clear
``Conflict`` with nothing written: never a torn mix of the two files, never a raw
IntegrityError.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from tests.postgres import POSTGRES_URL, PrivateSchema, private_schema
from tradebase import db
from tradebase import settings as tradebase_settings
from tradebase.cli import app as cli_app
from tradebase.db import make_engine
from tradebase.errors import Conflict
from tradebase.migrate import upgrade
from tradebase.registry import schemas, service
from tradebase.registry.models import Product
from tradebase.registry.transfer import ImportSummary, import_file
from tradebase.uow import unit_of_work

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs TRADEBASE_TEST_POSTGRES_URL"),
]

ENTERPRISE = "Overlap Stool Works"
COUNT = 200


@pytest.fixture
def pg() -> Iterator[tuple[Engine, Engine, PrivateSchema]]:
    """(engine on a fresh migrated schema holding one enterprise and its products, an
    autocommit engine to watch the server, the schema)."""
    with private_schema("uploads") as schema:
        engine = make_engine(schema.url())
        try:
            upgrade(engine)
            with unit_of_work(engine=engine) as session:
                enterprise = service.create_enterprise(
                    session=session, data=schemas.EnterpriseCreate(name_en=ENTERPRISE))
                session.add_all(
                    Product(sku=f"P-{n:03}", enterprise_id=enterprise.id, title=f"Stool {n}",
                            moq=10) for n in range(COUNT)
                )
            yield engine, schema.admin, schema
        finally:
            engine.dispose()


def _csv(path: Path, rows: list[tuple[str, str, int]]) -> Path:
    lines = ["sku,enterprise,title,moq", *(f"{sku},{ENTERPRISE},{title},{moq}"
                                           for sku, title, moq in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _wait_until_blocked(admin: Engine, *, by: int, pid: int | None = None,
                       application: str | None = None) -> None:
    """Until PostgreSQL shows that backend waiting on a lock held by backend ``by`` (a
    condition, not a duration: the generous bound only keeps a broken run from hanging).
    Waiting on any lock is not enough: tests in other workers share the database."""
    where = "pid = :key" if pid is not None else "application_name = :key"
    query = text(f"SELECT count(*) FROM pg_stat_activity WHERE {where} "
                 "AND CAST(:by AS integer) = ANY(pg_blocking_pids(pid))")
    for _ in range(6000):
        with admin.connect() as conn:
            key = pid if pid is not None else application
            if conn.execute(query, {"key": key, "by": by}).scalar():
                return
        time.sleep(0.02)
    raise AssertionError("the second writer never waited on the first one")


class Overlap:
    """The first import holds its transaction open until ``release``; the second runs in
    another thread and records its summary or error."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.written = threading.Event()
        self.release = threading.Event()
        self.results: dict[str, Any] = {}
        self.first_pid: list[int] = []
        self.second_pid: list[int] = []

    def hold(self, path: Path) -> None:
        try:
            with unit_of_work(engine=self.engine) as session:
                self.first_pid.append(session.execute(text("SELECT pg_backend_pid()"))
                                      .scalar_one())
                self.results["first"] = import_file(session=session, kind="products", path=path)
                self.written.set()
                assert self.release.wait(120)
        except Exception as exc:  # reported to the test thread
            self.results["first_error"] = exc
            self.written.set()

    def second(self, path: Path) -> None:
        try:
            with unit_of_work(engine=self.engine) as session:
                session.execute(text("SET LOCAL lock_timeout = '120s'"))
                self.second_pid.append(session.execute(text("SELECT pg_backend_pid()"))
                                       .scalar_one())
                self.results["second"] = import_file(session=session, kind="products",
                                                     path=path)
        except Exception as exc:  # reported to the test thread
            self.results["second_error"] = exc

    def run(self, admin: Engine, first: Path, second: Path) -> dict[str, Any]:
        holder = threading.Thread(target=self.hold, args=(first,))
        holder.start()
        assert self.written.wait(120)
        assert "first_error" not in self.results, self.results
        other = threading.Thread(target=self.second, args=(second,))
        other.start()
        while not self.second_pid and other.is_alive():
            time.sleep(0.01)
        _wait_until_blocked(admin, by=self.first_pid[0], pid=self.second_pid[0])
        self.release.set()
        holder.join(120)
        other.join(120)
        return self.results


def _stored(engine: Engine, prefix: str) -> dict[str, tuple[str, int | None]]:
    with unit_of_work(engine=engine) as session:
        return {p.sku: (p.title, p.moq) for p in session.scalars(
            select(Product).where(Product.sku.startswith(prefix)))}


def test_overlapping_updating_imports_apply_one_file_whole_after_the_other(
    pg: tuple[Engine, Engine, PrivateSchema], tmp_path: Path
) -> None:
    engine, admin, _ = pg
    titles = _csv(tmp_path / "titles.csv",
                  [(f"P-{n:03}", f"Retitled {n}", 10) for n in range(COUNT)])
    moqs = _csv(tmp_path / "moqs.csv", [(f"P-{n:03}", f"Stool {n}", 50) for n in range(COUNT)])
    results = Overlap(engine).run(admin, titles, moqs)
    assert "second_error" not in results, results
    first: ImportSummary = results["first"]
    second: ImportSummary = results["second"]
    assert (first.updated, second.updated) == (COUNT, COUNT)
    # The second file was applied whole, over the first one's committed rows: every row is
    # exactly the second file's, never the first file's title with the second's MOQ.
    assert _stored(engine, "P-") == {f"P-{n:03}": (f"Stool {n}", 50) for n in range(COUNT)}


def test_overlapping_imports_of_new_skus_serialise_instead_of_failing(
    pg: tuple[Engine, Engine, PrivateSchema], tmp_path: Path
) -> None:
    engine, admin, _ = pg
    first_file = _csv(tmp_path / "a.csv", [(f"N-{n:03}", f"First {n}", 5) for n in range(100)])
    second_file = _csv(tmp_path / "b.csv", [(f"N-{n:03}", f"Second {n}", 7)
                                            for n in range(100)])
    results = Overlap(engine).run(admin, first_file, second_file)
    assert "second_error" not in results, results
    assert (results["first"].created, results["first"].updated) == (100, 0)
    assert (results["second"].created, results["second"].updated) == (0, 100)
    assert _stored(engine, "N-") == {f"N-{n:03}": (f"Second {n}", 7) for n in range(100)}


def _hold_new_product(engine: Engine, sku: str, application: str, admin: Engine,
                      flushed: threading.Event, done: threading.Event) -> None:
    """Create ``sku`` outside any import, and commit once another writer waits on it."""
    with unit_of_work(engine=engine) as session:
        enterprise_id = session.scalars(select(Product.enterprise_id).limit(1)).one()
        service.create_product(session=session, data=schemas.ProductCreate(
            sku=sku, enterprise_id=enterprise_id, title="Made by hand"))
        session.flush()
        flushed.set()
        own = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        _wait_until_blocked(admin, by=own, application=application)
    done.set()


def test_a_key_taken_by_another_writer_meanwhile_is_a_conflict_not_a_crash(
    pg: tuple[Engine, Engine, PrivateSchema], tmp_path: Path
) -> None:
    engine, admin, schema = pg
    application = f"uploads-{uuid.uuid4().hex[:8]}"
    racer = make_engine(schema.url(application=application))
    flushed, done = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_new_product,
                              args=(engine, "R-001", application, admin, flushed, done))
    holder.start()
    assert flushed.wait(120)
    path = _csv(tmp_path / "r.csv", [("R-000", "Import", 3), ("R-001", "Import", 3)])
    try:
        with pytest.raises(Conflict) as caught, unit_of_work(engine=racer) as session:
            import_file(session=session, kind="products", path=path)
    finally:
        holder.join(120)
        racer.dispose()
    assert done.is_set()
    assert "import the file again" in caught.value.message
    assert caught.value.status_code == 409
    assert _stored(engine, "R-") == {"R-001": ("Made by hand", None)}  # nothing of the file


@pytest.fixture
def cli_on(
    pg: tuple[Engine, Engine, PrivateSchema], monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    application = f"uploads-cli-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("TRADEBASE_DATABASE_URL", pg[2].url(application=application))
    tradebase_settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
    yield application
    db.get_engine().dispose()
    tradebase_settings.get_settings.cache_clear()
    db.get_engine.cache_clear()


def test_the_cli_reports_such_a_conflict_without_a_traceback(
    pg: tuple[Engine, Engine, PrivateSchema], cli_on: str, tmp_path: Path
) -> None:
    engine, admin, _ = pg
    flushed, done = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_new_product,
                              args=(engine, "C-001", cli_on, admin, flushed, done))
    holder.start()
    assert flushed.wait(120)
    path = _csv(tmp_path / "c.csv", [("C-001", "Import", 3)])
    try:
        result = CliRunner().invoke(cli_app, ["import", "products", str(path)])
    finally:
        holder.join(120)
    assert result.exit_code == 1, result.output
    assert "import the file again" in result.output
    assert "Traceback" not in result.output
    assert "IntegrityError" not in result.output


def _import_waiting_at_most(engine: Engine, path: Path, timeout: str) -> None:
    with unit_of_work(engine=engine) as session:
        session.execute(text(f"SET LOCAL lock_timeout = '{timeout}'"))
        import_file(session=session, kind="products", path=path)


def test_an_import_that_gives_up_waiting_is_a_conflict(
    pg: tuple[Engine, Engine, PrivateSchema], tmp_path: Path
) -> None:
    """Waiting is measured by PostgreSQL's lock_timeout: an import that cannot get its turn
    within it fails whole with a Conflict, not a raw OperationalError."""
    engine, _, _ = pg
    overlap = Overlap(engine)
    first = _csv(tmp_path / "a.csv", [("P-000", "First", 10)])
    holder = threading.Thread(target=overlap.hold, args=(first,))
    holder.start()
    try:
        assert overlap.written.wait(120)
        second = _csv(tmp_path / "b.csv", [("P-000", "Second", 10), ("W-1", "New", 1)])
        with pytest.raises(Conflict) as caught:
            _import_waiting_at_most(engine, second, "100ms")
    finally:
        overlap.release.set()
        holder.join(120)
    assert "import the file again" in caught.value.message
    assert _stored(engine, "W-") == {}
    assert _stored(engine, "P-000") == {"P-000": ("First", 10)}
