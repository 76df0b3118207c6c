"""The saving of a procurement round is pooling's, measured against each enterprise buying
its own need alone at the quotes' prices — splitting between suppliers is reported apart,
since an enterprise alone can split too (issue 10). Every figure is computed by hand."""

from __future__ import annotations

import pytest

from tradebase.allocation.procurement import Need, PriceBreak, Quote, award_lots


def _quote(supplier: str, tiers: list[tuple[int, float]], capacity: int | None = None) -> Quote:
    return Quote(supplier, "resin", tuple(PriceBreak(m, p) for m, p in tiers), capacity)


def test_one_enterprise_saves_nothing_by_pooling() -> None:
    """150 kg; Alpha sells at 10 but only 100, Beta at 12 without limit. From one supplier
    the enterprise pays 150 x 12 = 1,800; split, 100 x 10 + 50 x 12 = 1,600 — which it gets
    alone just as well. Pooling saves 0; splitting 200."""
    plan = award_lots([Need("E", "resin", 150)],
                      [_quote("Alpha", [(0, 10.0)], capacity=100), _quote("Beta", [(0, 12.0)])])
    assert plan.total_cost == pytest.approx(1_600)
    assert plan.standalone_cost == pytest.approx(1_600)
    assert plan.saving == 0 == plan.pooling_saving
    assert plan.splitting_saving == pytest.approx(200)
    assert plan.single_supplier_cost == pytest.approx(1_800)
    (material,) = plan.materials
    assert (material.pooling_saving, material.splitting_saving) == (0, pytest.approx(200))


def test_two_enterprises_reach_a_better_tier_together() -> None:
    """400 and 600 kg; one quote, 10 a kg, 8 from 1,000. Alone: 4,000 + 6,000 = 10,000;
    pooled, 1,000 x 8 = 8,000. Pooling saves exactly 2,000; splitting nothing."""
    plan = award_lots([Need("A", "resin", 400), Need("B", "resin", 600)],
                      [_quote("Alpha", [(0, 10.0), (1_000, 8.0)])])
    assert plan.total_cost == pytest.approx(8_000)
    assert plan.standalone_cost == pytest.approx(10_000)
    assert plan.saving == pytest.approx(2_000) == plan.pooling_saving
    assert plan.splitting_saving == 0
    assert "pooling saves 2,000" in plan.explanation


def test_pooling_can_cost_more_when_capacity_is_shared() -> None:
    """300 and 300 kg. Alpha: 10 (9 from 500, out of reach: it sells at most 400); Beta: 11
    without limit. Alone each buys its 300 from Alpha at 10: 6,000. Pooled, Alpha's 400 are
    shared: 400 x 10 + 200 x 11 = 6,200. The round says so: pooling saves -200."""
    plan = award_lots([Need("A", "resin", 300), Need("B", "resin", 300)],
                      [_quote("Alpha", [(0, 10.0), (500, 9.0)], capacity=400),
                       _quote("Beta", [(0, 11.0)])])
    assert plan.standalone_cost == pytest.approx(6_000)
    assert plan.total_cost == pytest.approx(6_200)
    assert plan.pooling_saving == pytest.approx(-200) == plan.saving
    assert plan.splitting_saving == 0


def test_rising_prices_make_the_enterprise_alone_split() -> None:
    """A quote whose price rises past 100 (10, then 15): alone, 150 kg from Alpha alone costs
    2,250, from Beta (12) 1,800; split, Alpha 100 at 10 + Beta 50 at 12 = 1,600."""
    plan = award_lots([Need("E", "resin", 150)],
                      [_quote("Alpha", [(0, 10.0), (101, 15.0)]), _quote("Beta", [(0, 12.0)])])
    assert plan.standalone_cost == pytest.approx(1_600)
    assert plan.single_supplier_cost == pytest.approx(1_800)
    assert plan.pooling_saving == 0
