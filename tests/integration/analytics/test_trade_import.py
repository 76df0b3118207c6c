"""Trade-record imports: the three formats, what is skipped and counted, the refusals with
their rows, the permission per reporter, and all-or-nothing — on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise
from tradebase.accounts.guard import set_actor
from tradebase.accounts.policy import Actor
from tradebase.accounts.roles import Role
from tradebase.analytics.trade_import import import_trade_file
from tradebase.analytics.trade_models import TradeRecord
from tradebase.errors import Forbidden, ImportRejected, InvalidInput
from tradebase.registry.models import Base

OWN_HEADER = "reporter,flow,hs,partner,year,month,value,currency,quantity,unit\n"
COMTRADE_HEADER = ("typeCode\tfreqCode\trefYear\trefMonth\tperiod\treporterCode\treporterISO\t"
                   "flowCode\tpartnerCode\tpartner2Code\tclassificationCode\tcmdCode\t"
                   "customsCode\tmotCode\tqtyUnitAbbr\tqty\tnetWgt\tprimaryValue\n")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _records(session: Session, source_file: str) -> list[TradeRecord]:
    return list(session.scalars(select(TradeRecord).where(TradeRecord.source_file == source_file)
                                .order_by(TradeRecord.id)))


def test_own_format_reads_every_reporter_form(session: Session, tmp_path: Path) -> None:
    anxi, member = anxi_and_member_enterprise(session)
    path = _write(tmp_path, "own.csv", OWN_HEADER
                  + "base:anxi,export,9401.53,USA,2022,,1000.5,CNY,12,pcs\n"
                  + f"enterprise:{member.id},re-export,940153,DE,2022,3,20,USD,,\n"
                  + "country:CN,import,4602.12,276,2021,,7,EUR,,\n")
    summary = import_trade_file(session=session, path=path, source="tradebase")
    assert (summary.written, summary.rows_read) == (3, 3)
    rows = _records(session, "own.csv")
    assert [(r.reporter, r.reporter_kind, r.base_id, r.enterprise_id, r.reporter_country)
            for r in rows] == [
        (f"base:{anxi.id}", "base", anxi.id, None, None),
        (f"enterprise:{member.id}", "enterprise", None, member.id, None),
        ("country:CHN", "country", None, None, "CHN"),
    ]
    first = rows[0]
    assert (first.flow, first.hs_written, first.hs2022, first.partner, first.year, first.month,
            first.value, first.currency, first.quantity, first.unit, first.source) == (
        "export", "9401.53", "940153", "USA", 2022, None, 1000.5, "CNY", 12.0, "pcs",
        "tradebase")
    assert [r.flow for r in rows] == ["export", "re_export", "import"]
    assert [r.partner for r in rows] == ["USA", "DEU", "DEU"]


def test_own_xlsx(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "own.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(OWN_HEADER.strip().split(","))
    sheet.append(["country:VNM", "export", "940153", "USA", 2023, 5, 99.5, "USD", None, None])
    book.save(path)
    summary = import_trade_file(session=session, path=path, source="tradebase")
    assert summary.written == 1
    [row] = _records(session, "own.xlsx")
    assert (row.reporter, row.year, row.month, row.value) == ("country:VNM", 2023, 5, 99.5)


def test_own_format_refuses_bad_rows_and_writes_nothing(session: Session,
                                                        tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.csv", OWN_HEADER
                  + "country:CHN,export,940153,USA,2022,,10,USD,,\n"
                  + "base:nowhere,sell,12,ZZ,22,13,-1,XYZ,5,\n")
    with pytest.raises(ImportRejected) as caught:
        import_trade_file(session=session, path=path, source="tradebase")
    errors = {(e.line, e.column): e.code for e in caught.value.errors}
    assert errors == {
        (3, "reporter"): "trade_reporter_unknown", (3, "flow"): "trade_flow_unknown",
        (3, "hs"): "hs_code_form", (3, "partner"): "trade_country_unknown",
        (3, "year"): "trade_year", (3, "month"): "trade_month", (3, "value"): "trade_number",
        (3, "currency"): "trade_currency_unknown", (3, "unit"): "trade_unit_missing",
    }
    assert caught.value.filename == "bad.csv"
    assert _records(session, "bad.csv") == []


def test_own_format_columns_are_exact(session: Session, tmp_path: Path) -> None:
    path = _write(tmp_path, "cols.csv", "reporter,flow,hs,partner,year,value,currency,extra\n")
    with pytest.raises(ImportRejected) as caught:
        import_trade_file(session=session, path=path, source="tradebase")
    assert {(e.column, e.code) for e in caught.value.errors} == {
        ("month", "trade_column_missing"), ("quantity", "trade_column_missing"),
        ("unit", "trade_column_missing"), ("extra", "trade_column_unknown")}


def test_comtrade_skips_and_counts_totals(session: Session, tmp_path: Path) -> None:
    rows = [
        "C\tA\t2022\t52\t2022\t156\tCHN\tX\t842\t0\tH6\t940153\tC00\t0\tu\t3\t50\t1000",
        "C\tA\t2022\t52\t2022\t156\tCHN\tX\t0\t0\tH6\t940153\tC00\t0\tu\t3\t50\t9000",
        "C\tA\t2022\t52\t2022\t156\tCHN\tX\t842\t0\tH6\tTOTAL\tC00\t0\t\t\t\t9000",
        "C\tA\t2022\t52\t2022\t156\tCHN\tX\t842\t0\tH6\t94\tC00\t0\t\t\t\t9000",
        "C\tA\t2022\t52\t2022\t156\tCHN\tX\t842\t0\tH6\t9401\tC00\t0\t\t\t\t9000",
        "C\tA\t2022\t52\t2022\t156\tCHN\tX\t842\t0\tH6\t940153\tC00\t1\t\t\t\t9000",
        "C\tA\t2022\t52\t2022\t156\tCHN\tDX\t842\t0\tH6\t940153\tC00\t0\t\t\t\t9000",
        "C\tM\t2022\t3\t202203\t156\tCHN\tRM\t490\t0\tH5\t940153\tC00\t0\tN/A\t\t7\t25.5",
        "C\tA\t2022\t52\t2022\t842\tUSA\tM\t251\t0\tH4\t940161\tC00\t0\t\t\t\t40",
    ]
    path = _write(tmp_path, "TradeData_2022.tsv", COMTRADE_HEADER + "\n".join(rows) + "\n")
    summary = import_trade_file(session=session, path=path, source="comtrade")
    assert summary.written == 3
    assert summary.skipped == {"partner_world": 1, "aggregate_code": 3, "breakdown": 1,
                               "other_flow": 1}
    assert summary.rows_read == 9
    got = [(r.reporter, r.flow, r.partner, r.month, r.hs_edition, r.hs2022, r.value,
            r.currency, r.quantity, r.unit) for r in _records(session, "TradeData_2022.tsv")]
    assert got == [
        ("country:CHN", "export", "USA", None, 2022, "940153", 1000.0, "USD", 3.0, "u"),
        ("country:CHN", "re_import", "TWN", 3, 2017, "940153", 25.5, "USD", 7.0, "kg"),
        ("country:USA", "import", "FRA", None, 2012, "940161", 40.0, "USD", None, None),
    ]


def test_comtrade_malformed_row_is_refused_with_its_line(session: Session,
                                                         tmp_path: Path) -> None:
    rows = ["C\tA\t2022\t52\t2022\t156\tCHN\tX\t842\t0\tH6\t940153\tC00\t0\t\t\t\t1000",
            "C\tA\t20x2\t52\t2022\t156\tCHN\tX\t999\t0\tH1\t940153\tC00\t0\t\t\t\tlots"]
    path = _write(tmp_path, "ct.tsv", COMTRADE_HEADER + "\n".join(rows) + "\n")
    with pytest.raises(ImportRejected) as caught:
        import_trade_file(session=session, path=path, source="comtrade")
    assert {(e.line, e.column, e.code) for e in caught.value.errors} == {
        (3, "refyear", "trade_year"), (3, "partnercode", "trade_country_unknown"),
        (3, "classificationcode", "trade_hs_edition_unsupported"),
        (3, "primaryvalue", "trade_number")}
    assert _records(session, "ct.tsv") == []


def test_baci_thousands_of_usd_and_edition_from_the_name(session: Session,
                                                         tmp_path: Path) -> None:
    path = _write(tmp_path, "BACI_HS17_Y2022_V202401.csv",
                  "t,i,j,k,v,q\n2022,156,842,940153,12.5,1.25\n2022,490,251,10121,3,NA\n"
                  "2022,842,699,940161,0.5,\n")
    summary = import_trade_file(session=session, path=path, source="baci")
    assert summary.written == 3
    got = [(r.reporter, r.flow, r.partner, r.hs_written, r.hs_edition, r.value, r.quantity,
            r.unit) for r in _records(session, "BACI_HS17_Y2022_V202401.csv")]
    assert got == [
        ("country:CHN", "export", "USA", "940153", 2017, 12500.0, 1.25, "t"),
        ("country:TWN", "export", "FRA", "010121", 2017, 3000.0, None, None),
        ("country:USA", "export", "IND", "940161", 2017, 500.0, None, None),
    ]


def test_baci_needs_an_edition(session: Session, tmp_path: Path) -> None:
    path = _write(tmp_path, "flows.csv", "t,i,j,k,v,q\n2022,156,842,940153,1,1\n")
    with pytest.raises(InvalidInput) as caught:
        import_trade_file(session=session, path=path, source="baci")
    assert caught.value.code == "trade_baci_edition"
    old = _write(tmp_path, "BACI_HS92_Y2022_V202401.csv", "t,i,j,k,v,q\n")
    with pytest.raises(InvalidInput) as refused:
        import_trade_file(session=session, path=old, source="baci")
    assert refused.value.code == "trade_hs_edition_unsupported"
    summary = import_trade_file(session=session, path=path, source="baci", hs_edition=2022)
    assert summary.written == 1


def test_baci_malformed_file_names_the_row(session: Session, tmp_path: Path) -> None:
    path = _write(tmp_path, "BACI_HS22_Y2022_V202401.csv",
                  "t,i,j,k,v,q\n2022,156,842,940153,1,1\n2022,156,1234,940153,x,1\n")
    with pytest.raises(ImportRejected) as caught:
        import_trade_file(session=session, path=path, source="baci")
    assert {(e.line, e.column) for e in caught.value.errors} == {(3, "j"), (3, "v")}
    assert _records(session, "BACI_HS22_Y2022_V202401.csv") == []


def test_importing_a_file_again_replaces_its_rows(session: Session, tmp_path: Path) -> None:
    path = _write(tmp_path, "BACI_HS22_Y2021_V202401.csv",
                  "t,i,j,k,v,q\n2021,156,842,940153,1,1\n2021,156,276,940153,2,1\n")
    import_trade_file(session=session, path=path, source="baci")
    path.write_text("t,i,j,k,v,q\n2021,156,842,940153,5,1\n", encoding="utf-8")
    summary = import_trade_file(session=session, path=path, source="baci")
    assert (summary.written, summary.replaced) == (1, 2)
    assert [r.value for r in _records(session, path.name)] == [5000.0]


def _base_admin(base_id: int) -> Actor:
    return Actor(label="base admin", role=Role.BASE_ADMIN, user_id=999_101,
                 base_ids=frozenset({base_id}))


def test_base_admin_imports_its_own_base_and_enterprises_only(session: Session,
                                                               tmp_path: Path) -> None:
    anxi, member = anxi_and_member_enterprise(session)
    other = session.scalars(select(Base).where(Base.id != anxi.id).order_by(Base.id)).first()
    assert other is not None
    set_actor(session, _base_admin(anxi.id))
    ok = _write(tmp_path, "mine.csv", OWN_HEADER
                + ",export,940153,USA,2022,,10,USD,,\n"
                + f"enterprise:{member.id},export,940153,USA,2022,,10,USD,,\n")
    assert import_trade_file(session=session, path=ok, source="tradebase",
                             base_id=anxi.id).written == 2
    bad = _write(tmp_path, "theirs.csv", OWN_HEADER
                 + f"base:{other.id},export,940153,USA,2022,,10,USD,,\n"
                 + "country:CHN,export,940153,USA,2022,,10,USD,,\n")
    with pytest.raises(ImportRejected) as caught:
        import_trade_file(session=session, path=bad, source="tradebase")
    assert [(e.line, e.code) for e in caught.value.errors] == [
        (2, "trade_reporter_not_yours"), (3, "trade_reporter_not_yours")]
    baci = _write(tmp_path, "BACI_HS22_Y2022_V202401.csv", "t,i,j,k,v,q\n2022,156,842,1,1,1\n")
    with pytest.raises(ImportRejected):
        import_trade_file(session=session, path=baci, source="baci")


def test_buyer_may_not_import_trade(session: Session, tmp_path: Path) -> None:
    set_actor(session, Actor(label="buyer", role=Role.BUYER, user_id=999_102))
    path = _write(tmp_path, "x.csv", OWN_HEADER)
    with pytest.raises(Forbidden):
        import_trade_file(session=session, path=path, source="tradebase")


def test_a_refused_file_leaves_earlier_rows_alone(session: Session, tmp_path: Path) -> None:
    before = session.execute(select(func.count()).select_from(TradeRecord)).scalar_one()
    good = "2022,156,842,940153,1,1\n" * 30_000
    path = _write(tmp_path, "BACI_HS22_Y2020_V202401.csv",
                  "t,i,j,k,v,q\n" + good + "2022,156,842,940153,-3,1\n")
    with pytest.raises(ImportRejected) as caught:
        import_trade_file(session=session, path=path, source="baci")
    assert [e.line for e in caught.value.errors] == [30_002]
    assert session.execute(select(func.count()).select_from(TradeRecord)).scalar_one() == before
