"""Indicator facts of bases and enterprises: store, list, latest value, series over time."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize
from tradebase.accounts.policy import Permission
from tradebase.errors import InvalidInput, NotFound
from tradebase.registry import schemas, sources
from tradebase.registry.enums import Qualifier
from tradebase.registry.metrics import METRICS
from tradebase.registry.models import Base, Enterprise, IndicatorFact
from tradebase.registry.versioning import check_version, load_for_update


def _period_key(fact: IndicatorFact) -> tuple[int, int, int]:
    # Undated facts ("as published", no year) sort before dated ones of the same metric.
    return (fact.year or 0, fact.month or 0, fact.id or 0)


def list_indicators(
    *,
    session: Session,
    base_id: int | None = None,
    enterprise_id: int | None = None,
    metric: str | None = None,
    year: int | None = None,
    limit: int = 500,
    offset: int = 0,
) -> tuple[list[IndicatorFact], int]:
    stmt = select(IndicatorFact)
    if base_id is not None:
        stmt = stmt.where(IndicatorFact.base_id == base_id)
    if enterprise_id is not None:
        stmt = stmt.where(IndicatorFact.enterprise_id == enterprise_id)
    if metric:
        stmt = stmt.where(IndicatorFact.metric == metric)
    if year is not None:
        stmt = stmt.where(IndicatorFact.year == year)
    facts = sorted(session.scalars(stmt), key=lambda f: (f.metric, *_period_key(f)))
    return facts[offset : offset + limit], len(facts)


def get_indicator(*, session: Session, fact_id: int) -> IndicatorFact:
    fact = session.get(IndicatorFact, fact_id)
    if fact is None:
        raise NotFound(f"Indicator {fact_id} does not exist", field="id")
    return fact


def _check_subject(session: Session, fact: schemas.IndicatorFields) -> None:
    """The subject exists and the actor may record its figures."""
    if fact.base_id is not None:
        if session.get(Base, fact.base_id) is None:
            raise InvalidInput(f"base {fact.base_id} does not exist", field="base_id",
                           code="choice_missing")
        authorize(session, Permission.MANAGE_BASE, base_id=fact.base_id)
    if fact.enterprise_id is not None:
        enterprise = session.get(Enterprise, fact.enterprise_id)
        if enterprise is None:
            raise InvalidInput(
                f"enterprise {fact.enterprise_id} does not exist", field="enterprise_id"
            )
        authorize(
            session, Permission.EDIT_ENTERPRISE, base_id=enterprise.base_id,
            enterprise_id=enterprise.id,
        )


def _columns(session: Session, data: schemas.IndicatorFields) -> dict[str, object]:
    fields = data.model_dump(exclude={"source"})
    fields["qualifier"] = data.qualifier.value if data.qualifier else None
    source = sources.resolve(session=session, given=data.source)
    fields["source_id"] = source.id if source is not None else None
    fields["source_quote"] = data.source.quote
    return fields


def create_indicator(*, session: Session, data: schemas.IndicatorCreate) -> IndicatorFact:
    _check_subject(session, data)
    fact = IndicatorFact(**_columns(session, data))
    session.add(fact)
    session.flush()
    return fact


def as_schema(fact: IndicatorFact) -> schemas.IndicatorOut:
    return schemas.IndicatorOut(
        id=fact.id,
        subject_type=fact.subject_type,
        base_id=fact.base_id,
        enterprise_id=fact.enterprise_id,
        metric=fact.metric,
        value=fact.value,
        currency=fact.currency,
        unit=fact.unit,
        year=fact.year,
        month=fact.month,
        qualifier=Qualifier(fact.qualifier) if fact.qualifier else None,
        source=sources.as_citation(fact),
        note=fact.note,
        is_sample=fact.is_sample,
    )


def as_read(fact: IndicatorFact) -> schemas.IndicatorRead:
    """``fact`` as the API shows it, with its version."""
    return schemas.IndicatorRead(**as_schema(fact).model_dump(), version=fact.version)


def update_indicator(
    *, session: Session, fact_id: int, data: schemas.IndicatorUpdate,
    expected_version: int | None = None,
) -> IndicatorFact:
    fact = load_for_update(session, IndicatorFact, fact_id, "Indicator")
    _check_subject(session, as_schema(fact))
    check_version(fact, expected_version, "Indicator")
    merged = as_schema(fact).model_dump(exclude={"id", "subject_type"})
    merged.update(data.model_dump(exclude_unset=True))
    if merged.get("source") is None:
        merged["source"] = {}
    if "currency" in data.model_fields_set and data.currency is not None and "unit" not in (
        data.model_fields_set
    ):
        merged["unit"] = None  # switching a fact to money drops its unit
    if "unit" in data.model_fields_set and data.unit is not None and "currency" not in (
        data.model_fields_set
    ):
        merged["currency"] = None
    try:
        checked = schemas.IndicatorCreate.model_validate(merged)
    except ValueError as exc:
        raise InvalidInput(_first_error(exc)[1], field=_first_error(exc)[0]) from exc
    _check_subject(session, checked)
    for name, value in _columns(session, checked).items():
        setattr(fact, name, value)
    session.flush()
    return fact


def _first_error(exc: ValueError) -> tuple[str | None, str]:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        loc = ".".join(str(part) for part in first.get("loc", ()))
        message = str(first.get("msg", exc)).removeprefix("Value error, ")
        if not loc and ": " in message:
            loc, message = message.split(": ", 1)
        return loc or None, message
    return None, str(exc)


def delete_indicator(
    *, session: Session, fact_id: int, expected_version: int | None = None
) -> None:
    fact = load_for_update(session, IndicatorFact, fact_id, "Indicator")
    _check_subject(session, as_schema(fact))
    check_version(fact, expected_version, "Indicator")
    session.delete(fact)
    session.flush()


def latest_by_metric(facts: Sequence[IndicatorFact]) -> list[IndicatorFact]:
    """The latest fact of each metric, in the order of the documented metric list."""
    latest: dict[str, IndicatorFact] = {}
    for fact in facts:
        current = latest.get(fact.metric)
        if current is None or _period_key(fact) > _period_key(current):
            latest[fact.metric] = fact
    order = {name: index for index, name in enumerate(METRICS)}
    return sorted(latest.values(), key=lambda f: (order.get(f.metric, len(order)), f.metric))


def series(facts: Sequence[IndicatorFact]) -> dict[str, list[IndicatorFact]]:
    """Dated facts grouped by metric and sorted by period: what a chart over time may show.

    Only what was published (or is marked sample) is there: missing years stay missing, and
    undated facts are left out rather than placed at a guessed year."""
    grouped: dict[str, list[IndicatorFact]] = {}
    for fact in facts:
        if fact.year is not None:
            grouped.setdefault(fact.metric, []).append(fact)
    return {metric: sorted(items, key=_period_key) for metric, items in grouped.items()}
