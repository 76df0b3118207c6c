"""Rank the register's bases on a scheme: read the facts the scheme needs in one query, make
money comparable in CNY at the rate table, call the ranking engine, shape the contract.

The facts read are returned as plain records (``FactRecord``) so that a stored run keeps
exactly what it read, and ``rank_records`` reproduces it from them alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize
from tradebase.accounts.policy import Permission
from tradebase.analytics.ranking import Fact, Ranking, Subject, rank_bases
from tradebase.analytics.rates import RateTable
from tradebase.analytics.rates_store import rate_table
from tradebase.analytics.scheme_file import Scheme, Transform
from tradebase.errors import InvalidInput
from tradebase.registry.metrics import METRICS, MetricKind
from tradebase.registry.models import Base, IndicatorFact

COMPARED_IN = "CNY"
_FactColumns = tuple[int, int | None, str, float, str | None, int | None]
"""id, base_id, metric, value, currency, year"""


@dataclass(frozen=True)
class FactRecord(Fact):
    """A fact as a run keeps it: what was stored, what the ranking compared and the rate
    that made it comparable."""

    rate: float | None = None  # CNY per unit of ``currency`` (money only)
    rate_period: str = ""  # the rate's period ("2023"); "" when not converted

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FactRecord:
        return cls(**data)


def read_subjects(*, session: Session, base_ids: Sequence[int] | None = None) -> list[Subject]:
    """The bases ranked (every base of the register unless ``base_ids`` names some), with
    the key the exports write (the id of a base without one)."""
    query = select(Base.id, Base.key).order_by(Base.id)
    if base_ids is not None:
        query = query.where(Base.id.in_(list(base_ids)))
    return [Subject(ident, key if key is not None else str(ident))
            for ident, key in session.execute(query)]


def _depths(scheme: Scheme) -> dict[str, int | None]:
    """How many of its latest periods each metric needs (None: all of them): one for a
    level, two for a growth, every one for the divisor of a per-employee or per-enterprise
    value (it is read at the numerator's period)."""
    depths: dict[str, int | None] = {}
    for indicator in scheme.indicators:
        need = 2 if indicator.transform is Transform.GROWTH else 1
        had = depths.get(indicator.metric, 0)
        depths[indicator.metric] = None if had is None else max(had, need)
    for transform, divisor in ((Transform.PER_EMPLOYEE, "employees"),
                               (Transform.PER_ENTERPRISE, "enterprises")):
        if any(i.transform is transform for i in scheme.indicators):
            depths[divisor] = None
    return depths


def _facts_query(scheme: Scheme, base_ids: Sequence[int] | None) -> Select[*_FactColumns]:
    f = IndicatorFact
    depths = _depths(scheme)
    where = [f.base_id.is_not(None), f.month.is_(None), f.metric.in_(sorted(depths))]
    if base_ids is not None:
        where.append(f.base_id.in_(list(base_ids)))
    columns = (f.id, f.base_id, f.metric, f.value, f.currency, f.year)
    if scheme.year is not None:
        where.append(f.year.in_([scheme.year, scheme.year - 1]))
        return select(*columns).where(*where).order_by(f.id)
    # Only the periods the ranking can use: a metric's latest dated years (the undated
    # fact ranks after them, so it comes only when there is none), counted in the database.
    depth = func.dense_rank().over(
        partition_by=(f.base_id, f.metric),
        order_by=(case((f.year.is_(None), 1), else_=0), f.year.desc())).label("depth")
    inner = select(*columns, depth).where(*where).subquery()
    every = sorted(m for m, d in depths.items() if d is None)
    kept: list[ColumnElement[bool]] = [inner.c.metric.in_(every)]
    for limit in (1, 2):
        names = sorted(m for m, d in depths.items() if d == limit)
        if names:
            kept.append(and_(inner.c.metric.in_(names), inner.c.depth <= limit))
    outer: Select[*_FactColumns] = (
        select(inner.c.id, inner.c.base_id, inner.c.metric, inner.c.value, inner.c.currency,
               inner.c.year).where(or_(*kept)).order_by(inner.c.id))
    return outer


def read_facts(*, session: Session, scheme: Scheme, table: RateTable,
               base_ids: Sequence[int] | None = None) -> list[FactRecord]:
    """The bases' yearly and undated facts that ``scheme`` can use, in one query; money
    converted to CNY at the fact's year (an undated one at the table's latest)."""
    rates: dict[tuple[str, int | None], tuple[float, str]] = {}
    records: list[FactRecord] = []
    money = {m.name for m in METRICS.values() if m.kind is MetricKind.MONEY}
    for ident, base_id, metric, value, currency, year in session.execute(
            _facts_query(scheme, base_ids)):
        if base_id is None:  # the query's own filter; for the type checker
            continue
        if currency is None or metric not in money:
            records.append(FactRecord(ident, base_id, metric, value, currency, year, value))
            continue
        known = rates.get((currency, year))
        if known is None:
            try:
                done = table.convert(1.0, currency, COMPARED_IN, year=year)
            except InvalidInput as exc:
                raise InvalidInput(
                    f"indicator fact {ident} ({metric}, {year or 'undated'}): {exc.message}",
                    field="currency", code=exc.code,
                    params={**exc.params, "fact_id": ident}) from None
            known = rates[(currency, year)] = (done.rate, done.period)
        records.append(FactRecord(ident, base_id, metric, value, currency, year,
                                  value * known[0], known[0], known[1]))
    return records


def rank_records(scheme: Scheme, bases: Sequence[Subject],
                 records: Iterable[FactRecord]) -> Ranking:
    return rank_bases(scheme, bases, records)


def contract(scheme: Scheme, version: str | int, ranking: Ranking) -> dict[str, Any]:
    """The ranking as ``tradebase analytics rank --format json`` prints it (issue 12)."""
    return {"scheme": scheme.name, "version": version,
            "ranking": [row.contract() for row in ranking.ranked]}


def details(ranking: Ranking) -> dict[str, Any]:
    """What a run keeps beside the contract: the values, undated flags, bases left out."""
    def values(row: Any) -> dict[str, Any]:
        return {key: None if v is None else {"value": v.value, "year": v.year,
                                              "fact_ids": list(v.fact_ids)}
                for key, v in row.values.items()}
    return {
        "rows": {str(r.base_id): {"values": values(r), "undated": r.undated}
                 for r in ranking.ranked},
        "excluded": [{"base_id": r.base_id, "base": r.base, "missing": r.missing,
                      "passes": r.passes} for r in ranking.excluded],
    }


@dataclass(frozen=True)
class Read:
    bases: list[Subject]
    facts: list[FactRecord]


def read_register(*, session: Session, scheme: Scheme,
                  base_ids: Sequence[int] | None = None) -> Read:
    bases = read_subjects(session=session, base_ids=base_ids)
    if base_ids is not None and len(bases) < len(set(base_ids)):
        unknown = sorted(set(base_ids) - {b.base_id for b in bases})
        raise InvalidInput(f"no base {unknown[0]}", field="base_ids",
                           code="analytics.base_unknown", params={"base_id": unknown[0]})
    return Read(bases, read_facts(session=session, scheme=scheme,
                                  table=rate_table(session=session), base_ids=base_ids))


def rank_scheme(*, session: Session, scheme: Scheme, version: str | int,
                base_ids: Sequence[int] | None = None) -> dict[str, Any]:
    """Rank the register's bases (or those of ``base_ids``) on ``scheme`` now, nothing
    stored. Anyone signed in."""
    authorize(session, Permission.READ_ANALYTICS)
    read = read_register(session=session, scheme=scheme, base_ids=base_ids)
    return contract(scheme, version, rank_records(scheme, read.bases, read.facts))
