"""The register's search on 100,000 listings: the substring search it replaced (LIKE on the
title, the SKU and every translated title) against the full-text index, on the same database.

Run from the repository root: ``python -m bench.bench_search [--rows N] [--postgres URL]``.
Builds a throw-away database (SQLite in a temporary file; PostgreSQL in its own schema when
``--postgres`` is given), writes N synthetic listings with English and Chinese titles, times
the index's back-fill (``search.rebuild``) and its rewrite of every listing (``index_objects``,
what the flush listener does during an import), then times each query both ways (median of
several rounds, the total count and the first page of 20, as ``/search`` asks for them).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, create_engine, exists, func, insert, or_, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tradebase.db import make_engine
from tradebase.migrate import upgrade
from tradebase.registry import search, service
from tradebase.registry.models import Base, Enterprise, Product, ProductTitle
from tradebase.registry.service import ListFilters, search_patterns

NOUNS = [("chair", "椅"), ("lantern", "灯笼"), ("table", "桌"), ("basket", "篮"), ("lamp", "灯"),
         ("cup", "杯"), ("teapot", "茶壶"), ("scarf", "围巾"), ("knife", "刀"),
         ("armchair", "扶手椅"), ("box", "盒"), ("shelf", "架"), ("glove", "手套"),
         ("candle", "蜡烛"), ("mat", "垫")]
ADJECTIVES = [("rattan", "藤编"), ("red", "红色"), ("carved", "雕刻"), ("bamboo", "竹"),
              ("silk", "丝绸"), ("ceramic", "陶瓷"), ("folding", "折叠"), ("woven", "编织"),
              ("iron", "铁艺"), ("glass", "玻璃"), ("wooden", "木质"), ("steel", "钢")]
QUERIES = ["chair", "chairs", "lanterns", "red lanterns", "carved wooden box", "藤椅", "红色灯笼",
           "teapot", "knives", "zzz"]


def _rows(n: int, enterprise_ids: list[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(7)
    products, titles = [], []
    for i in range(1, n + 1):
        (a, a_zh), (b, b_zh) = rng.sample(ADJECTIVES, 2)
        noun, noun_zh = rng.choice(NOUNS)
        plural = "s" if rng.random() < 0.4 else ""
        products.append({"id": i, "sku": f"B-{i:07d}", "enterprise_id": rng.choice(enterprise_ids),
                         "title": f"{a.title()} {b} {noun}{plural}, {rng.randint(10, 90)} cm",
                         "unit": "pcs", "description": "", "hs_candidates": [], "is_sample": False,
                         "version": 1})
        titles.append({"product_id": i, "lang": "zh", "text": f"{a_zh}{b_zh}{noun_zh}"})
    return products, titles


def _populate(session: Session, n: int) -> None:
    session.execute(insert(Base), [{"key": "bench", "name_en": "Bench base", "name_zh": "基地"}])
    base_id = session.scalars(select(Base.id)).one()
    session.execute(insert(Enterprise), [
        {"name_en": f"Bench Enterprise {i}", "name_zh": f"企业{i}", "base_id": base_id}
        for i in range(100)
    ])
    enterprise_ids = list(session.scalars(select(Enterprise.id)))
    products, titles = _rows(n, enterprise_ids)
    for start in range(0, n, 10_000):
        session.execute(insert(Product), products[start : start + 10_000])
        session.execute(insert(ProductTitle), titles[start : start + 10_000])


def _like_products(q: str) -> Select[Any]:
    """The listings' search as it was before the index (service.list_products up to 31986e4)."""
    stmt = select(Product).order_by(Product.id)
    for pattern in search_patterns(q):
        stmt = stmt.where(or_(
            Product.title.ilike(pattern, escape="\\"), Product.sku.ilike(pattern, escape="\\"),
            exists().where(ProductTitle.product_id == Product.id,
                           ProductTitle.text.ilike(pattern, escape="\\")),
        ))
    return stmt


def _time(action: Callable[[], int], rounds: int) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        found = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, found


def run(engine: Engine, n: int, rounds: int) -> None:
    upgrade(engine)
    with Session(engine) as session:
        start = time.perf_counter()
        _populate(session, n)
        session.commit()
        elapsed = time.perf_counter() - start
        print(f"{engine.dialect.name}: {n:,} listings written in {elapsed:.1f} s")
        start = time.perf_counter()
        documents = search.rebuild(session.connection())
        session.commit()
        print(f"  back-fill of the index: {documents:,} documents in "
              f"{time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        ids = list(session.scalars(select(Product.id)))
        search.index_objects(session.connection(), search.PRODUCT, ids)
        session.commit()
        print(f"  rewrite of every listing's document (the import's share): "
              f"{time.perf_counter() - start:.1f} s")
        if engine.dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
        print(f"  {'query':<20} {'LIKE ms':>9} {'found':>7} {'index ms':>9} {'found':>7}")
        for q in QUERIES:
            def old(q: str = q) -> int:
                stmt = _like_products(q)
                total = session.scalar(select(func.count()).select_from(
                    stmt.order_by(None).subquery())) or 0
                list(session.scalars(stmt.limit(20)).unique())
                return total

            def new(q: str = q) -> int:
                return service.list_products(session=session, filters=ListFilters(q=q),
                                             limit=20)[1]

            like_ms, like_found = _time(old, rounds)
            index_ms, index_found = _time(new, rounds)
            print(f"  {q:<20} {like_ms:>9.1f} {like_found:>7} {index_ms:>9.1f} {index_found:>7}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", help="a PostgreSQL URL to run on too (own schema)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        run(engine, args.rows, args.rounds)
        engine.dispose()
    if args.postgres:
        schema = f"bench_search_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            engine = make_engine(f"{args.postgres}?options=-csearch_path%3D{schema}")
            run(engine, args.rows, args.rounds)
            engine.dispose()
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
