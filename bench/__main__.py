"""Run every benchmark: ``python -m bench [--quick]``."""

from __future__ import annotations

import sys

from bench import bench_allocation, bench_concurrency, bench_embeddings, bench_matching


def main(argv: list[str]) -> int:
    quick = ["--quick"] if "--quick" in argv else []
    print("=" * 30, "capacity docking and group procurement", "=" * 30, flush=True)
    bench_allocation.main(quick)
    print("=" * 30, "concurrency (PostgreSQL)", "=" * 30, flush=True)
    bench_concurrency.main(quick)
    print("=" * 30, "matching", "=" * 30, flush=True)
    status = bench_matching.main(quick)
    print("=" * 30, "embedding retriever", "=" * 30, flush=True)
    return status or bench_embeddings.main(quick)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
