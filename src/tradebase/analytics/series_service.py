"""A base's or an enterprise's series of one metric, read from its yearly facts in one query
and built by ``series.py`` (growth and CAGR computed, gaps kept as gaps).

Money stays in the facts' currency when they share one (so exchange rates do not move the
growth); a series whose years are published in different currencies, or one asked in
another currency, is converted at each year's rate, and each year names its rate.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.analytics.rates_store import rate_table
from tradebase.analytics.series import Point, Series, build_series
from tradebase.errors import InvalidInput
from tradebase.registry.metrics import METRICS, MetricKind
from tradebase.registry.models import IndicatorFact


@dataclass(frozen=True)
class MetricSeries:
    metric: str
    currency: str | None
    unit: str | None
    series: Series
    rates: dict[int, str]
    """Year -> the rate a converted year was read at ("7.081 CNY/USD, 2023")."""
    undated: int
    """Undated facts of the metric, left out of the series (they have no year)."""


def metric_series(*, session: Session, metric: str, base_id: int | None = None,
                  enterprise_id: int | None = None,
                  currency: str | None = None) -> MetricSeries:
    """The yearly series of ``metric`` for one base or one enterprise (the public register's
    facts: anyone may read it)."""
    if (base_id is None) == (enterprise_id is None):
        raise InvalidInput("name a base or an enterprise", field="base_id",
                           code="analytics.series_subject")
    known = METRICS.get(metric)
    if known is None:
        raise InvalidInput(f"{metric!r} is not a documented metric", field="metric",
                           code="analytics.metric_unknown", params={"metric": metric})
    subject = (IndicatorFact.base_id == base_id if base_id is not None
               else IndicatorFact.enterprise_id == enterprise_id)
    rows = session.execute(
        select(IndicatorFact.id, IndicatorFact.value, IndicatorFact.currency,
               IndicatorFact.unit, IndicatorFact.year)
        .where(subject, IndicatorFact.metric == metric, IndicatorFact.month.is_(None))
        .order_by(IndicatorFact.year, IndicatorFact.id)).all()
    dated = [row for row in rows if row.year is not None]
    undated = len(rows) - len(dated)
    currencies = {row.currency for row in dated if row.currency}
    units = {row.unit for row in dated if row.unit}
    if known.kind is not MetricKind.MONEY:
        points = [Point(row.year, row.value, row.id) for row in dated]
        return MetricSeries(metric, None, next(iter(units), None), build_series(points), {},
                            undated)
    target = (currency or (next(iter(currencies)) if len(currencies) == 1 else "CNY")).upper()
    table = rate_table(session=session) if currencies - {target} else None
    points, rates = [], {}
    for row in dated:
        value = row.value
        if table is not None and row.currency != target:
            done = table.convert(row.value, row.currency or target, target, year=row.year)
            value, rates[row.year] = done.value, done.label()
        points.append(Point(row.year, value, row.id))
    return MetricSeries(metric, target, None, build_series(points), rates, undated)
