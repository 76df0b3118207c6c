"""Concurrent writers on PostgreSQL, with real connections (threads, separate sessions) on a
schema this module creates and drops: concurrent PATCHes of one product are serialised so the
stored row is always one request applied whole; a PATCH of an unrelated product does not wait
for a long import (``lock_timeout`` makes waiting fail the test, no wall clock); the matching
index of a worker sees a consistent prefix although change numbers commit out of order."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests.postgres import POSTGRES_URL, PrivateSchema, private_schema
from tradebase.accounts import service as accounts
from tradebase.accounts.guard import set_actor
from tradebase.accounts.policy import SYSTEM
from tradebase.accounts.roles import Role
from tradebase.db import make_engine
from tradebase.docking.index_store import ListingIndex
from tradebase.migrate import upgrade
from tradebase.registry import schemas, service, transfer
from tradebase.registry.models import Product
from tradebase.settings import Settings
from tradebase.web.app import create_app

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs TRADEBASE_TEST_POSTGRES_URL"),
]
WRITERS = 20


@dataclass
class Database:
    schema: PrivateSchema
    engine: Engine
    tokens: list[str]  # one admin token per concurrent client
    enterprise_id: int
    product_ids: list[int]

    def engine_with(self, **options: str) -> Engine:
        """Another engine on the schema whose connections set ``options`` (lock_timeout)."""
        return make_engine(self.schema.url(**options))


def _settings() -> Settings:
    return Settings(login_limit="100000/minute", api_limit="1000000/minute",
                    mail_backend="memory")


@pytest.fixture(scope="module")
def database() -> Iterator[Database]:
    with private_schema("tradebase_conc") as schema:
        engine = make_engine(schema.url())
        try:
            upgrade(engine)
            with Session(engine) as session:
                set_actor(session, SYSTEM)
                enterprise = service.create_enterprise(
                    session=session, data=schemas.EnterpriseCreate(name_en="Concurrent Works")
                )
                products = [
                    service.create_product(session=session, data=schemas.ProductCreate(
                        sku=f"CONC-{n}", enterprise_id=enterprise.id, title=f"Rattan chair {n}",
                        moq=10, lead_time_days=30,
                    ))
                    for n in range(4)
                ]
                tokens = []
                for n in range(WRITERS):
                    user = accounts.create_user(session=session, email=f"admin{n}@example.com",
                                                password="correct horse battery", role=Role.ADMIN)
                    tokens.append(accounts.issue_token(session=session, user=user,
                                                       settings=_settings())[0])
                session.commit()
                yield Database(schema=schema, engine=engine, tokens=tokens,
                               enterprise_id=enterprise.id, product_ids=[p.id for p in products])
        finally:
            engine.dispose()


def _stored(engine: Engine, product_id: int) -> dict[str, object]:
    with Session(engine) as session:
        product = session.get(Product, product_id)
        assert product is not None
        return {"title": product.title, "moq": product.moq,
                "lead_time_days": product.lead_time_days, "description": product.description}


def _reset(engine: Engine, product_id: int) -> None:
    """A state between the two kinds of request: each changes only some columns of it."""
    with Session(engine) as session:
        set_actor(session, SYSTEM)
        service.update_product(session=session, product_id=product_id, data=schemas.ProductUpdate(
            title="Kind A", moq=2, lead_time_days=20, description="start",
        ))
        session.commit()


@pytest.mark.slow
def test_concurrent_patches_leave_one_request_applied_whole(database: Database) -> None:
    """Requests of kind A (title "Kind A", moq 1, lead time 10) and kind B (title "Kind B",
    moq 2, lead time 20) start from title "Kind A", moq 2: relative to that snapshot each
    changes different columns, so writing "only what changed since my snapshot" mixes them."""
    product_id = database.product_ids[0]
    app = create_app(database.engine, settings=_settings())
    bodies = [
        {"title": "Kind A", "moq": 1, "lead_time_days": 10, "description": f"request {n}"}
        if n % 2 == 0 else
        {"title": "Kind B", "moq": 2, "lead_time_days": 20, "description": f"request {n}"}
        for n in range(WRITERS)
    ]
    for _round in range(3):
        _reset(database.engine, product_id)
        barrier = threading.Barrier(WRITERS)
        statuses: list[int] = []

        def patch(n: int, barrier: threading.Barrier = barrier,
                  statuses: list[int] = statuses) -> None:
            with TestClient(app, base_url="https://testserver",
                            raise_server_exceptions=False) as client:
                barrier.wait()
                response = client.patch(
                    f"/api/v1/products/{product_id}", json=bodies[n],
                    headers={"Authorization": f"Bearer {database.tokens[n]}"},
                )
                statuses.append(response.status_code)

        threads = [threading.Thread(target=patch, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [200] * WRITERS
        stored = _stored(database.engine, product_id)
        assert stored in bodies, f"a state no request asked for: {stored}"


@pytest.mark.slow
def test_an_unrelated_patch_does_not_wait_for_an_import(database: Database) -> None:
    """An import holds its transaction open (flushed, not committed); a PATCH of another
    product on connections with ``lock_timeout = 1s`` must not wait for any of its locks."""
    rows = "\n".join(f"IMPORT-{n},Concurrent Works,Imported stool {n},pcs,5"
                     for n in range(2000))
    table = transfer.parse_csv(f"sku,enterprise,title,unit,moq\n{rows}\n", "import.csv")
    importing = Session(database.engine)
    impatient = database.engine_with(lock_timeout="1s")
    try:
        set_actor(importing, SYSTEM)
        summary = transfer.import_table(session=importing, kind="products", table=table)
        assert summary.created == 2000
        importing.flush()  # the import's locks are held until it commits
        app = create_app(impatient, settings=_settings())
        with TestClient(app, base_url="https://testserver",
                        raise_server_exceptions=False) as client:
            response = client.patch(
                f"/api/v1/products/{database.product_ids[1]}", json={"moq": 77},
                headers={"Authorization": f"Bearer {database.tokens[0]}"},
            )
            assert response.status_code == 200, response.text
            # A match during the import sees the PATCH and none of the uncommitted rows.
            found = client.post("/api/v1/docking/match", json={"text": "stool", "top": 50},
                                headers={"Authorization": f"Bearer {database.tokens[0]}"})
            assert found.status_code == 200, found.text
            assert not any(r["sku"].startswith("IMPORT-") for r in found.json()["results"])
    finally:
        importing.rollback()
        importing.close()
        impatient.dispose()
    assert _stored(database.engine, database.product_ids[1])["moq"] == 77


def test_readers_see_a_consistent_prefix_when_changes_commit_out_of_order(
    database: Database,
) -> None:
    """Writer 1 takes a change number first and commits last; a reader that refreshed in
    between must still pick up writer 1's change once it commits."""
    impatient = database.engine_with(lock_timeout="1s")
    first, second = Session(database.engine), Session(impatient)
    reader = ListingIndex()
    try:
        with database.engine.connect() as conn:
            reader.refresh(conn)
        for session in (first, second):
            set_actor(session, SYSTEM)
        early, late = database.product_ids[2], database.product_ids[3]
        service.update_product(session=first, product_id=early, data=schemas.ProductUpdate(
            sku="CONC-EARLY"))
        first.flush()  # took its change number, not committed
        service.update_product(session=second, product_id=late, data=schemas.ProductUpdate(
            sku="CONC-LATE"))
        second.commit()  # a later number, committed first, without waiting for writer 1
        with database.engine.connect() as conn:
            reader.refresh(conn)
        assert reader.index is not None
        assert "CONC-LATE" in reader.index
        assert "CONC-EARLY" not in reader.index
        first.commit()
        with database.engine.connect() as conn:
            reader.refresh(conn)
            assert "CONC-EARLY" in reader.index
            assert sorted(reader.skus.values()) == ListingIndex().current(conn).skus()
    finally:
        first.rollback()
        second.rollback()
        first.close()
        second.close()
        impatient.dispose()
        with Session(database.engine) as session:  # put the skus back for other tests
            set_actor(session, SYSTEM)
            for product_id, sku in ((database.product_ids[2], "CONC-2"),
                                    (database.product_ids[3], "CONC-3")):
                service.update_product(session=session, product_id=product_id,
                                       data=schemas.ProductUpdate(sku=sku))
            session.commit()
    assert session is not None
    with Session(database.engine) as check:
        assert check.scalars(select(Product.sku).where(Product.id == early)).one() == "CONC-2"
