"""REST endpoints of analytics: the rate table, evaluation schemes and their runs. Thin:
parse, call ``analytics/rates_store.py`` or ``analytics/schemes.py``, shape."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from tradebase.analytics import rates_store, schemes, series_service
from tradebase.analytics.models import EvaluationScheme, RankingRun
from tradebase.analytics.rates import Rate, parse_period
from tradebase.analytics.schemas import (
    RateOut,
    RatesIn,
    RatesWrittenOut,
    RunIn,
    RunOut,
    SchemeIn,
    SchemeOut,
    SchemeVersionOut,
    SeriesOut,
)
from tradebase.errors import InvalidInput
from tradebase.web.deps import DbSession, IdPath

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


def scheme_out(stored: EvaluationScheme) -> SchemeOut:
    return SchemeOut(id=stored.id, name=stored.name, latest_version=stored.latest_version,
                     versions=[SchemeVersionOut(number=v.number, digest=v.digest,
                                                created_at=v.created_at,
                                                definition=v.definition)
                               for v in stored.versions])


def run_out(run: RankingRun) -> RunOut:
    return RunOut(id=run.id, scheme_id=run.scheme_version.scheme_id,
                  scheme_version=run.scheme_version.number, created_at=run.created_at,
                  result=run.result, facts=run.facts)


@router.get("/rates", response_model=list[RateOut])
def list_rates(db: DbSession,
               currency: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
               year: Annotated[int | None, Query(ge=1900, le=2200)] = None) -> object:
    """The exchange rates in force (units of the currency for one US dollar, by year and
    month): the shipped table with the administrators' rates over it, each saying which."""
    return [RateOut(granularity=row.rate.granularity.value, period=row.rate.period,
                    currency=row.rate.currency, per_usd=row.rate.per_usd, source=row.source)
            for row in rates_store.list_rates(session=db, currency=currency, year=year)]


@router.put("/rates", response_model=RatesWrittenOut)
def put_rates(data: RatesIn, db: DbSession) -> object:
    """Keep rates over the shipped ones (platform administrators): all of them, or none
    when one is wrong (``field`` names it: ``rates.3.period``)."""
    rates: list[Rate] = []
    seen: dict[tuple[str, str, str], int] = {}
    for i, item in enumerate(data.rates):
        parsed = parse_period(item.granularity, item.period)
        if parsed is None:
            raise InvalidInput(f"period {item.period!r} is not a {item.granularity}",
                               field=f"rates.{i}.period", code="analytics.rates_period",
                               params={"period": item.period})
        currency = item.currency.upper()
        if not currency.isalpha() or currency == "USD":
            raise InvalidInput(f"currency {item.currency!r} is not an ISO 4217 code other "
                               "than USD", field=f"rates.{i}.currency",
                               code="analytics.rates_currency",
                               params={"currency": item.currency})
        rate = Rate(currency, parsed[0], parsed[1], item.per_usd)
        if (twice := seen.get((rate.granularity, rate.period, currency))) is not None:
            raise InvalidInput(f"{currency} {rate.period} is given twice (also rates.{twice})",
                               field=f"rates.{i}.period", code="analytics.rates_repeated",
                               params={"line": str(twice)})
        seen[(rate.granularity, rate.period, currency)] = i
        rates.append(rate)
    done = rates_store.write_rates(session=db, rates=rates)
    return RatesWrittenOut(added=done.added, changed=done.changed, unchanged=done.unchanged)


@router.get("/schemes", response_model=list[SchemeOut])
def list_schemes(db: DbSession) -> object:
    """The stored evaluation schemes with every version."""
    return [scheme_out(s) for s in schemes.list_schemes(session=db)]


@router.post("/schemes", response_model=SchemeOut, status_code=201)
def create_scheme(data: SchemeIn, db: DbSession) -> object:
    """A new evaluation scheme, version 1 (officers and administrators)."""
    return scheme_out(schemes.create_scheme(session=db, definition=data.definition()))


@router.get("/schemes/{scheme_id}", response_model=SchemeOut)
def get_scheme(scheme_id: IdPath, db: DbSession) -> object:
    return scheme_out(schemes.get_scheme(session=db, scheme_id=scheme_id))


@router.put("/schemes/{scheme_id}", response_model=SchemeOut)
def edit_scheme(scheme_id: IdPath, data: SchemeIn, db: DbSession) -> object:
    """Edit a scheme: a new version; earlier versions and their runs stay as they were."""
    return scheme_out(schemes.edit_scheme(session=db, scheme_id=scheme_id,
                                          definition=data.definition()))


@router.post("/schemes/{scheme_id}/runs", response_model=RunOut, status_code=201)
def run_scheme(scheme_id: IdPath, db: DbSession, data: RunIn | None = None) -> object:
    """Rank the register's bases on a version of the scheme (the latest by default), kept
    with the facts it read."""
    data = data or RunIn()
    return run_out(schemes.run_scheme(session=db, scheme_id=scheme_id, number=data.version,
                                      base_ids=data.base_ids))


@router.get("/runs/{run_id}", response_model=RunOut)
def get_run(run_id: IdPath, db: DbSession) -> object:
    return run_out(schemes.get_run(session=db, run_id=run_id))


@router.get("/runs/{run_id}/reproduction", response_model=dict[str, Any])
def reproduce_run(run_id: IdPath, db: DbSession) -> object:
    """The run's ranking computed again from the facts it kept: equal to its ``result``
    whatever has changed in the register since."""
    return schemes.reproduce_run(session=db, run_id=run_id)


@router.get("/series", response_model=SeriesOut)
def metric_series(
    db: DbSession, metric: Annotated[str, Query(max_length=60)],
    base_id: Annotated[int | None, Query(ge=1)] = None,
    enterprise_id: Annotated[int | None, Query(ge=1)] = None,
    currency: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
) -> object:
    """A base's or an enterprise's yearly series of a metric from the public register: each
    year's value (None: a gap), its growth on the year before (across a gap: flagged, with
    its span and yearly rate) and the CAGR."""
    found = series_service.metric_series(session=db, metric=metric, base_id=base_id,
                                         enterprise_id=enterprise_id, currency=currency)
    series = found.series
    return SeriesOut.model_validate({
        "metric": found.metric, "currency": found.currency, "unit": found.unit,
        "years": [{"year": y.year, "value": y.value, "fact_id": y.fact_id,
                   "growth": None if y.growth is None else vars(y.growth),
                   "rate": found.rates.get(y.year)} for y in series.years],
        "gaps": list(series.gaps), "undated_facts": found.undated,
        "cagr": None if series.cagr is None else vars(series.cagr) | {
            "gaps": list(series.cagr.gaps)},
    })
