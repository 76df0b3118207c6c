"""Per-reporter trade-flow measures, computed in SQL that runs on PostgreSQL and SQLite alike.

Every measure reads one reporter's records (``"base:3"``, ``"country:CHN"``…) of one flow
(exports by default) in one currency (USD by default): records in other currencies are left
out and counted (``other_currency_rows``), never summed with them. Values are sums over
months and over whatever else the key leaves out.

- ``destination_markets``: value by partner and year, with the partner's share of the year.
- ``product_mix``: value by product (HS 2022 chapter, heading or subheading) and year.
- ``rca``: Balassa's revealed comparative advantage of each product in a year,
  (x_rp / x_r) / (w_p / w), against a reference total ``w`` — the world as loaded (every
  country reporter's records) or a chosen group of reporters. When the reference holds no
  record of that year and flow, the answer says ``reference_missing`` instead of a number.
- ``hhi``: the Herfindahl–Hirschman index over partners, Σ share², 0–1, by year.
- ``market_changes``: partners new in a year (no value the year before) and lost (value the
  year before, none this year).
- ``top_movers``: partners or products with the largest change of value between two years.

Who may read a reporter's records: ``accounts/policy.may_read_trade``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Float, case, cast, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import TradeReporter, may_read_trade
from tradebase.analytics.trade_models import REPORTER_KINDS, TradeRecord
from tradebase.errors import Forbidden, InvalidInput, NotFound
from tradebase.registry.models import Base, Enterprise, Region

WORLD = "world"
"""The reference of every country reporter's records, as loaded."""
LEVELS = (2, 4, 6)

T = TradeRecord


@dataclass(frozen=True)
class Scope:
    """Which records a measure reads."""

    reporter: str
    flow: str = "export"
    currency: str = "USD"


@dataclass
class Measure:
    """A measure's rows and what was left out of it."""

    reporter: str
    flow: str
    currency: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    other_currency_rows: int = 0
    reference: str | None = None
    reference_missing: bool = False


# --- who may read whom ---------------------------------------------------------------------


def read_reporter(session: Session, key: str) -> TradeReporter:
    """The reporter a key names (``base:3``, ``enterprise:17``, ``region:5``, ``country:CHN``),
    NotFound when it names none."""
    kind, _, ref = key.partition(":")
    if kind not in REPORTER_KINDS or not ref:
        raise InvalidInput(f"'{key}' is not a reporter: write base:<id>, enterprise:<id>, "
                           "region:<id> or country:<ISO alpha-3>", field="reporter",
                           code="trade_reporter_form", params={"input": key})
    if kind == "country":
        if len(ref) != 3 or not ref.isascii() or not ref.isalpha() or not ref.isupper():
            raise InvalidInput(f"'{ref}' is not an ISO 3166 alpha-3 code", field="reporter",
                               code="trade_country_unknown", params={"input": ref})
        return TradeReporter("country")
    if not ref.isascii() or not ref.isdecimal() or len(ref) > 10:
        raise InvalidInput(f"'{key}': give the {kind}'s id", field="reporter",
                           code="trade_reporter_form", params={"input": key})
    ident = int(ref)
    if ident > 2**31 - 1:
        raise NotFound(f"no {kind} {ident}", field="reporter")
    if kind == "base":
        if session.get(Base, ident) is None:
            raise NotFound(f"no base {ident}", field="reporter")
        return TradeReporter("base", base_id=ident)
    if kind == "enterprise":
        enterprise = session.get(Enterprise, ident)
        if enterprise is None:
            raise NotFound(f"no enterprise {ident}", field="reporter")
        return TradeReporter("enterprise", base_id=enterprise.base_id, enterprise_id=ident)
    if session.get(Region, ident) is None:
        raise NotFound(f"no region {ident}", field="reporter")
    return TradeReporter("region")


def authorize_read(session: Session, key: str) -> None:
    """Refuse to show a reporter's records to an actor that may not read them."""
    if not may_read_trade(current_actor(session), read_reporter(session, key)):
        raise Forbidden(f"you may not read the trade records of {key}", field="reporter",
                        code="trade_forbidden", params={"reporter": key})


# --- shared pieces -------------------------------------------------------------------------


def _where(scope: Scope, *, years: tuple[int, ...] = ()) -> list[ColumnElement[bool]]:
    clauses = [T.reporter == scope.reporter, T.flow == scope.flow,
               T.currency == scope.currency]
    if years:
        clauses.append(T.year.in_(years))
    return clauses


def _other_currency_rows(session: Session, scope: Scope) -> int:
    return int(session.execute(
        select(func.count()).select_from(T).where(
            T.reporter == scope.reporter, T.flow == scope.flow, T.currency != scope.currency)
    ).scalar_one())


def _measure(session: Session, scope: Scope, rows: list[dict[str, Any]]) -> Measure:
    return Measure(reporter=scope.reporter, flow=scope.flow, currency=scope.currency,
                   rows=rows, other_currency_rows=_other_currency_rows(session, scope))


def _product(level: int) -> ColumnElement[str]:
    if level not in LEVELS:
        raise InvalidInput(f"level must be 2, 4 or 6, not {level}", field="level",
                           code="trade_level", params={"input": str(level)})
    return func.coalesce(func.substr(T.hs2022, 1, level), literal("unmapped"))


def _rows(session: Session, stmt: Select[Any]) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in session.execute(stmt)]


def _float(value: ColumnElement[Any]) -> ColumnElement[float]:
    return cast(value, Float)


# --- the measures --------------------------------------------------------------------------


def destination_markets(*, session: Session, scope: Scope) -> Measure:
    """Value by year and partner, with the partner's share of the year's value; by year, then
    value, largest first."""
    authorize_read(session, scope.reporter)
    grouped = (select(T.year, T.partner, func.sum(T.value).label("value"))
               .where(*_where(scope)).group_by(T.year, T.partner).subquery())
    total = func.sum(grouped.c.value).over(partition_by=grouped.c.year)
    stmt = (select(grouped.c.year, grouped.c.partner, grouped.c.value,
                   (_float(grouped.c.value) / func.nullif(total, 0)).label("share"))
            .order_by(grouped.c.year, grouped.c.value.desc(), grouped.c.partner))
    return _measure(session, scope, _rows(session, stmt))


def product_mix(*, session: Session, scope: Scope, level: int = 2,
                year: int | None = None) -> Measure:
    """Value by year and product at HS ``level`` (2, 4 or 6 digits of the HS 2022 code;
    ``unmapped`` for codes with no HS 2022 code), with the product's share of the year."""
    authorize_read(session, scope.reporter)
    product = _product(level).label("product")
    grouped = (select(T.year, product, func.sum(T.value).label("value"))
               .where(*_where(scope, years=(year,) if year else ()))
               .group_by(T.year, product).subquery())
    total = func.sum(grouped.c.value).over(partition_by=grouped.c.year)
    stmt = (select(grouped.c.year, grouped.c.product, grouped.c.value,
                   (_float(grouped.c.value) / func.nullif(total, 0)).label("share"))
            .order_by(grouped.c.year, grouped.c.value.desc(), grouped.c.product))
    return _measure(session, scope, _rows(session, stmt))


def rca(*, session: Session, scope: Scope, year: int, level: int = 6,
        reference: str | tuple[str, ...] = WORLD) -> Measure:
    """Balassa's RCA of each product the reporter trades in ``year``: (x_rp / x_r) /
    (w_p / w) with ``w`` the reference's records — ``WORLD`` (every country reporter's) or
    the reporters named. ``reference_missing`` when the reference has no record of the year
    (no RCA is computed against nothing); a product the reference does not trade has no RCA
    (``rca`` None)."""
    authorize_read(session, scope.reporter)
    product = _product(level).label("product")
    if reference == WORLD:
        in_reference: ColumnElement[bool] = T.reporter_kind == "country"
        named = WORLD
    else:
        keys = (reference,) if isinstance(reference, str) else tuple(reference)
        if not keys:
            raise InvalidInput("name the reference's reporters, or the world",
                               field="reference", code="trade_reference_empty")
        in_reference = T.reporter.in_(keys)
        named = ",".join(keys)
    ref_where = (in_reference, T.flow == scope.flow, T.currency == scope.currency,
                 T.year == year)
    ref_total = session.execute(select(func.sum(T.value)).where(*ref_where)).scalar_one()
    measure = _measure(session, scope, [])
    measure.reference = named
    if not ref_total:
        measure.reference_missing = True
        return measure
    own = (select(product, func.sum(T.value).label("value"))
           .where(*_where(scope, years=(year,))).group_by(product).subquery("own"))
    ref = (select(product, func.sum(T.value).label("value"))
           .where(*ref_where).group_by(product).subquery("ref"))
    own_total = func.sum(own.c.value).over()
    share = _float(own.c.value) / func.nullif(own_total, 0)
    ref_share = _float(ref.c.value) / float(ref_total)
    stmt = (select(own.c.product, own.c.value, share.label("share"),
                   ref.c.value.label("reference_value"),
                   (share / func.nullif(ref_share, 0)).label("rca"))
            .select_from(own.outerjoin(ref, own.c.product == ref.c.product))
            .order_by(own.c.product))
    measure.rows = _rows(session, stmt)
    for row in measure.rows:
        row["year"] = year
    return measure


def hhi(*, session: Session, scope: Scope) -> Measure:
    """The Herfindahl–Hirschman index over partners by year: Σ (partner's share)², 0–1 (1:
    one partner takes everything); with the number of partners."""
    authorize_read(session, scope.reporter)
    grouped = (select(T.year, T.partner, func.sum(T.value).label("value"))
               .where(*_where(scope)).group_by(T.year, T.partner).subquery())
    total = func.sum(grouped.c.value).over(partition_by=grouped.c.year)
    shares = select(grouped.c.year, (_float(grouped.c.value) / func.nullif(total, 0))
                    .label("share")).subquery()
    stmt = (select(shares.c.year, func.sum(shares.c.share * shares.c.share).label("hhi"),
                   func.count().label("partners"))
            .group_by(shares.c.year).order_by(shares.c.year))
    return _measure(session, scope, _rows(session, stmt))


def market_changes(*, session: Session, scope: Scope) -> Measure:
    """Partners new in a year (a value this year, none the year before) and lost (a value the
    year before, none this year), for every year whose previous year has records too (across
    a gap in the records nothing is called new or lost)."""
    authorize_read(session, scope.reporter)
    grouped = (select(T.year, T.partner, func.sum(T.value).label("value"))
               .where(*_where(scope)).group_by(T.year, T.partner)
               .having(func.sum(T.value) > 0).subquery())
    years = select(T.year).where(*_where(scope)).distinct().subquery()
    now, before = grouped.alias("now"), grouped.alias("before")
    previous, current = years.alias("previous"), years.alias("current")
    new = (select(now.c.year, now.c.partner, literal("new").label("change"), now.c.value)
           .select_from(
               now.join(previous, previous.c.year == now.c.year - 1)
               .outerjoin(before, (before.c.partner == now.c.partner)
                          & (before.c.year == now.c.year - 1)))
           .where(before.c.partner.is_(None)))
    lost = (select(current.c.year, before.c.partner, literal("lost").label("change"),
                   before.c.value)
            .select_from(
                before.join(current, current.c.year == before.c.year + 1)
                .outerjoin(now, (now.c.partner == before.c.partner)
                           & (now.c.year == before.c.year + 1)))
            .where(now.c.partner.is_(None)))
    both = new.union_all(lost).subquery()
    stmt = select(both).order_by(both.c.year, both.c.change.desc(), both.c.value.desc(),
                                 both.c.partner)
    return _measure(session, scope, _rows(session, stmt))


def top_movers(*, session: Session, scope: Scope, year: int, by: str = "partner",
               level: int = 6, limit: int = 10) -> Measure:
    """The partners (``by="partner"``) or products (``by="product"``, at HS ``level``) whose
    value changed most, in absolute terms, from ``year - 1`` to ``year``."""
    authorize_read(session, scope.reporter)
    if by not in ("partner", "product"):
        raise InvalidInput(f"by must be partner or product, not {by}", field="by",
                           code="trade_movers_by", params={"input": by})
    key = (T.partner if by == "partner" else _product(level)).label("key")
    this = func.sum(case((T.year == year, T.value), else_=0.0)).label("value")
    last = func.sum(case((T.year == year - 1, T.value), else_=0.0)).label("previous")
    grouped = (select(key, this, last).where(*_where(scope, years=(year - 1, year)))
               .group_by(key).subquery())
    change = (grouped.c.value - grouped.c.previous).label("change")
    stmt = (select(grouped.c.key, grouped.c.previous, grouped.c.value, change)
            .order_by(func.abs(grouped.c.value - grouped.c.previous).desc(), grouped.c.key)
            .limit(max(1, min(limit, 100))))
    rows = _rows(session, stmt)
    for row in rows:
        row["year"] = year
    return _measure(session, scope, rows)
