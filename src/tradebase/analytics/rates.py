"""Exchange rates: an amount of one currency in one period converted to another currency.

A ``RateTable`` holds, per currency, how many units of it buy one US dollar, for a year and,
where known, for a month. Every conversion goes through the dollar (a cross rate is a ratio:
CNY per EUR = CNY per USD / EUR per USD) and returns the rate and the period it used, so a page
can say "at 7.08 CNY/USD, 2023" beside the converted figure.

Which period's rate: the month's when the amount has a month and the table holds that month
for both currencies; else the year's; a year the table has no yearly figure for (GBP and LKR
are published by month only, and the current year is incomplete) is the mean of the months it
holds, said as such (``basis == "months"``); an undated amount is converted at the table's
latest year. Pure: plain data in, plain data out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from tradebase.errors import InvalidInput, RowError

DEFAULT_RATES_FILE = Path(__file__).parent / "data" / "usd-rates.csv"
COLUMNS = ("granularity", "period", "currency", "per_usd")
USD = "USD"


class Granularity(StrEnum):
    YEAR = "year"
    MONTH = "month"


class Basis(StrEnum):
    """How the rate of a conversion was found."""

    MONTH = "month"  # the month's average
    YEAR = "year"  # the year's average
    MONTHS = "months"  # the mean of the year's months (no yearly figure)
    LATEST_YEAR = "latest_year"  # an undated amount: the table's latest year
    SAME = "same"  # no conversion: the same currency


@dataclass(frozen=True)
class Rate:
    """Units of ``currency`` for one US dollar in a year, or in one month of it."""

    currency: str
    year: int
    month: int | None
    per_usd: float

    @property
    def granularity(self) -> Granularity:
        return Granularity.YEAR if self.month is None else Granularity.MONTH

    @property
    def period(self) -> str:
        return str(self.year) if self.month is None else f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class Quote:
    """What one side of a conversion was worth against the dollar, and in which period."""

    currency: str
    per_usd: float
    year: int | None
    month: int | None
    basis: Basis


@dataclass(frozen=True)
class Conversion:
    """``amount`` of ``source`` is ``value`` of ``target`` at ``rate`` (target per source).

    ``year`` and ``month`` are the period of the rate used (not necessarily the amount's:
    an undated amount is converted at the latest year), ``basis`` how it was found."""

    amount: float
    source: str
    target: str
    value: float
    rate: float
    year: int | None
    month: int | None
    basis: Basis
    quotes: tuple[Quote, ...]

    @property
    def period(self) -> str:
        if self.year is None:
            return ""
        return str(self.year) if self.month is None else f"{self.year}-{self.month:02d}"

    def label(self) -> str:
        """How a page names the rate: "7.08 CNY/USD, 2023" (through the dollar: both legs)."""
        legs = [f"{q.per_usd:.4g} {q.currency}/USD" for q in self.quotes
                if q.currency != USD]
        return ", ".join(legs) + (f", {self.period}" if self.period else "")


def rate_missing(currency: str, period: str) -> InvalidInput:
    return InvalidInput(
        f"no exchange rate for {currency} in {period or 'any period'}; an administrator can "
        "add it (tradebase analytics rates import)",
        field="currency", code="analytics.rate_missing",
        params={"currency": currency, "period": period})


class RateTable:
    """Rates per currency by year and month; later rates of the same key replace earlier ones
    (an administrator's overrides layered over the shipped default)."""

    def __init__(self, rates: Iterable[Rate]) -> None:
        self._years: dict[tuple[str, int], float] = {}
        self._months: dict[tuple[str, int, int], float] = {}
        for rate in rates:
            if rate.month is None:
                self._years[(rate.currency, rate.year)] = rate.per_usd
            else:
                self._months[(rate.currency, rate.year, rate.month)] = rate.per_usd
        by_year: dict[tuple[str, int], list[float]] = {}
        for (currency, year, _month), value in self._months.items():
            by_year.setdefault((currency, year), []).append(value)
        self._month_means = {key: sum(values) / len(values) for key, values in by_year.items()}
        years = [year for (_c, year) in self._years]
        self.latest_year: int | None = max(years) if years else None

    def __iter__(self) -> Iterator[Rate]:
        for (currency, year), value in sorted(self._years.items()):
            yield Rate(currency, year, None, value)
        for (currency, year, month), value in sorted(self._months.items()):
            yield Rate(currency, year, month, value)

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset({c for c, _ in self._years} | {c for c, _, _ in self._months} | {USD})

    def quote(self, currency: str, year: int | None, month: int | None = None) -> Quote:
        """Units of ``currency`` per dollar for the period (see the module's rules)."""
        currency = currency.upper()
        basis_year = Basis.YEAR
        if year is None:
            if self.latest_year is None:
                raise rate_missing(currency, "")
            year, month, basis_year = self.latest_year, None, Basis.LATEST_YEAR
        if currency == USD:
            return Quote(USD, 1.0, year, month, Basis.SAME)
        if month is not None and (found := self._months.get((currency, year, month))):
            return Quote(currency, found, year, month, Basis.MONTH)
        if found := self._years.get((currency, year)):
            return Quote(currency, found, year, None, basis_year)
        if found := self._month_means.get((currency, year)):
            return Quote(currency, found, year, None, Basis.MONTHS)
        raise rate_missing(currency, str(year))

    def convert(self, amount: float, source: str, target: str, *, year: int | None,
                month: int | None = None) -> Conversion:
        """``amount`` of ``source`` in ``year`` (and ``month``) expressed in ``target``.

        Both legs use the same period: the month's only when the table has it for both."""
        source, target = source.upper(), target.upper()
        if source == target:
            return Conversion(amount, source, target, amount, 1.0, year, month, Basis.SAME, ())
        legs = [self.quote(source, year, month), self.quote(target, year, month)]
        if len({(leg.year, leg.month) for leg in legs}) > 1 or (
                month is not None and any(leg.basis is not Basis.MONTH for leg in legs
                                          if leg.currency != USD)):
            legs = [self.quote(source, year, None), self.quote(target, year, None)]
        from_leg, to_leg = legs
        rate = to_leg.per_usd / from_leg.per_usd
        priced = [leg for leg in legs if leg.currency != USD]
        basis = priced[0].basis if len({leg.basis for leg in priced}) == 1 else Basis.MONTHS
        return Conversion(amount, source, target, amount * rate, rate, from_leg.year,
                          from_leg.month, basis, tuple(priced))


# --- reading and writing the table's file format ---------------------------------------


def parse_period(granularity: str, period: str) -> tuple[int, int | None] | None:
    """(year, month) of a ``period`` cell of the given granularity, None when malformed."""
    try:
        if granularity == Granularity.YEAR and len(period) == 4:
            return int(period), None
        if granularity == Granularity.MONTH and len(period) == 7 and period[4] == "-":
            month = int(period[5:])
            return (int(period[:4]), month) if 1 <= month <= 12 else None
    except ValueError:
        return None
    return None


def read_rates(text: str) -> tuple[list[Rate], list[RowError]]:
    """The rates of a ``usd-rates.csv``-style text, and every row error (line, column)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [RowError(1, name, f"missing column {name}", code="analytics.rates_column",
                             params={"column": name}) for name in missing]
    rates: list[Rate] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in enumerate(reader, start=2):
        granularity = (row["granularity"] or "").strip().lower()
        period = (row["period"] or "").strip()
        currency = (row["currency"] or "").strip().upper()
        row_errors: list[RowError] = []
        parsed = parse_period(granularity, period)
        if granularity not in set(Granularity):
            row_errors.append(RowError(line, "granularity", "granularity must be year or month",
                                       code="analytics.rates_granularity"))
        elif parsed is None:
            row_errors.append(RowError(
                line, "period", f"period {period!r} is not a {granularity} (2020 or 2020-06)",
                code="analytics.rates_period", params={"period": period}))
        if len(currency) != 3 or not currency.isalpha() or currency == USD:
            row_errors.append(RowError(
                line, "currency", f"currency {currency!r} is not an ISO 4217 code other "
                "than USD", code="analytics.rates_currency", params={"currency": currency}))
        try:
            per_usd = float((row["per_usd"] or "").strip())
            if not per_usd > 0 or per_usd == float("inf"):
                raise ValueError
        except ValueError:
            per_usd = 0.0
            row_errors.append(RowError(
                line, "per_usd", f"per_usd {row['per_usd']!r} is not a positive number",
                code="analytics.rates_value", params={"value": row["per_usd"] or ""}))
        key = (granularity, period, currency)
        if not row_errors and key in seen:
            row_errors.append(RowError(
                line, "period", f"{currency} {period} is given twice (also line {seen[key]})",
                code="analytics.rates_repeated", params={"line": str(seen[key])}))
        errors.extend(row_errors)
        if not row_errors and parsed is not None:
            seen[key] = line
            rates.append(Rate(currency, parsed[0], parsed[1], per_usd))
    return rates, errors


def write_rates(rates: Iterable[Rate]) -> str:
    """The rates as ``usd-rates.csv`` writes them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for rate in rates:
        writer.writerow((rate.granularity.value, rate.period, rate.currency,
                         f"{rate.per_usd:.6g}"))
    return out.getvalue()


@lru_cache(maxsize=1)
def default_rates() -> tuple[Rate, ...]:
    """The table shipped with Tradebase (``data/usd-rates.csv``, see ``data/README.md``)."""
    rates, errors = read_rates(DEFAULT_RATES_FILE.read_text(encoding="utf-8"))
    if errors:  # pragma: no cover - the shipped file is checked by a test
        raise RuntimeError(f"{DEFAULT_RATES_FILE}: {errors[0]}")
    return tuple(rates)
