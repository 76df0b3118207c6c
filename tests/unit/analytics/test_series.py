"""Series: growth year on year and CAGR, a gap shown as a gap, growth across it flagged."""

from __future__ import annotations

import pytest

from tradebase.analytics.series import Point, build_series


def test_growth_and_cagr_without_gaps() -> None:
    series = build_series([Point(2020, 100), Point(2021, 110), Point(2022, 121)])
    assert [y.value for y in series.years] == [100, 110, 121]
    growth = series.years[1].growth
    assert growth is not None
    assert growth.change == pytest.approx(0.1)
    assert not growth.across_gap
    assert series.cagr is not None
    assert series.cagr.rate == pytest.approx(0.1)
    assert not series.cagr.across_gap
    assert series.gaps == ()


def test_a_gap_is_a_gap_and_growth_across_it_says_so() -> None:
    series = build_series([Point(2019, 100, 1), Point(2020, 120, 2), Point(2023, 172.8, 3)])
    assert [(y.year, y.value) for y in series.years] == [
        (2019, 100), (2020, 120), (2021, None), (2022, None), (2023, 172.8)]
    assert series.gaps == (2021, 2022)
    assert series.years[2].growth is None
    assert series.years[3].growth is None
    across = series.years[4].growth
    assert across is not None
    assert across.across_gap
    assert across.since == 2020
    assert across.span == 3
    assert across.change == pytest.approx(0.44)  # 172.8 / 120 − 1
    assert across.annualised == pytest.approx(1.44 ** (1 / 3) - 1)
    # CAGR 2019 → 2023 over four years: 1.728 ** (1/4) − 1
    assert series.cagr is not None
    assert series.cagr.rate == pytest.approx(1.728 ** 0.25 - 1)
    assert series.cagr.across_gap
    assert series.cagr.gaps == (2021, 2022)


def test_one_year_has_no_growth_and_zero_has_none_after_it() -> None:
    assert build_series([Point(2020, 5)]).cagr is None
    series = build_series([Point(2020, 0), Point(2021, 5)])
    assert series.years[1].growth is None
    assert series.cagr is None
    assert build_series([]).years == ()
