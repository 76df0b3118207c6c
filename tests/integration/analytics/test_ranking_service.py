"""Ranking the register on the database: money compared in CNY at the rate table (with an
administrator's rate over the default), both missing rules, stored schemes whose old
versions and runs reproduce their results after the facts change, rates kept all-or-nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.analytics import rank_service, rates_store, schemes
from tradebase.analytics.models import RateOverride
from tradebase.analytics.rates import Basis, Rate
from tradebase.analytics.scheme_file import parse_scheme
from tradebase.errors import ImportRejected, InvalidInput
from tradebase.registry.models import Base, IndicatorFact


def _base(session: Session, key: str) -> Base:
    base = Base(key=key, name_zh=key, name_en=key)
    session.add(base)
    session.flush()
    return base


def _fact(session: Session, base: Base, metric: str, value: float, *, year: int | None = 2023,
          currency: str | None = None, unit: str | None = None) -> IndicatorFact:
    fact = IndicatorFact(base_id=base.id, metric=metric, value=value, currency=currency,
                         unit=unit if currency is None else None, year=year)
    if currency is None and unit is None:
        fact.unit = "persons"
    session.add(fact)
    session.flush()
    return fact


@pytest.fixture
def three(session: Session) -> list[Base]:
    x, y, z = (_base(session, key) for key in ("fx-x", "fx-y", "fx-z"))
    _fact(session, x, "export_value", 100, currency="USD")      # 708.09 CNY at 7.0809
    _fact(session, y, "export_value", 700, currency="CNY")
    _fact(session, z, "export_value", 100, currency="EUR")      # 765.92 CNY
    _fact(session, x, "employees", 10)
    _fact(session, y, "employees", 20)
    return [x, y, z]


def _scheme(missing: str = "zero_flagged", minimum: float | None = None) -> dict[str, Any]:
    exports: dict[str, Any] = {"metric": "export_value", "weight": 1, "normalise": "minmax"}
    if minimum is not None:
        exports["min"] = minimum
    return {"name": "fx test", "missing": missing, "indicators": [
        exports, {"metric": "employees", "weight": 1, "normalise": "minmax"}]}


def _rank(session: Session, bases: list[Base], data: dict[str, Any]) -> dict[str, Any]:
    return rank_service.rank_scheme(session=session, scheme=parse_scheme(data), version="v",
                                    base_ids=[b.id for b in bases])


def test_money_is_compared_in_cny_at_the_rate_table(session: Session,
                                                    three: list[Base]) -> None:
    result = _rank(session, three, _scheme(minimum=705))
    rows = {r["base"]: r for r in result["ranking"]}
    # exports in CNY: x 708.09, y 700, z 765.917; minmax over 700..765.917
    assert rows["fx-x"]["breakdown"]["export_value"] == pytest.approx(
        0.5 * (708.09 - 700) / (765.9167117 - 700), abs=1e-6)
    assert (rows["fx-x"]["passes"], rows["fx-y"]["passes"], rows["fx-z"]["passes"]) == (
        True, False, True)
    assert rows["fx-z"]["missing"] == ["employees"]
    assert [r["base"] for r in result["ranking"]] == ["fx-y", "fx-z", "fx-x"]


def test_exclude_leaves_out_a_base_missing_a_value(session: Session, three: list[Base]) -> None:
    result = _rank(session, three, _scheme(missing="exclude"))
    # z is out; x leads on exports, y on employees: 0.5 each, one rank, listed by key
    assert [(r["base"], r["score"], r["rank"]) for r in result["ranking"]] == [
        ("fx-x", 0.5, 1), ("fx-y", 0.5, 1)]


def test_an_administrators_rate_replaces_the_shipped_one(session: Session,
                                                         three: list[Base]) -> None:
    rates_store.write_rates(session=session, rates=[Rate("CNY", 2023, None, 6.0)])
    table = rates_store.rate_table(session=session)
    assert table.quote("CNY", 2023).per_usd == 6.0
    assert table.quote("CNY", 2022).per_usd == 6.7290  # the default still under it
    rows = rates_store.list_rates(session=session, currency="cny", year=2023)
    assert {(r.rate.month, r.source) for r in rows if r.rate.month is None} == {
        (None, "administrator")}
    result = _rank(session, three, _scheme(minimum=640))  # z: 100 EUR = 649 CNY
    passes = {r["base"]: r["passes"] for r in result["ranking"]}
    assert passes == {"fx-x": False, "fx-y": True, "fx-z": True}  # x: 100 USD = 600 CNY


def test_a_fact_in_a_currency_without_rate_is_named(session: Session,
                                                    three: list[Base]) -> None:
    fact = _fact(session, three[0], "output_value", 5, currency="XAF")
    data = {"name": "o", "missing": "exclude",
            "indicators": [{"metric": "output_value", "weight": 1, "normalise": "rank"}]}
    with pytest.raises(InvalidInput) as caught:
        _rank(session, three, data)
    assert caught.value.code == "analytics.rate_missing"
    assert caught.value.params["fact_id"] == fact.id
    assert f"indicator fact {fact.id}" in caught.value.message


def test_rates_import_is_all_or_nothing_with_every_bad_row(session: Session) -> None:
    good = "granularity,period,currency,per_usd\nyear,2026,CNY,7.1\nmonth,2026-07,CNY,7.05\n"
    done = rates_store.import_rates(session=session, text=good, filename="r.csv")
    assert (done.added, done.changed) == (2, 0)
    again = rates_store.import_rates(session=session, text=good.replace("7.1", "7.2"),
                                     filename="r.csv")
    assert (again.added, again.changed, again.unchanged) == (0, 1, 1)
    bad = good + "year,20x6,CNY,7\nyear,2027,XYZ1,0\n"
    before = session.scalars(select(RateOverride)).all()
    with pytest.raises(ImportRejected) as caught:
        rates_store.import_rates(session=session, text=bad.replace("7.2", "9"),
                                 filename="r.csv")
    assert [(e.line, e.column) for e in caught.value.errors] == [
        (4, "period"), (5, "currency"), (5, "per_usd")]
    assert session.scalars(select(RateOverride)).all() == before
    table = rates_store.rate_table(session=session)
    assert table.convert(1, "USD", "CNY", year=2026).value == 7.2
    assert table.convert(1, "USD", "CNY", year=2026, month=7).basis is Basis.MONTH


def test_an_old_run_and_an_old_version_reproduce_after_the_facts_change(
        session: Session, three: list[Base]) -> None:
    stored = schemes.create_scheme(session=session, definition=_scheme())
    ids = [b.id for b in three]
    first = schemes.run_scheme(session=session, scheme_id=stored.id, base_ids=ids)
    assert first.result["version"] == 1
    assert {f["metric"] for f in first.facts} == {"export_value", "employees"}
    usd = next(f for f in first.facts if f["currency"] == "USD")
    assert (usd["rate"], usd["rate_period"]) == (pytest.approx(7.0809), "2023")

    # the register changes: a fact corrected, another deleted, the scheme edited
    for fact in session.scalars(select(IndicatorFact).where(IndicatorFact.base_id.in_(ids))):
        if fact.metric == "employees" and fact.value == 20:
            fact.value = 1
        elif fact.currency == "EUR":
            session.delete(fact)
    session.flush()
    edited = schemes.edit_scheme(session=session, scheme_id=stored.id,
                                 definition=_scheme(missing="exclude"))
    assert edited.latest_version == 2
    assert [v.number for v in edited.versions] == [1, 2]

    reproduced = schemes.reproduce_run(session=session, run_id=first.id)
    assert reproduced == first.result
    now_v1 = schemes.run_scheme(session=session, scheme_id=stored.id, number=1, base_ids=ids)
    assert now_v1.result["version"] == 1
    assert now_v1.result["ranking"] != first.result["ranking"]
    now_v2 = schemes.run_scheme(session=session, scheme_id=stored.id, base_ids=ids)
    assert now_v2.result["version"] == 2
    assert [r["base"] for r in now_v2.result["ranking"]] == ["fx-x", "fx-y"]


def test_stored_scheme_names_are_unique_and_versions_exist(session: Session) -> None:
    schemes.create_scheme(session=session, definition=_scheme())
    with pytest.raises(Exception, match="exists already"):
        schemes.create_scheme(session=session, definition=_scheme())
    stored = schemes.find_scheme(session=session, name="fx test")
    with pytest.raises(Exception, match="no version 7"):
        schemes.version_of(stored, 7)


def test_the_register_is_read_as_the_engine_would_select(session: Session) -> None:
    """The database keeps only the periods a scheme can use; what it keeps gives the values
    the rules say: latest year, the year before for growth, the numerator's year for a
    divisor, the undated fact only without a dated one."""
    p, q = _base(session, "fx-p"), _base(session, "fx-q")
    for year, value in ((2020, 50.0), (2021, 80.0), (2022, 100.0)):
        _fact(session, p, "output_value", value, year=year, currency="CNY")
    _fact(session, p, "output_value", 999, year=None, currency="CNY")
    _fact(session, p, "employees", 4, year=2022)
    _fact(session, p, "employees", 7, year=2023)  # a later year than the output's
    _fact(session, q, "output_value", 30, year=None, currency="CNY")
    _fact(session, q, "employees", 3, year=None)
    data = {"name": "read", "missing": "zero_flagged", "indicators": [
        {"metric": "output_value", "weight": 1, "normalise": "minmax"},
        {"metric": "output_value", "weight": 1, "normalise": "minmax", "transform": "growth"},
        {"metric": "output_value", "weight": 1, "normalise": "minmax",
         "transform": "per_employee"}]}
    scheme = parse_scheme(data)
    read = rank_service.read_register(session=session, scheme=scheme, base_ids=[p.id, q.id])
    kept = sorted((f.base_id == p.id, f.metric, f.year) for f in read.facts)
    assert kept == [(False, "employees", None), (False, "output_value", None),
                    (True, "employees", 2022), (True, "employees", 2023),
                    (True, "output_value", 2021), (True, "output_value", 2022)]
    ranking = rank_service.rank_records(scheme, read.bases, read.facts)
    values = {r.base: {k: None if v is None else v.value for k, v in r.values.items()}
              for r in ranking.ranked}
    assert values["fx-p"] == {"output_value:level": 100, "output_value:growth": 0.25,
                              "output_value:per_employee": 25}
    assert values["fx-q"] == {"output_value:level": 30, "output_value:growth": None,
                              "output_value:per_employee": 10}


def test_schemes_and_rates_are_audited_runs_are_their_own_record(session: Session,
                                                                  three: list[Base]) -> None:
    from tradebase.accounts.models import AuditEntry

    stored = schemes.create_scheme(session=session, definition=_scheme())
    run = schemes.run_scheme(session=session, scheme_id=stored.id, base_ids=[three[0].id])
    rates_store.write_rates(session=session, rates=[Rate("CNY", 2031, None, 7.0)])
    logged = set(session.scalars(select(AuditEntry.entity).where(AuditEntry.entity.in_(
        ["analytics_schemes", "analytics_scheme_versions", "analytics_runs",
         "analytics_rates"]))))
    assert logged == {"analytics_schemes", "analytics_scheme_versions", "analytics_rates"}
    assert run.facts  # the run keeps its facts itself
