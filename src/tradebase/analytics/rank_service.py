"""Rank the register's bases on a scheme: read the facts the scheme needs in one query, make
money comparable in CNY at the rate table, call the ranking engine, shape the contract.

The facts read are returned as plain records (``FactRecord``) so that a stored run keeps
exactly what it read, and ``rank_records`` reproduces it from them alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
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


@dataclass(frozen=True)
class FactRecord:
    """A fact as a run keeps it: what was stored, and what the ranking compared."""

    id: int
    base_id: int
    metric: str
    value: float
    currency: str | None
    year: int | None
    comparable: float
    rate: float | None  # CNY per unit of ``currency`` (money only)
    rate_period: str  # the rate's period ("2023", "2023-06"); "" when not converted

    def as_fact(self) -> Fact:
        return Fact(self.id, self.base_id, self.metric, self.value, self.currency, self.year,
                    self.comparable)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FactRecord:
        return cls(**data)


def needed_metrics(scheme: Scheme) -> set[str]:
    metrics = {i.metric for i in scheme.indicators}
    transforms = {i.transform for i in scheme.indicators}
    if Transform.PER_EMPLOYEE in transforms:
        metrics.add("employees")
    if Transform.PER_ENTERPRISE in transforms:
        metrics.add("enterprises")
    return metrics


def read_subjects(*, session: Session, base_ids: Sequence[int] | None = None) -> list[Subject]:
    """The bases ranked (every base of the register unless ``base_ids`` names some), with
    the key the exports write (the id of a base without one)."""
    query = select(Base.id, Base.key).order_by(Base.id)
    if base_ids is not None:
        query = query.where(Base.id.in_(list(base_ids)))
    return [Subject(ident, key if key is not None else str(ident))
            for ident, key in session.execute(query)]


def read_facts(*, session: Session, scheme: Scheme, table: RateTable,
               base_ids: Sequence[int] | None = None) -> list[FactRecord]:
    """The bases' yearly and undated facts of the metrics ``scheme`` needs, in one query;
    money converted to CNY at the fact's year (an undated one at the table's latest)."""
    query = (select(IndicatorFact.id, IndicatorFact.base_id, IndicatorFact.metric,
                    IndicatorFact.value, IndicatorFact.currency, IndicatorFact.year)
             .where(IndicatorFact.base_id.is_not(None), IndicatorFact.month.is_(None),
                    IndicatorFact.metric.in_(sorted(needed_metrics(scheme))))
             .order_by(IndicatorFact.id))
    if scheme.year is not None:
        query = query.where(IndicatorFact.year.in_([scheme.year, scheme.year - 1]))
    if base_ids is not None:
        query = query.where(IndicatorFact.base_id.in_(list(base_ids)))
    records: list[FactRecord] = []
    for ident, base_id, metric, value, currency, year in session.execute(query):
        if base_id is None:  # the query's own filter; for the type checker
            continue
        known = METRICS.get(metric)
        if currency is None or known is None or known.kind is not MetricKind.MONEY:
            records.append(FactRecord(ident, base_id, metric, value, currency, year, value,
                                      None, ""))
            continue
        try:
            done = table.convert(value, currency, COMPARED_IN, year=year)
        except InvalidInput as exc:
            raise InvalidInput(
                f"indicator fact {ident} ({metric}, {year or 'undated'}): {exc.message}",
                field="currency", code=exc.code,
                params={**exc.params, "fact_id": ident}) from None
        records.append(FactRecord(ident, base_id, metric, value, currency, year, done.value,
                                  done.rate, done.period))
    return records


def rank_records(scheme: Scheme, bases: Sequence[Subject],
                 records: Iterable[FactRecord]) -> Ranking:
    return rank_bases(scheme, bases, [r.as_fact() for r in records])


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
