"""A metric's time series for one base or enterprise: its years, year-on-year growth and the
compound annual growth rate, computed from the facts, never typed. Pure.

A year without a figure between the first and the last is a gap: it is shown as a gap
(``value`` None) and never interpolated. The growth of the year after a gap is measured
against the last year before it and says so (``across_gap``, ``span`` the years it covers,
``annualised`` the yearly rate over them); a CAGR over a series with gaps is computed from
its two ends and flagged the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    year: int
    value: float
    fact_id: int | None = None


@dataclass(frozen=True)
class Growth:
    """The change from ``since`` to the year it belongs to, as a fraction (0.1 = 10 %)."""

    since: int
    change: float
    span: int
    annualised: float | None  # None when the value changed sign (no yearly rate)
    across_gap: bool


@dataclass(frozen=True)
class Year:
    year: int
    value: float | None  # None: a gap
    fact_id: int | None
    growth: Growth | None


@dataclass(frozen=True)
class Cagr:
    first: int
    last: int
    rate: float
    across_gap: bool
    gaps: tuple[int, ...]


@dataclass(frozen=True)
class Series:
    years: tuple[Year, ...]
    cagr: Cagr | None

    @property
    def gaps(self) -> tuple[int, ...]:
        return tuple(y.year for y in self.years if y.value is None)


def _growth(now: float, then: float, span: int, since: int) -> Growth | None:
    if then == 0 or span <= 0:
        return None
    change = now / then - 1
    ratio = now / then
    annualised = ratio ** (1 / span) - 1 if ratio > 0 else None
    return Growth(since, change, span, annualised, span > 1)


def build_series(points: Iterable[Point]) -> Series:
    """The series of yearly ``points`` (one per year; of two, the later given counts)."""
    by_year: dict[int, Point] = {}
    for given in points:
        by_year[given.year] = given
    if not by_year:
        return Series((), None)
    first, last = min(by_year), max(by_year)
    years: list[Year] = []
    previous: Point | None = None
    for year in range(first, last + 1):
        point = by_year.get(year)
        if point is None:
            years.append(Year(year, None, None, None))
            continue
        growth = None if previous is None else _growth(
            point.value, previous.value, year - previous.year, previous.year)
        years.append(Year(year, point.value, point.fact_id, growth))
        previous = point
    cagr = None
    if last > first and by_year[first].value > 0 and by_year[last].value > 0:
        gaps = tuple(y.year for y in years if y.value is None)
        rate = (by_year[last].value / by_year[first].value) ** (1 / (last - first)) - 1
        cagr = Cagr(first, last, rate, bool(gaps), gaps)
    return Series(tuple(years), cagr)
