"""Listing vectors for the benchmarks: a sample really encoded, and many more made from it.

Encoding a million listings here would take hours, so ``encode_sample`` encodes a few hundred
generated listings as the write path does (``passage_text``, batches of 32, one process) and
gives the time per listing to multiply out; ``synthetic`` then makes vectors of any count from
that sample: blends of two of its real vectors with Gaussian noise (σ from ``noise_sigma``:
noise alone moves a vector as far as the sample's nearest neighbours are apart), normalised.
They keep e5's geometry (every cosine between 0.7 and 0.9, one shared direction), which is what
makes sign bits and int8 hard, unlike uniform random vectors; search time and memory are real.
"""

from __future__ import annotations

import time

import numpy as np

from tradebase.docking.embedding import Encoder, Floats, passage_text

BATCH = 32


def encode_sample(encoder: Encoder, n: int) -> tuple[Floats, float]:
    """``n`` generated listings encoded as the write path does; seconds per listing."""
    from bench.bench_matching import generate_listings  # which imports this module

    texts = [passage_text(listing) for listing in generate_listings(0, n, seed=7)]
    encoder.encode(texts[:2], "passage")  # load the model
    t0 = time.perf_counter()
    parts = [encoder.encode(texts[i : i + BATCH], "passage") for i in range(0, n, BATCH)]
    per_listing = (time.perf_counter() - t0) / n
    return np.vstack(parts).astype(np.float32), per_listing


def noise_sigma(sample: Floats) -> tuple[float, float, float]:
    """σ per dimension that keeps a noisy copy about as near its source as the sample's
    nearest neighbours are; with the median nearest cosine and the mean pairwise cosine."""
    similarity = sample @ sample.T
    np.fill_diagonal(similarity, -1.0)
    nearest = float(np.median(similarity.max(axis=1)))
    # x + noise of σ per dimension, normalised, has cosine 1 / sqrt(1 + dim σ²) with x.
    sigma = float(np.sqrt((1 / nearest**2 - 1) / sample.shape[1]))
    return sigma, nearest, float(similarity[similarity > -1].mean())


def synthetic(sample: Floats, n: int, sigma: float, seed: int = 11) -> Floats:
    """``n`` vectors, each a random blend of two sample vectors (weights uniform) with
    Gaussian noise, normalised: points spread over the sample's region rather than copies
    of it, whose nearest neighbours would differ by noise alone. Chunked; deterministic."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, sample.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        end = min(n, start + 100_000)
        first = sample[rng.integers(0, len(sample), end - start)]
        second = sample[rng.integers(0, len(sample), end - start)]
        weight = rng.random((end - start, 1), dtype=np.float32)
        rows = weight * first + (1 - weight) * second
        rows += rng.standard_normal(rows.shape, dtype=np.float32) * sigma
        out[start:end] = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return out


def exact_tops(vectors: Floats, queries: Floats, k: int) -> list[list[int]]:
    """Each query's ``k`` nearest rows by exact float32 dot product, best first (the
    baseline recall is measured against): one matrix product per block of 100,000 rows."""
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_rows = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(vectors), 100_000):
        scores = queries @ vectors[start : start + 100_000].T
        keep = min(k, scores.shape[1])
        top = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
        best_scores = np.hstack([best_scores, np.take_along_axis(scores, top, axis=1)])
        best_rows = np.hstack([best_rows, top + start])
        keep = min(k, best_scores.shape[1])
        top = np.argpartition(-best_scores, keep - 1, axis=1)[:, :keep]
        best_scores = np.take_along_axis(best_scores, top, axis=1)
        best_rows = np.take_along_axis(best_rows, top, axis=1)
    order = np.argsort(-best_scores, axis=1, kind="stable")
    return np.take_along_axis(best_rows, order, axis=1).tolist()  # type: ignore[no-any-return]
