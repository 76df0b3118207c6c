"""Run every benchmark: ``python -m bench [--quick | --full]``.

``--quick``: the smallest sizes; ``--full``: matching and embeddings at 1,000,000 listings too
(``make bench-1m``)."""

from __future__ import annotations

import sys

from bench import (
    bench_allocation,
    bench_complexity,
    bench_concurrency,
    bench_embeddings,
    bench_events,
    bench_matching,
)


def main(argv: list[str]) -> int:
    quick = ["--quick"] if "--quick" in argv else []
    size = quick + (["--full"] if "--full" in argv else [])
    print("=" * 30, "capacity docking and group procurement", "=" * 30, flush=True)
    bench_allocation.main(quick)
    print("=" * 30, "concurrency (PostgreSQL)", "=" * 30, flush=True)
    bench_concurrency.main(quick)
    print("=" * 30, "trade files and economic complexity", "=" * 30, flush=True)
    bench_complexity.main(quick)
    print("=" * 30, "1:1 meeting scheduler", "=" * 30, flush=True)
    bench_events.main(quick)
    print("=" * 30, "matching", "=" * 30, flush=True)
    status = bench_matching.main(size)
    print("=" * 30, "embedding retriever", "=" * 30, flush=True)
    return status or bench_embeddings.main(size)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
