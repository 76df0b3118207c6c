"""Trade-record import: rows per second on SQLite and PostgreSQL, for generated files.

``python -m bench.bench_trade_import [--rows N] [--quick]`` writes a BACI file
(``BACI_HS17_Y2022_V202401.csv``: t,i,j,k,v,q over HS 2017 codes and numeric countries) and a
file of our own format of the same size, imports each into a fresh SQLite database and, when
``TRADEBASE_BENCH_POSTGRES_URL`` is set (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/
test``), into a fresh PostgreSQL schema, and prints the rows per second of the whole import
(reading, checking, writing, commit). Targets: 100,000 rows/s on PostgreSQL, 20,000 on SQLite.
The baseline in the same run: a plain ``csv.reader`` pass over the file (the floor of any
reader of it).
"""

from __future__ import annotations

import csv
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tradebase.accounts.guard import set_actor
from tradebase.accounts.policy import SYSTEM
from tradebase.analytics.trade_import import import_trade_file
from tradebase.analytics.trade_models import TradeRecord
from tradebase.db import make_engine
from tradebase.migrate import upgrade
from tradebase.registry import hs_codes

TARGETS = {"sqlite": 20_000, "postgresql": 100_000}
COUNTRIES = (156, 842, 276, 251, 392, 410, 699, 76, 36, 124, 490, 528, 724, 380, 826, 764,
             704, 360, 458, 608, 484, 710, 566, 818, 682, 784, 643, 792, 32, 152)


def write_baci(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    codes = sorted(hs_codes.hs_tables().older[2017])[:3000]
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["t", "i", "j", "k", "v", "q"])
        for _ in range(rows):
            i, j = rng.sample(COUNTRIES, 2)
            out.writerow([2022, i, j, codes[rng.randrange(len(codes))].lstrip("0"),
                          f"{rng.random() * 500:.3f}", f"{rng.random() * 90:.3f}"])


def write_own(path: Path, rows: int, seed: int = 2) -> None:
    rng = random.Random(seed)
    codes = sorted(hs_codes.hs_tables().subheadings)[:3000]
    alpha = ("CHN", "USA", "DEU", "FRA", "JPN", "KOR", "IND", "BRA", "AUS", "CAN", "TWN")
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["reporter", "flow", "hs", "partner", "year", "month", "value",
                      "currency", "quantity", "unit"])
        for _ in range(rows):
            reporter, partner = rng.sample(alpha, 2)
            out.writerow([f"country:{reporter}", "export", codes[rng.randrange(len(codes))],
                          partner, 2020 + rng.randrange(4), rng.randrange(1, 13),
                          f"{rng.random() * 1e6:.2f}", "USD", f"{rng.random() * 1e3:.1f}",
                          "kg"])


def baseline(path: Path) -> float:
    started = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        for _ in csv.reader(handle):
            pass
    return time.perf_counter() - started


def timed_import(engine: Engine, path: Path, source: str) -> tuple[int, float, float]:
    """(rows written, wall seconds, this process's CPU seconds)."""
    started = time.perf_counter()
    cpu = time.process_time()
    with Session(engine) as session:
        set_actor(session, SYSTEM)
        summary = import_trade_file(session=session, path=path, source=source)
        session.commit()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    with Session(engine) as session:
        stored = session.execute(select(func.count()).select_from(TradeRecord)).scalar_one()
    assert stored >= summary.written, (stored, summary.written)
    return summary.written, seconds, cpu


@contextmanager
def sqlite_engine() -> Iterator[Engine]:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()


@contextmanager
def postgres_engine(url: str) -> Iterator[Engine]:
    schema = f"tradebase_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    engine = make_engine(f"{url}{separator}options=-csearch_path%3D{schema}")
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main(argv: list[str]) -> int:
    rows = 1_000_000
    if "--quick" in argv:
        rows = 100_000
    if "--rows" in argv:
        rows = int(argv[argv.index("--rows") + 1])
    url = os.environ.get("TRADEBASE_BENCH_POSTGRES_URL")
    status = 0
    with tempfile.TemporaryDirectory() as folder:
        files = {"baci": Path(folder) / "BACI_HS17_Y2022_V202401.csv",
                 "tradebase": Path(folder) / "trade.csv"}
        write_baci(files["baci"], rows)
        write_own(files["tradebase"], rows)
        for source, path in files.items():
            floor = baseline(path)
            print(f"{source}: {rows:,} rows, {path.stat().st_size / 1e6:.0f} MB; csv.reader "
                  f"alone {rows / floor:,.0f} rows/s", flush=True)
            backends: list[tuple[str, AbstractContextManager[Engine]]] = [
                ("sqlite", sqlite_engine())]
            if url:
                backends.append(("postgresql", postgres_engine(url)))
            for name, manager in backends:
                with manager as engine:
                    written, seconds, cpu = timed_import(engine, path, source)
                rate = written / seconds
                ok = rate >= TARGETS[name]
                status |= 0 if ok else 1
                print(f"  {name:<10} {written:,} rows in {seconds:.1f} s: {rate:,.0f} rows/s "
                      f"(target {TARGETS[name]:,}: {'met' if ok else 'MISSED'}); this process "
                      f"{cpu:.1f} s CPU", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    if not url:
        print("PostgreSQL skipped: set TRADEBASE_BENCH_POSTGRES_URL", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
