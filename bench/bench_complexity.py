"""Trade files and the complexity engine, next to pandas and the Growth Lab's package.

Run from the repository root: ``python -m bench.bench_complexity`` (``--quick`` for small
sizes). On seeded, generated data it prints, each measured in this run:

- reading a BACI-like file of ``--rows`` rows (``analytics/trade_files.py``);
- RCA and HHI for every place from 5,000,000 trade records with numpy, and the same in pandas
  (``groupby``), with the ratio;
- ECI/PCI with the engine and with ``ecomplexity`` (pandas, ``numpy.linalg.eig``) on the same
  matrix, the ratio and the largest difference.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from ecomplexity import ecomplexity

from tradebase.analytics.complexity import (
    economic_complexity,
    herfindahl,
    revealed_comparative_advantage,
)
from tradebase.analytics.trade_files import read_trade_file


def _records(rows: int, places: int, products: int, seed: int = 7) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    # Larger places export more, and to more partners: a skewed, realistic spread.
    place = np.minimum((rng.pareto(1.2, rows) * 5).astype(np.int64), places - 1)
    return {"place": place, "partner": rng.integers(0, places, rows),
            "product": rng.integers(0, products, rows),
            "value": np.round(rng.lognormal(2.0, 2.0, rows), 3)}


def _write_baci(path: Path, data: dict[str, np.ndarray]) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("t,i,j,k,v,q\n")
        out.writelines(
            f"2022,{i},{j},{k},{v},NA\n" for i, j, k, v in zip(
                (data["place"] * 4 + 4).tolist(), (data["partner"] * 4 + 4).tolist(),
                (data["product"] * 10 + 10010).tolist(), data["value"].tolist(), strict=True))


def _numpy_rca_hhi(data: dict[str, np.ndarray], places: int,
                   products: int) -> tuple[np.ndarray, np.ndarray]:
    flat = data["place"] * products + data["product"]
    exports = np.bincount(flat, weights=data["value"], minlength=places * products)
    by_partner = np.bincount(data["place"] * places + data["partner"], weights=data["value"],
                             minlength=places * places)
    return (revealed_comparative_advantage(exports.reshape(places, products)),
            herfindahl(by_partner.reshape(places, places)))


def _pandas_rca_hhi(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    x = frame.groupby(["place", "product"])["value"].sum()
    place_total = x.groupby(level="place").transform("sum")
    product_total = x.groupby(level="product").transform("sum")
    rca = (x / place_total) / (product_total / x.sum())
    by_partner = frame.groupby(["place", "partner"])["value"].sum()
    shares = by_partner / by_partner.groupby(level="place").transform("sum")
    return rca, (shares**2).groupby(level="place").sum()


def _timed(label: str, seconds: float, extra: str = "") -> None:
    print(f"  {label:<52} {seconds:8.3f} s  {extra}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rows", type=int, default=None, help="rows of the BACI-like file")
    args = parser.parse_args(argv)
    file_rows = args.rows or (100_000 if args.quick else 1_000_000)
    records = 500_000 if args.quick else 5_000_000
    places, products = (60, 300) if args.quick else (200, 1_000)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "BACI_HS17_Y2022_V202401.csv"
        _write_baci(path, _records(file_rows, 229, 5_000, seed=3))
        start = time.perf_counter()
        cpu = time.process_time()
        read = read_trade_file(path, "baci", 2022)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        _timed(f"read a BACI file of {file_rows:,} rows", wall,
               f"{file_rows / wall:,.0f} rows/s ({file_rows / cpu:,.0f} per CPU second); "
               f"{len(read.places)} x {len(read.products)}")

    data = _records(records, places, products)
    start = time.perf_counter()
    rca, hhi = _numpy_rca_hhi(data, places, products)
    ours = time.perf_counter() - start
    frame = pd.DataFrame(data)
    start = time.perf_counter()
    rca_pd, hhi_pd = _pandas_rca_hhi(frame)
    theirs = time.perf_counter() - start
    index = rca_pd.index.get_level_values(0) * products + rca_pd.index.get_level_values(1)
    difference = float(np.abs(rca.ravel()[index] - rca_pd.to_numpy()).max())
    difference = max(difference, float(np.nanmax(np.abs(hhi[hhi_pd.index] - hhi_pd))))
    _timed(f"RCA and HHI of {places} places from {records:,} records", ours)
    _timed("  the same in pandas (groupby)", theirs,
           f"pandas / numpy = {theirs / ours:.1f}; largest difference {difference:.1e}")

    exports = np.bincount(data["place"] * products + data["product"], weights=data["value"],
                          minlength=places * products).reshape(places, products)
    start = time.perf_counter()
    result = economic_complexity(exports)
    ours = time.perf_counter() - start
    long = pd.DataFrame({"year": 2022, "loc": np.repeat(np.arange(places), products),
                         "prod": np.tile(np.arange(products), places),
                         "val": exports.ravel()})
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = ecomplexity(long, {"time": "year", "loc": "loc", "prod": "prod",
                                       "val": "val"}, verbose=False,
                                check_logsupermodularity=False)
    theirs = time.perf_counter() - start
    eci = reference.groupby("loc")["eci"].first().to_numpy()
    pci = reference.groupby("prod")["pci"].first().to_numpy()
    live = ~np.isnan(result.eci)
    gap = max(float(np.abs(eci[live] - result.eci[live]).max()),
              float(np.nanmax(np.abs(pci - result.pci))))
    _timed(f"ECI/PCI of a {places} x {products} matrix", ours)
    _timed("  the same with ecomplexity (pandas, eig)", theirs,
           f"ecomplexity / engine = {theirs / ours:.0f}; largest difference {gap:.1e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
