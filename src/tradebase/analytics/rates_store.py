"""The rate table in force: the shipped default with the administrators' rates over it, and
the administrators' writes (a file or the API), all-or-nothing with every row's error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize
from tradebase.accounts.policy import Permission
from tradebase.analytics.models import RateOverride
from tradebase.analytics.rates import Rate, RateTable, default_rates, parse_period, read_rates
from tradebase.errors import ImportRejected, InvalidInput


@dataclass(frozen=True)
class RateRow:
    rate: Rate
    source: str  # "default" (the shipped table) or "administrator"


@dataclass(frozen=True)
class RatesWritten:
    added: int
    changed: int
    unchanged: int


def _overrides(session: Session) -> list[Rate]:
    rates: list[Rate] = []
    for row in session.scalars(select(RateOverride).order_by(RateOverride.id)):
        parsed = parse_period(row.granularity, row.period)
        if parsed is not None:
            rates.append(Rate(row.currency, parsed[0], parsed[1], row.per_usd))
    return rates


def rate_table(*, session: Session) -> RateTable:
    """The table every conversion uses: the default, the administrators' rates over it."""
    return _layered(tuple(_overrides(session)))


@lru_cache(maxsize=8)
def _layered(overrides: tuple[Rate, ...]) -> RateTable:
    # Building the table indexes ~7,500 rates: once per set of administrators' rates.
    return RateTable([*default_rates(), *overrides])


def list_rates(*, session: Session, currency: str | None = None,
               year: int | None = None) -> list[RateRow]:
    """The rates in force (of one currency or year when given), each saying where it comes
    from. Anyone signed in."""
    authorize(session, Permission.READ_ANALYTICS)
    kept = {(r.currency, r.year, r.month) for r in _overrides(session)}
    rows = [RateRow(rate, "administrator" if (rate.currency, rate.year, rate.month) in kept
                    else "default") for rate in rate_table(session=session)]
    return [row for row in rows
            if (currency is None or row.rate.currency == currency.upper())
            and (year is None or row.rate.year == year)]


def write_rates(*, session: Session, rates: Sequence[Rate]) -> RatesWritten:
    """Keep ``rates`` over the default (a rate of the same period and currency is replaced).
    Platform administrators only; never commits."""
    actor = authorize(session, Permission.MANAGE_RATES)
    stored = {(r.granularity, r.period, r.currency): r
              for r in session.scalars(select(RateOverride))}
    added = changed = unchanged = 0
    for rate in rates:
        key = (rate.granularity.value, rate.period, rate.currency)
        row = stored.get(key)
        if row is None:
            row = RateOverride(granularity=key[0], period=key[1], currency=key[2],
                               per_usd=rate.per_usd, changed_by=actor.user_id)
            session.add(row)
            stored[key] = row
            added += 1
        elif row.per_usd != rate.per_usd:
            row.per_usd, row.changed_by = rate.per_usd, actor.user_id
            changed += 1
        else:
            unchanged += 1
    session.flush()
    return RatesWritten(added, changed, unchanged)


def import_rates(*, session: Session, text: str, filename: str) -> RatesWritten:
    """A ``usd-rates.csv``-style file: every row good, or nothing written and every bad
    row named (line, column)."""
    authorize(session, Permission.MANAGE_RATES)
    rates, errors = read_rates(text)
    if errors:
        raise ImportRejected(filename, errors, rows_read=max(len(text.splitlines()) - 1, 0))
    if not rates:
        raise InvalidInput(f"{filename}: no rates in the file", field="file",
                           code="analytics.rates_empty")
    return write_rates(session=session, rates=rates)
