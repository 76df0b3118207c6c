"""Group procurement: awards checked independently, optimal against brute force, pooling helpers."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.unit.allocation.checks import brute_force_award, check_awards
from tradebase.allocation.procurement import (
    LotRequest,
    Need,
    PriceBreak,
    ProcurementInputError,
    ProcurementOptions,
    Quote,
    award_lots,
    greedy_award,
    pool_lot,
    tier_progress,
    unit_price_at,
)


def _quote(
    supplier: str,
    material: str,
    tiers: list[tuple[int, float]],
    capacity: int | None = None,
    splittable: bool = True,
) -> Quote:
    return Quote(
        supplier, material, tuple(PriceBreak(m, p) for m, p in tiers), capacity, splittable
    )


def test_pooling_reaches_a_better_tier_and_reports_the_saving() -> None:
    needs = [Need(f"E{n}", "EVA foam", 400) for n in range(5)]  # 2,000 pooled
    quotes = [
        _quote("S1", "EVA foam", [(0, 10.0), (1000, 9.0), (2000, 8.0)]),
        _quote("S2", "EVA foam", [(0, 9.5), (5000, 7.0)]),
    ]
    plan = award_lots(needs, quotes)
    assert plan.status == "optimal"
    check = check_awards(needs, quotes, plan.awards)
    assert check.problems == []
    assert [(a.supplier, a.quantity, a.unit_price) for a in plan.awards] == [("S1", 2000, 8.0)]
    assert plan.total_cost == 16_000
    # alone, each buys 400 at S2's 9.50
    assert plan.standalone_cost == 5 * 400 * 9.5
    assert plan.saving == pytest.approx(19_000 - 16_000)
    assert "tier ≥ 2,000 at 8" in plan.awards[0].reason


def test_capacity_forces_a_split() -> None:
    needs = [Need("E1", "rubber", 700), Need("E2", "rubber", 500)]
    quotes = [
        _quote("S1", "rubber", [(0, 5.0), (1000, 4.0)], capacity=1000),
        _quote("S2", "rubber", [(0, 6.0)], capacity=1000),
    ]
    plan = award_lots(needs, quotes)
    assert check_awards(needs, quotes, plan.awards).problems == []
    awarded = {a.supplier: a.quantity for a in plan.awards}
    assert awarded == {"S1": 1000, "S2": 200}
    assert plan.total_cost == 1000 * 4 + 200 * 6


def test_staying_below_a_tier_can_be_optimal() -> None:
    # buying 999 + 1 costs more than 1000 from one supplier? here the tier price makes 1000 best
    needs = [Need("E1", "glue", 1000)]
    quotes = [
        _quote("S1", "glue", [(0, 3.0), (1000, 2.0)]),
        _quote("S2", "glue", [(0, 2.5)]),
    ]
    plan = award_lots(needs, quotes)
    assert [(a.supplier, a.quantity) for a in plan.awards] == [("S1", 1000)]


def test_non_splittable_quote_takes_the_whole_lot_or_nothing() -> None:
    needs = [Need("E1", "leather", 600), Need("E2", "leather", 600)]
    quotes = [
        _quote("S1", "leather", [(0, 20.0)], splittable=False),
        _quote("S2", "leather", [(0, 19.0)], capacity=800),
    ]
    plan = award_lots(needs, quotes)
    assert check_awards(needs, quotes, plan.awards).problems == []
    # S2 alone cannot cover 1,200, and S1 cannot be split: S1 takes everything
    assert [(a.supplier, a.quantity) for a in plan.awards] == [("S1", 1200)]


def test_minimum_first_tier_is_a_minimum_quantity() -> None:
    needs = [Need("E1", "laces", 50)]
    quotes = [_quote("S1", "laces", [(100, 1.0)]), _quote("S2", "laces", [(0, 2.0)])]
    plan = award_lots(needs, quotes)
    assert [(a.supplier, a.quantity) for a in plan.awards] == [("S2", 50)]


def test_infeasible_material_is_explained_and_partially_awarded() -> None:
    needs = [Need("E1", "mesh", 1000), Need("E1", "thread", 10)]
    quotes = [_quote("S1", "mesh", [(0, 1.0)], capacity=600), _quote("S1", "thread", [(0, 1.0)])]
    plan = award_lots(needs, quotes)
    assert plan.status == "infeasible"
    assert "mesh: 1,000 needed; the quotes can supply at most 600" in plan.explanation
    mesh = next(m for m in plan.materials if m.material == "mesh")
    assert mesh.awarded == 600
    assert check_awards(needs, quotes, plan.awards).problems == []


def test_material_without_quotes() -> None:
    plan = award_lots([Need("E1", "dye", 5)], [])
    assert plan.status == "infeasible"
    assert "no supplier quoted it" in plan.explanation


def test_duplicate_quote_is_rejected() -> None:
    q = _quote("S1", "m", [(0, 1.0)])
    with pytest.raises(ProcurementInputError, match="duplicate"):
        award_lots([Need("E", "m", 1)], [q, q])


def test_greedy_baseline_is_never_better() -> None:
    needs = [Need(f"E{n}", "m", 100 + 37 * n) for n in range(6)]
    quotes = [
        _quote("S1", "m", [(0, 5.0), (500, 4.5), (1000, 4.0)], capacity=900),
        _quote("S2", "m", [(0, 4.8), (800, 4.2)], capacity=700),
        _quote("S3", "m", [(0, 6.0)]),
    ]
    plan = award_lots(needs, quotes)
    greedy, short = greedy_award(needs, quotes)
    assert short == 0
    assert plan.total_cost <= greedy + 1e-9


@st.composite
def material_cases(draw: st.DrawFn) -> tuple[list[Need], list[Quote]]:
    needs = [Need(f"E{n}", "m", draw(st.integers(1, 5))) for n in range(draw(st.integers(1, 3)))]
    quotes = []
    for j in range(draw(st.integers(1, 3))):
        mins = sorted(draw(st.sets(st.integers(0, 12), min_size=1, max_size=3)))
        prices = sorted((draw(st.integers(1, 9)) for _ in mins), reverse=draw(st.booleans()))
        quotes.append(
            Quote(
                supplier=f"S{j}",
                material="m",
                price_breaks=tuple(
                    PriceBreak(m, float(p)) for m, p in zip(mins, prices, strict=True)
                ),
                capacity=draw(st.one_of(st.none(), st.integers(0, 12))),
                splittable=draw(st.sampled_from([True, True, False])),
            )
        )
    return needs, quotes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(material_cases())
def test_optimal_against_brute_force(case: tuple[list[Need], list[Quote]]) -> None:
    needs, quotes = case
    note(repr(case))
    pooled = sum(n.quantity for n in needs)
    best = brute_force_award(pooled, quotes)
    plan = award_lots(needs, quotes, ProcurementOptions(mip_rel_gap=0.0))
    check = check_awards(needs, quotes, plan.awards)
    assert check.problems == []
    assert plan.total_cost == pytest.approx(check.cost)
    if best is None:
        assert plan.status == "infeasible"
    else:
        assert plan.status == "optimal"
        assert sum(a.quantity for a in plan.awards) == pooled
        assert plan.total_cost == pytest.approx(best)
        assert plan.saving == pytest.approx(plan.standalone_cost - plan.total_cost)


# --------------------------------------------------------------------------------------------
# Pooling helpers


def test_unit_price_is_that_of_the_highest_tier_reached() -> None:
    q = _quote("S", "m", [(0, 10.0), (100, 9.0), (500, 8.0)])
    assert unit_price_at(q, 99) == 10.0
    assert unit_price_at(q, 100) == 9.0
    assert unit_price_at(q, 10_000) == 8.0
    assert unit_price_at(_quote("S", "m", [(50, 1.0)]), 49) is None


def test_pool_lot_rounds_up_to_packs_and_spreads_extra_fairly() -> None:
    lot = pool_lot(
        [LotRequest("A", 100, 0.1), LotRequest("B", 300, 0.1), LotRequest("C", 50, 0.0)],
        pack_size=40,
    )
    assert lot.requested == 450
    assert lot.quantity == 480
    extras = {s.enterprise: s.extra for s in lot.shares}
    assert extras["C"] == 0  # no tolerance
    assert extras["A"] <= 10
    assert extras["B"] <= 30
    assert sum(extras.values()) + lot.unallocated == 30
    assert lot.unallocated == 0
    # proportional to own quantity: B gets three times A's extra (±1 for rounding)
    assert abs(extras["B"] - 3 * extras["A"]) <= 3


def test_pool_lot_reports_what_no_tolerance_absorbs() -> None:
    lot = pool_lot([LotRequest("A", 10, 0.1), LotRequest("B", 15, 0.0)], pack_size=100)
    assert lot.quantity == 100
    assert {s.enterprise: s.extra for s in lot.shares} == {"A": 1, "B": 0}
    assert lot.unallocated == 74


def test_pool_lot_exact_fit() -> None:
    lot = pool_lot([LotRequest("A", 60), LotRequest("B", 40)], pack_size=50)
    assert lot.quantity == 100
    assert lot.unallocated == 0
    assert all(s.extra == 0 for s in lot.shares)


def test_tier_progress() -> None:
    breaks = [PriceBreak(0, 10.0), PriceBreak(1000, 9.0), PriceBreak(5000, 8.0)]
    p = tier_progress(3000, breaks)
    assert p.unit_price == 9.0
    assert p.next_min_quantity == 5000
    assert p.next_unit_price == 8.0
    assert p.remaining == 2000
    assert p.fraction == pytest.approx(0.5)
    top = tier_progress(6000, breaks)
    assert top.next_min_quantity is None
    assert top.fraction == 1.0
    below = tier_progress(10, [PriceBreak(100, 1.0)])
    assert below.unit_price is None
    assert below.remaining == 90
