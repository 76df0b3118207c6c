"""Currency conversion against hand-computed cases: cross rates, month over year, undated
amounts at the latest year, a missing currency refused with what and where."""

from __future__ import annotations

import pytest

from tradebase.analytics.rates import (
    Basis,
    Rate,
    RateTable,
    default_rates,
    read_rates,
    write_rates,
)
from tradebase.errors import InvalidInput

TABLE = RateTable([
    Rate("CNY", 2022, None, 6.7290), Rate("CNY", 2023, None, 7.0809),
    Rate("EUR", 2023, None, 0.9245), Rate("CNY", 2023, 6, 7.1000),
    Rate("EUR", 2023, 6, 0.9200), Rate("GBP", 2023, 1, 0.8000), Rate("GBP", 2023, 2, 0.9000),
])


def test_dollars_to_yuan_at_the_years_rate() -> None:
    done = TABLE.convert(1000, "USD", "CNY", year=2023)
    assert done.value == pytest.approx(7080.9)
    assert (done.year, done.month, done.basis) == (2023, None, Basis.YEAR)
    assert done.label() == "7.081 CNY/USD, 2023"


def test_cross_rate_through_the_dollar() -> None:
    # CNY per EUR = 7.0809 / 0.9245 = 7.65917...; 100 EUR = 765.917 CNY
    done = TABLE.convert(100, "EUR", "CNY", year=2023)
    assert done.rate == pytest.approx(7.0809 / 0.9245)
    assert done.value == pytest.approx(765.9167, abs=1e-4)
    back = TABLE.convert(done.value, "CNY", "EUR", year=2023)
    assert back.value == pytest.approx(100)


def test_month_rate_when_both_sides_have_the_month() -> None:
    done = TABLE.convert(100, "EUR", "CNY", year=2023, month=6)
    assert done.rate == pytest.approx(7.1 / 0.92)
    assert (done.month, done.basis, done.period) == (6, Basis.MONTH, "2023-06")


def test_year_rate_when_the_month_is_not_in_the_table() -> None:
    done = TABLE.convert(100, "EUR", "CNY", year=2023, month=7)
    assert done.rate == pytest.approx(7.0809 / 0.9245)
    assert (done.month, done.basis) == (None, Basis.YEAR)


def test_a_month_one_side_lacks_falls_back_to_the_year_on_both_sides() -> None:
    # GBP has no June: both legs at the year (GBP's mean of its months: 0.85)
    done = TABLE.convert(100, "GBP", "CNY", year=2023, month=6)
    assert done.rate == pytest.approx(7.0809 / 0.85)
    assert done.basis is Basis.MONTHS


def test_undated_amount_at_the_latest_year() -> None:
    done = TABLE.convert(10, "USD", "CNY", year=None)
    assert done.value == pytest.approx(70.809)
    assert (done.year, done.basis) == (2023, Basis.LATEST_YEAR)


def test_same_currency_is_not_converted() -> None:
    done = TABLE.convert(5, "cny", "CNY", year=1990)
    assert (done.value, done.rate, done.basis) == (5, 1.0, Basis.SAME)


def test_missing_currency_or_year_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput) as caught:
        TABLE.convert(1, "XAF", "CNY", year=2023)
    assert caught.value.code == "analytics.rate_missing"
    assert caught.value.params == {"currency": "XAF", "period": "2023"}
    with pytest.raises(InvalidInput, match="CNY in 2010"):
        TABLE.convert(1, "USD", "CNY", year=2010)


def test_later_rates_override_earlier_ones() -> None:
    table = RateTable([Rate("CNY", 2023, None, 7.0809), Rate("CNY", 2023, None, 7.2)])
    assert table.convert(1, "USD", "CNY", year=2023).value == 7.2


def test_the_shipped_table_reads_cleanly_and_holds_the_published_averages() -> None:
    table = RateTable(default_rates())
    assert table.latest_year == 2025
    assert table.quote("CNY", 2023).per_usd == 7.0809
    assert "GBP" in table.currencies
    assert table.quote("GBP", 2023).basis is Basis.MONTHS  # GBP is published by month only


def test_reading_a_rates_file_names_every_bad_row() -> None:
    text = ("granularity,period,currency,per_usd\n"
            "year,2023,CNY,7.1\n"
            "week,2023,CNY,7\n"
            "month,2023-13,EUR,0.9\n"
            "year,2023,usd,1\n"
            "year,2024,JPY,-3\n"
            "year,2023,CNY,7.2\n")
    rates, errors = read_rates(text)
    assert rates == [Rate("CNY", 2023, None, 7.1)]
    assert [(e.line, e.column) for e in errors] == [
        (3, "granularity"), (4, "period"), (5, "currency"), (6, "per_usd"), (7, "period")]
    _, missing = read_rates("period,currency\n2023,CNY\n")
    assert [e.column for e in missing] == ["granularity", "per_usd"]


def test_written_rates_read_back() -> None:
    rates = [Rate("CNY", 2023, None, 7.0809), Rate("EUR", 2023, 6, 0.92)]
    assert read_rates(write_rates(rates)) == (rates, [])
