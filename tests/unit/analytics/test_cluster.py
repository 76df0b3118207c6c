"""Cluster measures by hand: location quotients, the strong-cluster test, specialisation and
its change, and "reference missing" where a reference total is not loaded."""

from __future__ import annotations

import pytest

from tradebase.analytics.cluster import (
    Basis,
    Figures,
    Measure,
    Status,
    base_quotients,
    krugman_index,
    location_quotient,
    specialisation,
    specialisation_change,
    strong_cluster,
)

# A tea base: 120,000 of its 300,000 jobs in tea; its province 200,000 of 20 million; the
# nation 1 million of 700 million.
BASE = Figures(industry=120_000, total=300_000)
PROVINCE = Figures(industry=200_000, total=20_000_000)
NATION = Figures(industry=1_000_000, total=700_000_000)


def test_location_quotient_against_province_and_nation() -> None:
    quotients = base_quotients(BASE, PROVINCE, NATION, Basis.ESTABLISHMENTS)
    assert quotients.basis is Basis.ESTABLISHMENTS
    assert quotients.province.value == pytest.approx(0.4 / 0.01)
    assert quotients.nation.value == pytest.approx(0.4 / (1 / 700))
    assert quotients.province.ok
    assert quotients.nation.ok


def test_an_lq_of_one_is_the_reference_share() -> None:
    assert location_quotient(Figures(10, 100), Figures(100, 1000)).value == pytest.approx(1.0)


def test_a_missing_reference_is_said_not_computed() -> None:
    quotients = base_quotients(BASE, None, Figures(1_000_000, None))
    assert quotients.province.value is None
    assert quotients.province.status is Status.REFERENCE_MISSING
    assert quotients.province.missing == ("province.industry", "province.total")
    assert quotients.nation.status is Status.REFERENCE_MISSING
    assert quotients.nation.missing == ("nation.total",)


@pytest.mark.parametrize(("base", "reference", "reason"), [
    (Figures(0, 0), Figures(10, 100), "base_total_zero"),
    (Figures(5, 50), Figures(0, 100), "reference_zero"),
    (Figures(20, 50), Figures(10, 100), "base_exceeds_reference"),
    (Figures(-1, 50), Figures(10, 100), "negative"),
    (Figures(None, 50), Figures(10, 100), "base_missing"),
])
def test_figures_without_a_quotient(base: Figures, reference: Figures, reason: str) -> None:
    measure = location_quotient(base, reference)
    assert (measure.value, measure.status, measure.reason) == (None, Status.UNDEFINED, reason)


LQS = {"a": 5.0, "b": 4.0, "c": 3.0, "d": 2.5, "e": 2.0, "f": 1.5, "g": 1.2, "h": 1.0,
       "i": 0.8, "j": 0.5}


def test_strong_cluster_is_the_top_fifth_by_lq_above_one() -> None:
    quotients = {place: Measure(value) for place, value in LQS.items()}
    # Ten places: the top 20 % are the two highest.
    assert strong_cluster("a", quotients).strong is True
    second = strong_cluster("b", quotients)
    assert (second.strong, second.rank, second.places) == (True, 2, 10)
    third = strong_cluster("c", quotients)
    assert (third.strong, third.reasons) == (False, ("not_in_top_share",))


def test_strong_cluster_by_share_of_national_employment() -> None:
    quotients = {place: Measure(value) for place, value in LQS.items()}
    shares = dict.fromkeys(LQS, 0.01) | {"c": 0.30, "i": 0.25}
    by_share = strong_cluster("c", quotients, shares)
    assert (by_share.strong, by_share.by_share) == (True, True)
    # A large place below the reference's share is not specialised: not a strong cluster.
    below = strong_cluster("i", quotients, shares)
    assert (below.strong, below.reasons) == (False, ("lq_below_minimum",))


def test_strong_cluster_ties_share_the_better_rank() -> None:
    quotients = {p: Measure(v) for p, v in {"a": 3.0, "b": 3.0, "c": 2.0, "d": 1.5,
                                            "e": 1.1}.items()}
    # Five places: the top 20 % is one place, and both of the tied leaders are first.
    assert strong_cluster("b", quotients).rank == 1
    assert strong_cluster("b", quotients).strong is True


def test_strong_cluster_unknown_without_a_reference() -> None:
    quotients = {"a": Measure(None, Status.REFERENCE_MISSING, ("nation.total",)),
                 "b": Measure(2.0)}
    result = strong_cluster("a", quotients)
    assert result.strong is None
    assert result.reasons == ("reference_missing",)
    assert strong_cluster("zz", quotients).strong is None


def test_specialisation_shares_and_krugman_index() -> None:
    shares = specialisation({"tea": 30.0, "ceramics": 10.0, "shoes": None})
    assert shares["tea"].value == pytest.approx(0.75)
    assert shares["ceramics"].value == pytest.approx(0.25)
    assert shares["shoes"].status is Status.UNDEFINED
    # Shares 0.75/0.25 against 0.5/0.5: |0.25| + |-0.25|.
    assert krugman_index({"tea": 30, "ceramics": 10}, {"tea": 5, "ceramics": 5}).value == (
        pytest.approx(0.5))
    assert krugman_index({"tea": 1}, {"shoes": 1}).value == pytest.approx(2.0)
    assert krugman_index({"tea": 1}, None).status is Status.REFERENCE_MISSING


def test_specialisation_change_over_time_skips_but_reports_missing_years() -> None:
    series = {2019: Measure(1.5), 2020: Measure(None, Status.REFERENCE_MISSING,
                                                 ("nation.total",)),
              2023: Measure(2.3)}
    change = specialisation_change(series)
    assert (change.start_year, change.end_year) == (2019, 2023)
    assert change.change.value == pytest.approx(0.8)
    assert change.per_year.value == pytest.approx(0.2)
    assert change.change.missing == ("2020",)


def test_specialisation_change_needs_two_years() -> None:
    change = specialisation_change({2022: Measure(1.1),
                                    2023: Measure(None, Status.REFERENCE_MISSING)})
    assert change.change.value is None
    assert change.change.status is Status.REFERENCE_MISSING
    assert change.start == 1.1
