"""The complexity engine: RCA, M, HHI and proximity by hand; ECI, PCI, density and the
outlook measures against the Growth Lab's ``ecomplexity`` package on seeded matrices."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from ecomplexity import ecomplexity
from hypothesis import given, settings
from hypothesis import strategies as st

from tradebase.analytics import complexity as cx


def test_rca_and_presence_by_hand() -> None:
    # World 20; product totals 15 and 5 (shares 3/4, 1/4); place totals 10 and 10.
    exports = np.array([[10.0, 0.0], [5.0, 5.0]])
    rca = cx.revealed_comparative_advantage(exports)
    assert rca == pytest.approx(np.array([[(10 / 10) / (15 / 20), 0.0],
                                          [(5 / 10) / (15 / 20), (5 / 10) / (5 / 20)]]))
    assert cx.presence(rca).tolist() == [[1, 0], [0, 1]]


def test_rca_of_a_place_or_product_without_exports_is_zero() -> None:
    rca = cx.revealed_comparative_advantage(np.array([[0.0, 0.0], [3.0, 0.0], [1.0, 0.0]]))
    assert np.isfinite(rca).all()
    assert rca[0].tolist() == [0.0, 0.0]
    assert rca[:, 1].tolist() == [0.0, 0.0, 0.0]


def test_presence_threshold_is_inclusive() -> None:
    assert cx.presence(np.array([[0.999, 1.0, 1.5]])).tolist() == [[0, 1, 1]]


def test_herfindahl_by_hand() -> None:
    hhi = cx.herfindahl(np.array([[6.0, 2.0, 2.0], [5.0, 0.0, 0.0], [0.0, 0.0, 0.0]]))
    assert hhi[0] == pytest.approx(0.6**2 + 0.2**2 + 0.2**2)
    assert hhi[1] == 1.0
    assert np.isnan(hhi[2])


def test_proximity_density_and_distance_by_hand() -> None:
    m = np.array([[1, 1], [1, 0]])
    phi = cx.proximity(m)
    # Products exported together once; ubiquities 2 and 1: 1 / max(2, 1).
    assert phi.tolist() == [[1.0, 0.5], [0.5, 1.0]]
    near = cx.density(m, phi)
    assert near[1, 1] == pytest.approx(0.5 / 1.5)
    assert near[0].tolist() == pytest.approx([1.0, 1.0])
    assert cx.distance(m, phi)[1, 1] == pytest.approx(1 / 1.5)


def _matrix(seed: int, places: int = 12, products: int = 20) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.lognormal(3.0, 2.0, (places, products))
    return values * (rng.random((places, products)) < 0.7)


def _reference(exports: np.ndarray) -> pd.DataFrame:
    places, products = exports.shape
    data = pd.DataFrame(
        [(2022, c, p, exports[c, p]) for c in range(places) for p in range(products)],
        columns=["year", "loc", "prod", "val"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity(data, {"time": "year", "loc": "loc", "prod": "prod", "val": "val"},
                          verbose=False, check_logsupermodularity=False)
    return out.sort_values(["loc", "prod"])


@pytest.mark.parametrize(("seed", "places", "products"),
                         [(0, 12, 20), (1, 12, 20), (7, 12, 20), (12, 12, 20), (2024, 12, 20),
                          (5, 20, 12), (9, 30, 30)])
def test_matches_ecomplexity_on_a_seeded_matrix(seed: int, places: int, products: int) -> None:
    # Fewer places than products decomposes the place-place matrix, more the product one.
    exports = _matrix(seed, places, products)
    ref = _reference(exports)
    result = cx.economic_complexity(exports)
    shape = exports.shape
    assert result.unique
    assert np.abs(ref["rca"].to_numpy().reshape(shape) - result.rca).max() < 1e-12
    assert (ref["mcp"].to_numpy().reshape(shape) == result.presence).all()
    by_place = ref.groupby("loc").first()
    by_product = ref.groupby("prod").first()
    assert (by_place["diversity"].to_numpy() == result.diversity).all()
    assert (by_product["ubiquity"].to_numpy() == result.ubiquity).all()
    assert np.abs(by_place["eci"].to_numpy() - result.eci).max() < 1e-9
    assert np.abs(by_product["pci"].to_numpy() - result.pci).max() < 1e-9

    phi = cx.proximity(result.presence)
    assert np.abs(ref["density"].to_numpy().reshape(shape) - cx.density(result.presence, phi)
                  ).max() < 1e-9
    coi, cog = cx.complexity_outlook(result, phi)
    assert np.abs(by_place["coi"].to_numpy() - coi).max() < 1e-9
    assert np.abs(ref["cog"].to_numpy().reshape(shape) - cog).max() < 1e-9


def test_eci_is_the_mean_pci_of_a_places_products_and_grows_with_diversity() -> None:
    result = cx.economic_complexity(_matrix(3))
    m = result.presence
    assert result.eci == pytest.approx((m @ result.pci) / result.diversity)
    assert result.eci.mean() == pytest.approx(0.0, abs=1e-12)
    assert result.eci.std() == pytest.approx(1.0)
    assert np.corrcoef(result.diversity, result.eci)[0, 1] > 0


def test_a_second_eigenvalue_that_is_not_simple_is_reported() -> None:
    # Two places with one product each: the product space falls apart, the ECI is not unique.
    result = cx.economic_complexity(np.array([[5.0, 0.0], [0.0, 3.0]]))
    assert not result.unique


def test_closest_products_are_the_densest_not_yet_exported() -> None:
    # Place 0 exports products 0 and 1. Product 2 is exported with both elsewhere, product 3
    # only with product 1, product 4 by nobody.
    m = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 0, 0], [1, 0, 1, 0, 0], [0, 1, 0, 1, 0],
                  [0, 1, 1, 0, 0]])
    base = cx.economic_complexity(_matrix(5, 5, 5))
    result = replace(base, presence=m, diversity=m.sum(axis=1), ubiquity=m.sum(axis=0),
                     pci=np.array([0.1, 0.2, 0.3, 0.4, np.nan]),
                     pci_raw=np.array([0.1, 0.2, 0.3, 0.4, np.nan]))
    phi = cx.proximity(m)
    # Ubiquities 3, 4, 3, 1: phi(2, 0) = 2/3, phi(2, 1) = 2/4; phi(3, 1) = 1/4, phi(3, 0) = 0.
    assert phi[2, :4].tolist() == pytest.approx([2 / 3, 1 / 2, 1, 0])
    assert phi[3, :4].tolist() == pytest.approx([0, 1 / 4, 0, 1])
    ranked = cx.closest_products(result, phi, 0)
    assert [o.product for o in ranked] == [2, 3]
    assert ranked[0].density == pytest.approx((2 / 3 + 1 / 2) / (2 / 3 + 1 / 2 + 1))
    assert ranked[1].density == pytest.approx((1 / 4) / (1 / 4 + 1))
    assert ranked[0].distance == pytest.approx(1 - ranked[0].density)
    assert ranked[0].pci == 0.3
    assert cx.closest_products(result, phi, 0, limit=1) == ranked[:1]


def test_measures_do_not_depend_on_the_order_of_places_or_products() -> None:
    exports = _matrix(11)
    rows = np.random.default_rng(1).permutation(exports.shape[0])
    cols = np.random.default_rng(2).permutation(exports.shape[1])
    plain = cx.economic_complexity(exports)
    shuffled = cx.economic_complexity(exports[rows][:, cols])
    assert shuffled.eci == pytest.approx(plain.eci[rows], abs=1e-12)
    assert shuffled.pci == pytest.approx(plain.pci[cols], abs=1e-12)
    # Scaling every value (thousands of USD or USD) changes nothing.
    assert cx.economic_complexity(exports * 1000).eci == pytest.approx(plain.eci, abs=1e-12)


_matrices = st.integers(2, 8).flatmap(lambda places: st.integers(2, 8).flatmap(
    # values as trade files write them: none, or at least a thousandth (a subnormal float such
    # as 5e-324 makes a place's shares underflow to 0, which no file can hold)
    lambda products: st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 1e6)),
                              min_size=places * products,
                              max_size=places * products).map(
        lambda cells: np.array(cells).reshape(places, products))))


@settings(max_examples=200, deadline=None)
@given(_matrices)
def test_rca_averages_one_and_hhi_lies_between_its_bounds(exports: np.ndarray) -> None:
    live = exports[exports.sum(axis=1) > 0][:, exports.sum(axis=0) > 0]
    if live.size == 0:
        return
    rca = cx.revealed_comparative_advantage(live)
    world_share = live.sum(axis=0) / live.sum()
    # Weighted by the world's product shares, a place's RCA averages exactly 1 ...
    assert rca @ world_share == pytest.approx(np.ones(len(live)))
    # ... so every place has a product with RCA >= 1, up to rounding (diversity > 0).
    assert (rca.max(axis=1) >= 1 - 1e-9).all()
    hhi = cx.herfindahl(live)
    assert ((hhi >= 1 / live.shape[1] - 1e-12) & (hhi <= 1 + 1e-12)).all()
