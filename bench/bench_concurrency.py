"""Catalog writers and shared tokens under concurrency, on PostgreSQL.

Run from the repository root: ``python -m bench.bench_concurrency`` (``--quick`` imports 10,000
rows instead of 100,000 and measures throughput for less time). It needs
``TRADEBASE_BENCH_POSTGRES_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``);
without it, it says that it skipped. It works in a schema of its own, dropped at the end, and
prints, each next to its baseline from the same run:

1. PATCH latency (p50, p99, max) on products unrelated to a running 100,000-row import, next to
   the same PATCHes with no import running. Before the matching index's change numbers came
   from a sequence, every catalog writer queued on one counter row and a PATCH waited for the
   whole import (81 s in issue 8).
2. Requests per second of 20 concurrent clients sharing one API token, next to 20 clients with
   a token each (the per-request ``last_used_at`` update of a shared token serialises them
   until it is rate-limited; this bench only measures it).

The application runs in-process (Starlette's TestClient, one per client thread), so the
figures are the application's and the database's work without HTTP parsing or network.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tradebase.accounts import service as accounts
from tradebase.accounts.guard import set_actor
from tradebase.accounts.policy import SYSTEM
from tradebase.accounts.roles import Role
from tradebase.db import make_engine
from tradebase.migrate import upgrade
from tradebase.registry import schemas, service, transfer
from tradebase.settings import Settings
from tradebase.web.app import create_app

URL_VARIABLE = "TRADEBASE_BENCH_POSTGRES_URL"
CLIENTS = 20
UNRELATED = 40  # products the PATCHes touch, none of them in the import
PATCHERS = 4


@dataclass
class Fixture:
    url: str  # of the private schema
    engine: Engine
    tokens: list[str]
    product_ids: list[int]


def _settings() -> Settings:
    return Settings(login_limit="1000000/minute", api_limit="100000000/minute",
                    mail_backend="memory")


@contextmanager
def private_schema(url: str) -> Iterator[Fixture]:
    """A migrated schema with one enterprise, ``UNRELATED`` products and ``CLIENTS`` admin
    tokens; dropped afterwards."""
    schema = f"tradebase_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    schema_url = f"{url}{separator}options=-csearch_path%3D{schema}"
    engine = make_engine(schema_url)
    try:
        upgrade(engine)
        with Session(engine) as session:
            set_actor(session, SYSTEM)
            enterprise = service.create_enterprise(
                session=session, data=schemas.EnterpriseCreate(name_en="Bench Works")
            )
            service.create_enterprise(
                session=session, data=schemas.EnterpriseCreate(name_en="Import Works")
            )
            ids = [
                service.create_product(session=session, data=schemas.ProductCreate(
                    sku=f"BENCH-{n}", enterprise_id=enterprise.id, title=f"Rattan chair {n}",
                    moq=10,
                )).id
                for n in range(UNRELATED)
            ]
            tokens = []
            for n in range(CLIENTS):
                user = accounts.create_user(session=session, email=f"bench{n}@example.com",
                                            password="correct horse battery", role=Role.ADMIN)
                tokens.append(accounts.issue_token(session=session, user=user,
                                                   settings=_settings())[0])
            session.commit()
        yield Fixture(url=schema_url, engine=engine, tokens=tokens, product_ids=ids)
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _line(name: str, latencies: list[float], note: str = "") -> str:
    if not latencies:
        return f"{name:<38} no requests"
    ms = [1000 * value for value in latencies]
    return (f"{name:<38} n={len(ms):>5}  p50={statistics.median(ms):8.1f} ms  "
            f"p99={percentile(ms, 0.99):8.1f} ms  max={max(ms):8.1f} ms  {note}")


def _patches(
    app: object, fixture: Fixture, *, clients: int, keep_going: Callable[[int], bool]
) -> list[float]:
    """``clients`` threads PATCHing unrelated products until ``keep_going(done)`` is false."""
    latencies: list[float] = []
    lock = threading.Lock()

    def client_loop(n: int) -> None:
        with TestClient(app, base_url="https://testserver") as client:  # type: ignore[arg-type]
            done = 0
            while keep_going(done):
                product_id = fixture.product_ids[(n * 7 + done) % len(fixture.product_ids)]
                started = time.perf_counter()
                response = client.patch(
                    f"/api/v1/products/{product_id}", json={"moq": 10 + done % 50},
                    headers={"Authorization": f"Bearer {fixture.tokens[n]}"},
                )
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise RuntimeError(f"PATCH answered {response.status_code}: {response.text}")
                with lock:
                    latencies.append(elapsed)
                done += 1
                time.sleep(0.05)  # a user's pace, not a flood: latency, not throughput

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def import_table(rows: int) -> transfer.Table:
    lines = "\n".join(
        f"IMP-{n},Import Works,Imported rattan stool {n},Hand-woven stool number {n},"
        f"pcs,{5 + n % 100},{100 + n % 1000},{10 + n % 60}"
        for n in range(rows)
    )
    header = "sku,enterprise,title,description,unit,moq,monthly_capacity,lead_time_days"
    return transfer.parse_csv(f"{header}\n{lines}\n", "bench-import.csv")


def _run_import(url: str, rows: int, results: multiprocessing.Queue[tuple[int, float]]) -> None:
    """The import, in a process of its own as the CLI or another worker would run it."""
    table = import_table(rows)
    engine = make_engine(url)
    started = time.perf_counter()
    with Session(engine) as session:
        set_actor(session, SYSTEM)
        summary = transfer.import_table(session=session, kind="products", table=table)
        session.commit()
    results.put((summary.created, time.perf_counter() - started))
    engine.dispose()


def bench_patch_during_import(fixture: Fixture, rows: int) -> None:
    # lock_timeout: a PATCH that waited a second for any lock fails instead of queueing.
    impatient = make_engine(f"{fixture.url}%20-clock_timeout%3D1s")
    app = create_app(impatient, settings=_settings())
    print(f"PATCH latency, {PATCHERS} clients at a user's pace, unrelated products, "
          "lock_timeout = 1 s", flush=True)
    baseline = _patches(app, fixture, clients=PATCHERS, keep_going=lambda done: done < 50)
    print(_line("no import running (baseline)", baseline), flush=True)

    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[tuple[int, float]] = context.Queue()
    importer = context.Process(target=_run_import, args=(fixture.url, rows, results))
    importer.start()
    time.sleep(3.0)  # the child parses its file and takes its first locks
    during = _patches(app, fixture, clients=PATCHERS,
                      keep_going=lambda _done: importer.is_alive())
    created, seconds = results.get(timeout=3600)
    importer.join()
    impatient.dispose()
    print(_line(f"during a {rows:,}-row import", during,
                f"(import of {created:,} rows: {seconds:.1f} s)"), flush=True)
    if during:
        ratio = statistics.median(during) / max(statistics.median(baseline), 1e-9)
        print(f"{'':<38} p50 ratio to baseline: {ratio:.2f}x; slowest PATCH "
              f"{1000 * max(during):.0f} ms (goal: under 1,000 ms; none hit lock_timeout)",
              flush=True)


def _throughput(app: object, tokens: list[str], seconds: float, product_id: int) -> float:
    stop = time.perf_counter() + seconds
    counts = [0] * len(tokens)
    barrier = threading.Barrier(len(tokens))

    def client_loop(n: int) -> None:
        with TestClient(app, base_url="https://testserver") as client:  # type: ignore[arg-type]
            barrier.wait()
            while time.perf_counter() < stop:
                response = client.get(f"/api/v1/products/{product_id}",
                                      headers={"Authorization": f"Bearer {tokens[n]}"})
                if response.status_code != 200:
                    raise RuntimeError(f"GET answered {response.status_code}")
                counts[n] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def bench_shared_token(fixture: Fixture, seconds: float) -> None:
    app = create_app(fixture.engine, settings=_settings())
    product_id = fixture.product_ids[0]
    print(f"Authenticated GETs, {CLIENTS} concurrent clients, {seconds:.0f} s each", flush=True)
    separate = _throughput(app, fixture.tokens, seconds, product_id)
    print(f"{'20 clients, 20 tokens (baseline)':<38} {separate:8.1f} requests/s", flush=True)
    shared = _throughput(app, [fixture.tokens[0]] * CLIENTS, seconds, product_id)
    print(f"{'20 clients sharing 1 token':<38} {shared:8.1f} requests/s "
          f"({100 * (shared / separate - 1):+.0f} %)", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_concurrency")
    parser.add_argument("--quick", action="store_true", help="10,000 rows, shorter runs")
    parser.add_argument("--rows", type=int, default=None, help="rows of the import")
    args = parser.parse_args(argv)
    url = os.environ.get(URL_VARIABLE)
    if not url:
        print(f"skipped: concurrency on PostgreSQL (set {URL_VARIABLE}, e.g. "
              "postgresql+psycopg://postgres@127.0.0.1:5432/test)", flush=True)
        return 0
    rows = args.rows or (10_000 if args.quick else 100_000)
    with private_schema(url) as fixture:
        bench_patch_during_import(fixture, rows)
        bench_shared_token(fixture, 3.0 if args.quick else 10.0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
