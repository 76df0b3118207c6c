"""Score and rank bases on an evaluation scheme. Pure: facts in, ranking out.

The rules (issue 12's contract, docs/analytics.md):

- A base's value of a metric is its fact of the scheme's year; without a year, its latest
  dated fact, or its undated fact when it has no dated one. Only yearly figures count (a
  fact with a month is a month's figure, not comparable with a year's); of two facts of one
  period the later entered (higher id) counts.
- Money is compared by ``Fact.comparable`` (the service puts it in CNY at the rate table).
- ``growth`` is the value of the selected year over the year before, minus 1 (in the facts'
  own currency when both have the same one, so exchange rates do not move it); a year
  missing, an undated value or a zero before is missing.
- ``per_employee`` / ``per_enterprise`` divide by the base's ``employees`` /
  ``enterprises`` of the same period (a dated value by the same year's, an undated one by
  the undated one); none, or zero, is missing.
- ``minmax`` (x − min) / (max − min), 1 for all when max = min; ``zscore`` (x − mean) / σ with
  the population σ (0 for all when σ = 0); ``rank`` (n − r) / (n − 1) with r the average rank
  of ties, 1 the largest (1 when n = 1). Over the bases that have the value, among those
  ranked: with ``exclude`` a base missing any value is left out before normalising.
- The score is Σ weight × normalised / Σ weight; ``breakdown`` gives each term, so the
  terms add up to the score. With ``zero_flagged`` a missing value counts 0 and is listed
  under ``missing``. ``passes`` is false when a thresholded value is below its ``min`` or
  missing. Equal scores share a rank (1, 2, 2, 4); ties are listed by base key.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tradebase.analytics.scheme_file import Indicator, MissingRule, Normalise, Scheme, Transform

DIGITS = 12  # scores and terms are rounded so that JSON output is stable


@dataclass(frozen=True)
class Fact:
    """One yearly (or undated) figure of a base as the ranking reads it."""

    id: int
    base_id: int
    metric: str
    value: float
    currency: str | None
    year: int | None
    comparable: float
    """The value to compare across bases: money in CNY, anything else as stored."""


@dataclass(frozen=True)
class Subject:
    base_id: int
    base: str | None
    """The base's key as the exports' ``base`` column writes it (e.g. ``anxi``)."""


@dataclass(frozen=True)
class Value:
    """An indicator's value for one base: what it is, which facts gave it, which period."""

    value: float
    fact_ids: tuple[int, ...]
    year: int | None

    @property
    def undated(self) -> bool:
        return self.year is None


@dataclass
class RankedBase:
    base_id: int
    base: str | None
    score: float
    rank: int
    breakdown: dict[str, float]
    missing: list[str]
    passes: bool
    values: dict[str, Value | None] = field(default_factory=dict)

    @property
    def undated(self) -> list[str]:
        """The indicators whose value came from an undated fact (flagged on every page)."""
        return [key for key, value in self.values.items() if value is not None and value.undated]

    def contract(self) -> dict[str, object]:
        """The row as ``tradebase analytics rank --format json`` prints it."""
        return {"base_id": self.base_id, "base": self.base, "score": self.score,
                "rank": self.rank, "breakdown": self.breakdown, "missing": self.missing,
                "passes": self.passes}


@dataclass
class Ranking:
    ranked: list[RankedBase]
    excluded: list[RankedBase]
    """With ``exclude``: the bases left out for a missing value (``missing`` says which)."""


class _Index:
    """A base's facts of one metric by period: the latest entered of each."""

    def __init__(self, facts: Iterable[Fact]) -> None:
        self.by: dict[tuple[int, str], dict[int | None, Fact]] = {}
        for fact in facts:
            periods = self.by.setdefault((fact.base_id, fact.metric), {})
            stored = periods.get(fact.year)
            if stored is None or fact.id > stored.id:
                periods[fact.year] = fact

    def select(self, base_id: int, metric: str, year: int | None) -> Fact | None:
        periods = self.by.get((base_id, metric), {})
        if year is not None:
            return periods.get(year)
        dated = [y for y in periods if y is not None]
        return periods[max(dated)] if dated else periods.get(None)

    def at(self, base_id: int, metric: str, year: int | None) -> Fact | None:
        return self.by.get((base_id, metric), {}).get(year)


_DENOMINATOR = {Transform.PER_EMPLOYEE: "employees", Transform.PER_ENTERPRISE: "enterprises"}


def indicator_value(index: _Index, base_id: int, indicator: Indicator,
                    year: int | None) -> Value | None:
    fact = index.select(base_id, indicator.metric, year)
    if fact is None:
        return None
    if indicator.transform is Transform.LEVEL:
        return Value(fact.comparable, (fact.id,), fact.year)
    if indicator.transform is Transform.GROWTH:
        if fact.year is None:
            return None
        before = index.at(base_id, indicator.metric, fact.year - 1)
        if before is None:
            return None
        same = fact.currency == before.currency
        now, then = (fact.value, before.value) if same else (fact.comparable, before.comparable)
        if then == 0:
            return None
        return Value(now / then - 1, (fact.id, before.id), fact.year)
    denominator = index.at(base_id, _DENOMINATOR[indicator.transform], fact.year)
    if denominator is None or denominator.comparable == 0:
        return None
    return Value(fact.comparable / denominator.comparable, (fact.id, denominator.id), fact.year)


def normalise(values: Mapping[int, float], how: Normalise) -> dict[int, float]:
    """Each base's value normalised over the bases given (see the module's rules)."""
    if not values:
        return {}
    xs = list(values.values())
    if how is Normalise.MINMAX:
        low, high = min(xs), max(xs)
        if high == low:
            return dict.fromkeys(values, 1.0)
        return {k: (x - low) / (high - low) for k, x in values.items()}
    if how is Normalise.ZSCORE:
        mean = sum(xs) / len(xs)
        sigma = math.sqrt(sum((x - mean) ** 2 for x in xs) / len(xs))
        if sigma == 0:
            return dict.fromkeys(values, 0.0)
        return {k: (x - mean) / sigma for k, x in values.items()}
    ranks = average_ranks(values)
    n = len(values)
    if n == 1:
        return dict.fromkeys(values, 1.0)
    return {k: (n - r) / (n - 1) for k, r in ranks.items()}


def average_ranks(values: Mapping[int, float]) -> dict[int, float]:
    """Rank 1 for the largest value; tied values share the mean of the ranks they span."""
    ordered = sorted(values.items(), key=lambda kv: -kv[1])
    ranks: dict[int, float] = {}
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1][1] == ordered[i][1]:
            j += 1
        shared = (i + 1 + j + 1) / 2
        for k in range(i, j + 1):
            ranks[ordered[k][0]] = shared
        i = j + 1
    return ranks


def rank_bases(scheme: Scheme, bases: Sequence[Subject], facts: Iterable[Fact]) -> Ranking:
    """Score and rank ``bases`` on ``scheme`` from their ``facts``."""
    index = _Index(facts)
    values: dict[int, dict[str, Value | None]] = {
        b.base_id: {i.key: indicator_value(index, b.base_id, i, scheme.year)
                    for i in scheme.indicators}
        for b in bases}
    kept = list(bases)
    excluded: list[Subject] = []
    if scheme.missing is MissingRule.EXCLUDE:
        kept = [b for b in bases if all(v is not None for v in values[b.base_id].values())]
        excluded = [b for b in bases if b not in kept]
    normalised = {
        i.key: normalise({b.base_id: v.value for b in kept
                          if (v := values[b.base_id][i.key]) is not None}, i.normalise)
        for i in scheme.indicators}
    total_weight = sum(i.weight for i in scheme.indicators)
    rows: list[RankedBase] = []
    for b in kept:
        own = values[b.base_id]
        breakdown = {i.key: round(i.weight * normalised[i.key].get(b.base_id, 0.0)
                                  / total_weight, DIGITS) for i in scheme.indicators}
        rows.append(RankedBase(
            b.base_id, b.base, round(sum(breakdown.values()), DIGITS), 0, breakdown,
            [i.key for i in scheme.indicators if own[i.key] is None],
            _passes(scheme.indicators, own), own))
    rows.sort(key=lambda r: (-r.score, r.base or "", r.base_id))
    for position, row in enumerate(rows, start=1):
        row.rank = rows[position - 2].rank if position > 1 and (
            rows[position - 2].score == row.score) else position
    left_out = [RankedBase(b.base_id, b.base, 0.0, 0, {},
                           [k for k, v in values[b.base_id].items() if v is None],
                           _passes(scheme.indicators, values[b.base_id]), values[b.base_id])
                for b in excluded]
    return Ranking(rows, left_out)


def _passes(indicators: Sequence[Indicator], own: dict[str, Value | None]) -> bool:
    for indicator in indicators:
        if indicator.min is None:
            continue
        value = own[indicator.key]
        if value is None or value.value < indicator.min:
            return False
    return True
