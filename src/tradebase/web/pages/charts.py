"""The data of the charts, as JSON for ``static/js/charts.js``.

Charts show what exists and nothing else: a published figure is a point at its period; a year
with no figure has no point; an undated figure is not drawn (the indicator table shows it).
Every chart is ``{"labels": [period, ...], "datasets": [{"label", "data", "texts"}], "axis"}``
where ``data`` holds the values (null where there is no figure), ``texts`` the figures as the
interface language writes them, for tooltips, and ``axis`` the currency or unit of the values.
A base with nothing to draw shows no chart panel at all (``templates/base.html``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tradebase.registry.models import Enterprise, IndicatorFact
from tradebase.registry.numbers import axis_label
from tradebase.web.i18n import localized
from tradebase.web.pages.templating import fact_figure, metric_label, period


def _chart(lines: Sequence[tuple[str, Sequence[IndicatorFact]]], lang: str) -> dict[str, Any]:
    periods = sorted({period(fact) for _, facts in lines for fact in facts})
    datasets = []
    for label, facts in lines:
        by_period = {period(fact): fact for fact in facts}
        datasets.append(
            {
                "label": label,
                "data": [by_period[p].value if p in by_period else None for p in periods],
                "texts": [fact_figure(by_period[p], lang) if p in by_period else ""
                          for p in periods],
            }
        )
    return {"labels": periods, "datasets": datasets}


def published_chart(series: Mapping[str, Sequence[IndicatorFact]], lang: str) -> dict[str, Any]:
    """The dated figures of a base, one chart per currency or unit (so that output value and
    exports in yuan share an axis, and enterprise counts get their own)."""
    groups: dict[str, list[tuple[str, Sequence[IndicatorFact]]]] = {}
    for metric, facts in series.items():
        if not facts:
            continue
        key = facts[0].currency or facts[0].unit or ""
        groups.setdefault(key, []).append((metric_label(metric, lang), facts))
    charts = []
    for key, lines in groups.items():
        first = lines[0][1][0]
        chart = _chart(lines, lang)
        chart |= {"key": key, "title": " · ".join(label for label, _ in lines),
                  "axis": axis_label(lang=lang, currency=first.currency, unit=first.unit)}
        charts.append(chart)
    return {"lang": lang, "groups": charts}


def sample_chart(
    series: Sequence[tuple[Enterprise, Sequence[IndicatorFact]]], lang: str
) -> dict[str, Any]:
    """One line per sample enterprise over the periods any of them has; gaps stay gaps."""
    lines = [(localized(enterprise, "name", lang), facts) for enterprise, facts in series]
    first = next((facts[0] for _, facts in series if facts), None)
    axis = axis_label(lang=lang, currency=first.currency, unit=first.unit) if first else ""
    return {"lang": lang, "axis": axis, **_chart(lines, lang)}
