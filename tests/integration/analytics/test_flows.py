"""Flow measures against hand-computed cases, on SQLite and PostgreSQL. The records are the
test's own, in years no demo record has (1998-2000)."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise
from tradebase.accounts.guard import set_actor
from tradebase.accounts.policy import Actor
from tradebase.accounts.roles import Role
from tradebase.analytics import flows
from tradebase.analytics.flows import Scope
from tradebase.analytics.trade_models import TradeRecord
from tradebase.errors import Forbidden

Y = 2000


def _row(reporter: str, partner: str, hs: str, year: int, value: float,
         currency: str = "USD", flow: str = "export") -> dict[str, object]:
    kind, _, ref = reporter.partition(":")
    return {"reporter": reporter, "reporter_kind": kind,
            "reporter_country": ref if kind == "country" else None,
            "base_id": int(ref) if kind == "base" else None,
            "enterprise_id": int(ref) if kind == "enterprise" else None,
            "flow": flow, "hs_written": hs, "hs_edition": 2022, "hs2022": hs,
            "partner": partner, "year": year, "value": value, "currency": currency,
            "source": "tradebase", "source_file": "test_flows.csv", "is_sample": False}


@pytest.fixture
def records(session: Session) -> None:
    rows = [
        # CHN, 2000: 940153 USA 60, DEU 20; 460212 USA 20 (total 100)
        _row("country:CHN", "USA", "940153", Y, 60), _row("country:CHN", "DEU", "940153", Y, 20),
        _row("country:CHN", "USA", "460212", Y, 20),
        # CHN, 1999: USA 50, FRA 50; 1997 (gap in 1998): USA 10
        _row("country:CHN", "USA", "940153", Y - 1, 50),
        _row("country:CHN", "FRA", "940153", Y - 1, 50),
        _row("country:CHN", "USA", "940153", Y - 3, 10),
        # left out: another currency, another flow
        _row("country:CHN", "USA", "940153", Y, 999, currency="CNY"),
        _row("country:CHN", "USA", "940153", Y, 999, flow="import"),
        # VNM, 2000: 940153 USA 100, 460212 USA 300 (total 400)
        _row("country:VNM", "USA", "940153", Y, 100), _row("country:VNM", "USA", "460212", Y, 300),
    ]
    session.execute(insert(TradeRecord), rows)


CHN = Scope("country:CHN")


@pytest.mark.usefixtures("records")
def test_rca_against_the_world_as_loaded(session: Session) -> None:
    # world 2000: 940153 = 180, 460212 = 320, total 500
    measure = flows.rca(session=session, scope=CHN, year=Y)
    got = {row["product"]: row["rca"] for row in measure.rows}
    assert got == pytest.approx({"940153": (80 / 100) / (180 / 500),
                                 "460212": (20 / 100) / (320 / 500)})
    assert (measure.reference, measure.reference_missing) == ("world", False)
    assert measure.other_currency_rows == 1


@pytest.mark.usefixtures("records")
def test_rca_against_a_group_and_a_missing_reference(session: Session) -> None:
    measure = flows.rca(session=session, scope=CHN, year=Y, reference=("country:VNM",))
    got = {row["product"]: row["rca"] for row in measure.rows}
    assert got == pytest.approx({"940153": 0.8 / 0.25, "460212": 0.2 / 0.75})
    heading = flows.rca(session=session, scope=CHN, year=Y, level=2,
                        reference=("country:VNM",))
    assert {r["product"]: r["rca"] for r in heading.rows} == pytest.approx(
        {"94": 0.8 / 0.25, "46": 0.2 / 0.75})
    missing = flows.rca(session=session, scope=CHN, year=Y - 1, reference=("country:VNM",))
    assert missing.reference_missing
    assert missing.rows == []


@pytest.mark.usefixtures("records")
def test_hhi_over_partners(session: Session) -> None:
    got = {row["year"]: (row["hhi"], row["partners"])
           for row in flows.hhi(session=session, scope=CHN).rows}
    assert got == {Y - 3: (pytest.approx(1.0), 1), Y - 1: (pytest.approx(0.5), 2),
                   Y: (pytest.approx(0.68), 2)}


@pytest.mark.usefixtures("records")
def test_destination_markets_and_product_mix(session: Session) -> None:
    rows = [(r["year"], r["partner"], r["value"], r["share"])
            for r in flows.destination_markets(session=session, scope=CHN).rows
            if r["year"] == Y]
    assert rows == [(Y, "USA", 80, pytest.approx(0.8)), (Y, "DEU", 20, pytest.approx(0.2))]
    mix = [(r["product"], r["value"], r["share"])
           for r in flows.product_mix(session=session, scope=CHN, level=4, year=Y).rows]
    assert mix == [("9401", 80, pytest.approx(0.8)), ("4602", 20, pytest.approx(0.2))]


@pytest.mark.usefixtures("records")
def test_new_and_lost_markets_skip_gaps(session: Session) -> None:
    got = [(r["year"], r["partner"], r["change"], r["value"])
           for r in flows.market_changes(session=session, scope=CHN).rows]
    # 1999 follows the gap year 1998: nothing is new or lost there
    assert got == [(Y, "DEU", "new", 20), (Y, "FRA", "lost", 50)]


@pytest.mark.usefixtures("records")
def test_top_movers(session: Session) -> None:
    got = [(r["key"], r["previous"], r["value"], r["change"])
           for r in flows.top_movers(session=session, scope=CHN, year=Y).rows]
    assert got == [("FRA", 50, 0, -50), ("USA", 50, 80, 30), ("DEU", 0, 20, 20)]
    products = flows.top_movers(session=session, scope=CHN, year=Y, by="product", level=6)
    assert [(r["key"], r["change"]) for r in products.rows] == [("460212", 20),
                                                                ("940153", -20)]


def test_who_reads_whose_records(session: Session) -> None:
    anxi, member = anxi_and_member_enterprise(session)
    base = Scope(f"base:{anxi.id}")
    officer = Actor(label="officer", role=Role.OFFICER, user_id=999_201)
    set_actor(session, officer)
    assert flows.hhi(session=session, scope=base).reporter == base.reporter
    other_admin = Actor(label="other", role=Role.BASE_ADMIN, user_id=999_202,
                        base_ids=frozenset({anxi.id + 1000}))
    set_actor(session, other_admin)
    with pytest.raises(Forbidden):
        flows.hhi(session=session, scope=base)
    flows.hhi(session=session, scope=CHN)  # a country's statistics: every staff role
    member_actor = Actor(label="member", role=Role.ENTERPRISE, user_id=999_203,
                         enterprise_ids=frozenset({member.id}))
    set_actor(session, member_actor)
    flows.hhi(session=session, scope=Scope(f"enterprise:{member.id}"))
    with pytest.raises(Forbidden):
        flows.hhi(session=session, scope=base)
    set_actor(session, Actor(label="buyer", role=Role.BUYER, user_id=999_204))
    with pytest.raises(Forbidden):
        flows.hhi(session=session, scope=CHN)
