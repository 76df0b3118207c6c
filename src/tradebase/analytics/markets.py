"""A base's exports by market for its page: one year's destinations (the world map and its
table), the years there are, and the markets won and lost against the year before.

Built on ``flows.destination_markets`` and ``flows.market_changes`` with the base as the one
reporter (``base:<id>``): a base's rows are the sums of its enterprises' as imported or as
the demo writes them, so the enterprises are not added again. Partners are ISO 3166 alpha-3
codes; the map's shapes (world-atlas) are keyed by ISO 3166 numeric codes, which pycountry
gives here. Areas no country stands for (``X..``) have no shape: they are in the table only.

Who may read it is ``flows.authorize_read`` (``accounts/policy.may_read_trade``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pycountry
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tradebase.analytics import flows
from tradebase.analytics.trade_models import TradeRecord
from tradebase.errors import InvalidInput

SORT_KEYS = ("value", "country")


@dataclass(frozen=True)
class Market:
    """One destination of the year: alpha-3 and numeric codes (numeric None for areas no
    country stands for), alpha-2 for its name, the value and its share of the year."""

    partner: str
    numeric: str | None
    alpha2: str | None
    value: float
    share: float | None


@dataclass
class MarketsOfYear:
    """What the base page shows: the chosen year's markets (largest first), every year with
    records, the markets new and lost against the year before, and whether the figures are
    sample (made-up) ones."""

    reporter: str
    currency: str
    year: int | None
    years: list[int] = field(default_factory=list)
    markets: list[Market] = field(default_factory=list)
    new: list[Market] = field(default_factory=list)
    lost: list[Market] = field(default_factory=list)
    total: float = 0.0
    is_sample: bool = False
    other_currency_rows: int = 0


@lru_cache(maxsize=512)
def country_codes(alpha3: str) -> tuple[str | None, str | None]:
    """(ISO numeric, ISO alpha-2) of an alpha-3 code; (None, None) when no country has it."""
    country = pycountry.countries.get(alpha_3=alpha3)
    if country is None:
        return None, None
    return str(country.numeric), str(country.alpha_2)


def _market(partner: str, value: float, share: float | None) -> Market:
    numeric, alpha2 = country_codes(partner)
    return Market(partner=partner, numeric=numeric, alpha2=alpha2, value=float(value),
                  share=None if share is None else float(share))


def exports_by_market(*, session: Session, base_id: int, year: int | None = None,
                      currency: str = "USD") -> MarketsOfYear:
    """The base's exports by destination in ``year`` (the latest year with records when
    None). InvalidInput when the base has records but none of ``year``; Forbidden when the
    actor may not read them."""
    scope = flows.Scope(reporter=f"base:{base_id}", currency=currency)
    measure = flows.destination_markets(session=session, scope=scope)
    years = sorted({int(row["year"]) for row in measure.rows})
    result = MarketsOfYear(reporter=scope.reporter, currency=currency, year=None, years=years,
                           other_currency_rows=measure.other_currency_rows)
    if not years:
        return result
    if year is None:
        year = years[-1]
    elif year not in years:
        raise InvalidInput(f"{scope.reporter} has no exports recorded for {year}",
                           field="year", code="markets_year",
                           params={"year": str(year),
                                   "years": ", ".join(str(known) for known in years)})
    result.year = year
    result.markets = [_market(str(row["partner"]), row["value"], row["share"])
                      for row in measure.rows if int(row["year"]) == year]
    result.total = sum(market.value for market in result.markets)
    changes = flows.market_changes(session=session, scope=scope)
    for row in changes.rows:
        if int(row["year"]) != year:
            continue
        target = result.new if row["change"] == "new" else result.lost
        target.append(_market(str(row["partner"]), row["value"], None))
    result.is_sample = _is_sample(session, scope, year)
    return result


def _is_sample(session: Session, scope: flows.Scope, year: int) -> bool:
    """Whether any record summed for the year is a sample (made-up) one."""
    found = session.execute(select(func.count()).select_from(TradeRecord).where(
        TradeRecord.reporter == scope.reporter, TradeRecord.flow == scope.flow,
        TradeRecord.currency == scope.currency, TradeRecord.year == year,
        TradeRecord.is_sample.is_(True))).scalar_one()
    return bool(found)


def sorted_markets(markets: list[Market], *, key: str, descending: bool,
                   names: dict[str, str]) -> list[Market]:
    """The markets by value (the share follows it) or by country name as ``names`` (partner
    -> name in the reader's language) writes them."""
    if key == "country":
        return sorted(markets, key=lambda m: (names.get(m.partner, m.partner), m.partner),
                      reverse=descending)
    return sorted(markets, key=lambda m: (m.value, m.partner), reverse=descending)
