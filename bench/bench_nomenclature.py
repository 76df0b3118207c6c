"""The nomenclature pivot's cost: load time and time per ``positions`` call.

Run from the repository root: ``python -m bench.bench_nomenclature``. Loads the shipped CN file
(timed, wall and CPU), then times ``positions(text, lang, k=10)`` for the evaluation requests of
the five pivot languages (text only; no qrels are read), several rounds, and prints p50/p99.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

from tradebase.docking.nomenclature import Nomenclature, _shipped

REQUESTS = Path(__file__).resolve().parent.parent / "eval" / "requests.csv"
LANGUAGES = ("de", "fr", "es", "sv", "en")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with REQUESTS.open(encoding="utf-8", newline="") as handle:
        requests = [
            (row["text"], row["language"])
            for row in csv.DictReader(handle)
            if row["language"] in LANGUAGES
        ]
    for names in (True, False):
        _shipped.cache_clear()
        wall, cpu = time.perf_counter(), time.process_time()
        nomenclature = Nomenclature.load(everyday_names=names)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        times: list[float] = []
        for _ in range(args.rounds):
            for text, lang in requests:
                started = time.perf_counter()
                nomenclature.positions(text, lang, k=10)
                times.append(time.perf_counter() - started)
        times.sort()
        p50 = statistics.median(times) * 1000
        p99 = times[int(len(times) * 0.99)] * 1000
        label = "with everyday names" if names else "customs wording only"
        print(
            f"{label}: load {wall:.2f} s wall / {cpu:.2f} s CPU; "
            f"positions p50 {p50:.3f} ms, p99 {p99:.3f} ms over {len(times)} calls"
        )


if __name__ == "__main__":
    main()
