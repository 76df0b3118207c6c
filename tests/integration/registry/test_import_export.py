"""Imports and exports of enterprises, products and indicators (issue 2; CLI contract of issue 4).

Every kind of import error is checked for the line, column and reason it reports and for
leaving the database unchanged; then encodings, XLSX, updates on re-import, the CLI, and a
property test that export then import gives back the same data.
"""

from __future__ import annotations

import csv
import string
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tradebase import db
from tradebase.accounts.guard import set_actor
from tradebase.accounts.policy import SYSTEM
from tradebase.cli import app
from tradebase.errors import ImportRejected, RowError
from tradebase.registry import indicators, schemas, service
from tradebase.registry.models import (
    Base,
    Enterprise,
    IndicatorFact,
    Product,
    Region,
)
from tradebase.registry.transfer import (
    SPECS,
    Kind,
    export_file,
    import_file,
    import_table,
    read_table,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "transfer"
PRODUCT_HEADER = "sku,enterprise,title,moq,monthly_capacity,hs_code,markets"


def _snapshot(session: Session) -> dict[Kind, list[list[object]]]:
    """Everything an export would write: equal snapshots mean nothing was written."""
    session.expire_all()
    snapshot = {}
    for kind, spec in SPECS.items():
        _, rows = spec.export(session=session)
        snapshot[kind] = list(rows)
    return snapshot


def _write(tmp_path: Path, text: str, name: str = "file.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _rejected(session: Session, kind: str, path: Path) -> list[RowError]:
    """Import ``path`` expecting rejection; return its errors, having checked nothing changed."""
    before = _snapshot(session)
    with pytest.raises(ImportRejected) as caught:
        import_file(session=session, kind=kind, path=path)
    assert _snapshot(session) == before
    assert caught.value.filename == path.name
    return caught.value.errors


def _good_rows(count: int) -> str:
    return "".join(f"OK-{i},Fixture Rattan Works,Chair {i},10,100,940153,SE\n"
                   for i in range(count))


# --- one test per kind of import error -------------------------------------------------------


def test_a_bad_number_is_reported_with_its_line_and_column(
    session: Session, tmp_path: Path
) -> None:
    text = f"{PRODUCT_HEADER}\n{_good_rows(5)}BAD-1,Fixture Rattan Works,Chair,0,100,,\n"
    errors = _rejected(session, "products", _write(tmp_path, text))
    assert errors == [RowError(7, "moq", "must be ≥ 1")]
    assert str(errors[0]) == "line 7, column moq: must be ≥ 1"


def test_negative_numbers_are_rejected(session: Session, tmp_path: Path) -> None:
    text = ("sku,enterprise,title,monthly_capacity,lead_time_days\n"
            "N-1,Fixture Rattan Works,Chair,-5,-1\n")
    assert _rejected(session, "products", _write(tmp_path, text)) == [
        RowError(2, "lead_time_days", "must be ≥ 0"),
        RowError(2, "monthly_capacity", "must be ≥ 0"),
    ]


def test_wrong_types_are_rejected(session: Session, tmp_path: Path) -> None:
    text = f"{PRODUCT_HEADER}\nT-1,Fixture Rattan Works,Chair,lots,1.5,,\n"
    assert _rejected(session, "products", _write(tmp_path, text)) == [
        RowError(2, "monthly_capacity", "must be a whole number, not '1.5'"),
        RowError(2, "moq", "must be a whole number, not 'lots'"),
    ]


def test_empty_required_fields_are_rejected(session: Session, tmp_path: Path) -> None:
    text = f"{PRODUCT_HEADER}\nE-1,,,10,,,\n"
    assert _rejected(session, "products", _write(tmp_path, text)) == [
        RowError(2, "enterprise", "must not be empty"),
        RowError(2, "title", "must not be empty"),
    ]


def test_a_missing_required_column_is_rejected(session: Session, tmp_path: Path) -> None:
    text = "sku,enterprise,moq\nM-1,Fixture Rattan Works,10\n"
    assert _rejected(session, "products", _write(tmp_path, text)) == [
        RowError(1, "title", "the required column title is missing")
    ]


def test_an_unknown_column_is_rejected_by_name(session: Session, tmp_path: Path) -> None:
    text = "sku,enterprise,title,colour,title_x1\nU-1,Fixture Rattan Works,Chair,red,y\n"
    errors = _rejected(session, "products", _write(tmp_path, text))
    assert [(e.line, e.column) for e in errors] == [(1, "colour"), (1, "title_x1")]
    assert errors[0].reason.startswith("unknown column; products take sku, enterprise, title")


def test_a_sku_twice_in_one_file_is_rejected(session: Session, tmp_path: Path) -> None:
    text = f"{PRODUCT_HEADER}\nD-1,A Co,Chair,,,,\nD-2,A Co,Lamp,,,,\nD-1,A Co,Table,,,,\n"
    assert _rejected(session, "products", _write(tmp_path, text)) == [
        RowError(4, "sku", "sku D-1 appears already on line 2")
    ]


def test_a_malformed_sku_is_rejected(session: Session, tmp_path: Path) -> None:
    text = f"{PRODUCT_HEADER}\nbad sku!,A Co,Chair,,,,\n"
    (error,) = _rejected(session, "products", _write(tmp_path, text))
    assert (error.line, error.column) == (2, "sku")
    assert "letters, digits and . _ / -" in error.reason


def test_bad_country_codes_are_rejected(session: Session, tmp_path: Path) -> None:
    text = f"{PRODUCT_HEADER}\nC-1,A Co,Chair,,,,SE;XX\n"
    assert _rejected(session, "products", _write(tmp_path, text)) == [
        RowError(2, "markets", "'XX' is not an ISO 3166 alpha-2 country code")
    ]


def test_an_unknown_hs_code_is_rejected(session: Session, tmp_path: Path) -> None:
    text = f"{PRODUCT_HEADER}\nH-1,A Co,Chair,,,999999,\nH-2,A Co,Chair,,,94015,\n"
    assert _rejected(session, "products", _write(tmp_path, text)) == [
        RowError(2, "hs_code",
                 "HS code 999999 is not a subheading of HS 2022, HS 2017 or HS 2012"),
        RowError(3, "hs_code", "'94015' is not an HS code: write six digits such as 940153 "
                               "or 9401.53, or a national code of 8 or 10 digits"),
    ]


def test_an_enterprise_name_shared_by_two_enterprises_is_rejected(
    session: Session, tmp_path: Path
) -> None:
    for name_zh in ("同名一", "同名二"):
        service.create_enterprise(
            session=session, data=schemas.EnterpriseCreate(name_en="Twin Co", name_zh=name_zh)
        )
    text = f"{PRODUCT_HEADER}\nTW-1,Twin Co,Chair,,,,\n"
    (error,) = _rejected(session, "products", _write(tmp_path, text))
    assert (error.line, error.column) == (2, "enterprise")
    assert error.reason.startswith("'Twin Co' names several enterprises")


def test_unknown_base_and_region_are_rejected(session: Session, tmp_path: Path) -> None:
    text = "name_en,base,region,size\nAtlantis Co,atlantis,Nowhere,huge\n"
    assert _rejected(session, "enterprises", _write(tmp_path, text)) == [
        RowError(2, "base", "unknown base 'atlantis'"),
        RowError(2, "region", "unknown region 'Nowhere'"),
        RowError(2, "size", "must be one of 'micro', 'small', 'medium' or 'large', not 'huge'"),
    ]


def test_an_enterprise_id_that_does_not_exist_is_rejected(
    session: Session, tmp_path: Path
) -> None:
    text = "id,name_en,employees\n999999,Ghost Co,-3\n"
    assert _rejected(session, "enterprises", _write(tmp_path, text)) == [
        RowError(2, "id", "no enterprise has id 999999; leave id empty to add a new enterprise")
    ]


def test_an_enterprise_needs_a_name_and_valid_contact(session: Session, tmp_path: Path) -> None:
    text = "name_zh,name_en,contact_email,founded\n,,not-mail,2099\n"
    assert _rejected(session, "enterprises", _write(tmp_path, text)) == [
        RowError(2, "contact_email", "not an e-mail address"),
        RowError(2, "founded", "founded cannot be in the future"),
    ]
    text = "name_zh,name_en\n,\n"  # a row of empty cells only is skipped as blank
    assert import_file(session=session, kind="enterprises",
                       path=_write(tmp_path, text)).created == 0
    text = "name_zh,name_en,website\n,,https://example.com\n"
    assert _rejected(session, "enterprises", _write(tmp_path, text)) == [
        RowError(2, "name_en", "an enterprise needs a name in Chinese or English")
    ]


def test_indicator_rules_are_checked_per_row(session: Session, tmp_path: Path) -> None:
    text = (
        "base,enterprise,metric,value,currency,unit,year,month,qualifier\n"
        "anxi,,export_value,1e9,,CNY,2021,,\n"
        "anxi,,happiness,1,,points,2021,,\n"
        "anxi,Fixture Co,employees,1,,persons,2021,,\n"
        "anxi,,employees,many,,persons,2021,13,roughly\n"
        "anxi,,employees,100,,persons,2022,,\n"
        "anxi,,employees,200,,persons,2022,,\n"
        "anxi,,growth_rate,inf,,%,2022,,\n"
    )
    assert _rejected(session, "indicators", _write(tmp_path, text)) == [
        RowError(2, "currency", "export_value is money and needs a currency such as CNY"),
        RowError(3, "metric", "'happiness' is not a documented metric (see docs/indicators.md)"),
        RowError(4, "base", "give the subject in exactly one of base or enterprise"),
        RowError(5, "month", "must be ≤ 12"),
        RowError(5, "qualifier", "must be one of 'more_than', 'nearly' or 'about', not 'roughly'"),
        RowError(5, "value", "must be a number, not 'many'"),
        RowError(7, "metric", "the same subject, metric, year and month appear already on line 6"),
        RowError(8, "value", "must be a finite number"),
    ]


def test_every_bad_row_is_reported_not_just_the_first(session: Session, tmp_path: Path) -> None:
    bad = "B-1,A Co,Chair,0,,,\nB-2,A Co,,,,,\nB-3,A Co,x,,-1,,\n"
    text = f"{PRODUCT_HEADER}\n{_good_rows(2)}{bad}"
    errors = _rejected(session, "products", _write(tmp_path, text))
    assert [(e.line, e.column) for e in errors] == [
        (4, "moq"), (5, "title"), (6, "monthly_capacity"),
    ]


def test_an_empty_file_and_an_undecodable_file_are_rejected(
    session: Session, tmp_path: Path
) -> None:
    assert _rejected(session, "products", _write(tmp_path, "")) == [
        RowError(1, None, "the file is empty; its first line must name the columns")
    ]
    path = tmp_path / "binary.csv"
    path.write_bytes(b"sku,enterprise,title\n\x80\x81\xff,\xfe,\xfd\n")
    errors = _rejected(session, "products", path)
    assert [(e.line, e.column) for e in errors] == [(2, None)]


# --- what an import writes -----------------------------------------------------------------------


def test_products_import_creates_products_and_unknown_enterprises(session: Session) -> None:
    summary = import_file(session=session, kind="products", path=FIXTURES / "products.csv")
    assert (summary.created, summary.updated) == (3, 0)
    assert len(summary.ids) == 3
    assert len(summary.enterprises_created) == 2

    chair = service.get_product_by_sku(session=session, sku="FX-RATTAN-01")
    assert chair is not None
    assert chair.hs_code == "940153"  # "9401.53" in the file
    assert chair.titles == {"de": "Rattan-Loungesessel", "zh": "藤编休闲椅"}
    assert chair.certifications == ["BSCI", "FSC"]
    assert (chair.moq, chair.monthly_capacity, chair.lead_time_days) == (50, 1200, 30)
    assert chair.enterprise.name_en == "Fixture Rattan Works"
    assert chair.enterprise.markets == ["DE", "ES", "SE"]  # merged over both of its rows
    shoe = service.get_product_by_sku(session=session, sku="FX-SHOE-01")
    assert shoe is not None
    assert (shoe.enterprise.name_zh, shoe.enterprise.name_en) == ("晋江示例鞋业", "")
    assert shoe.unit == "pairs"
    assert set(summary.ids) == {chair.id, shoe.id, summary.ids[1]}


def test_markets_are_merged_into_an_existing_enterprise(session: Session, tmp_path: Path) -> None:
    enterprise = service.create_enterprise(
        session=session, data=schemas.EnterpriseCreate(name_en="Merge Co", markets=["US"])
    )
    import_file(session=session, kind="products",
                path=_write(tmp_path, f"{PRODUCT_HEADER}\nMG-1,Merge Co,Chair,,,,SE;us\n"))
    session.refresh(enterprise)
    assert enterprise.markets == ["SE", "US"]


@pytest.mark.parametrize("name", ["products.csv", "products-gb18030.csv", "bom", "xlsx"])
def test_every_supported_encoding_and_xlsx_import_the_same(
    session: Session, tmp_path: Path, name: str
) -> None:
    path = FIXTURES / "products.csv"
    if name == "bom":
        path = _write(tmp_path, path.read_text(encoding="utf-8"), "bom.csv", "utf-8-sig")
    elif name == "xlsx":
        workbook = openpyxl.Workbook()
        with path.open(encoding="utf-8", newline="") as handle:
            for record in csv.reader(handle):
                workbook.active.append(record)
        path = tmp_path / "products.xlsx"
        workbook.save(path)
    else:
        path = FIXTURES / name
    import_file(session=session, kind="products", path=path)
    shoe = service.get_product_by_sku(session=session, sku="FX-SHOE-01")
    assert shoe is not None
    assert shoe.titles["zh"] == "跑步鞋"
    assert shoe.enterprise.name_zh == "晋江示例鞋业"
    assert shoe.moq == 500


def test_reimporting_a_known_sku_updates_it(session: Session, tmp_path: Path) -> None:
    import_file(session=session, kind="products", path=FIXTURES / "products.csv")
    count = len(session.scalars(select(Product.id)).all())
    text = "sku,enterprise,title,title_de,moq,hs_code\nFX-RATTAN-01,晋江示例鞋业,Chair v2,,75,\n"
    summary = import_file(session=session, kind="products", path=_write(tmp_path, text))
    assert (summary.created, summary.updated) == (0, 1)
    assert len(session.scalars(select(Product.id)).all()) == count
    chair = service.get_product_by_sku(session=session, sku="FX-RATTAN-01")
    assert chair is not None
    assert chair.id == summary.ids[0]
    assert (chair.title, chair.moq, chair.hs_code) == ("Chair v2", 75, None)  # empty clears
    assert chair.enterprise.name_zh == "晋江示例鞋业"  # moved to another enterprise
    assert chair.titles == {"zh": "藤编休闲椅"}  # title_de emptied, title_zh not in the file
    assert chair.monthly_capacity == 1200  # column not in the file: kept


def test_enterprises_import_creates_then_updates_by_id_or_name(
    session: Session, tmp_path: Path
) -> None:
    summary = import_file(session=session, kind="enterprises", path=FIXTURES / "enterprises.csv")
    assert (summary.created, summary.updated) == (1, 0)
    enterprise = service.get_enterprise(session=session, enterprise_id=summary.ids[0])
    anxi = session.scalars(select(Base).where(Base.key == "anxi")).one()
    region = session.scalars(select(Region).where(Region.code == "350524")).one()
    assert (enterprise.base_id, enterprise.region_id) == (anxi.id, region.id)
    assert enterprise.certifications == ["BSCI", "FSC"]

    by_name = ("name_en,employees,base,region\n"
               "Fixture Rattan Works,90,Anxi rattan & iron home furnishing craft,Anxi County\n")
    again = import_file(session=session, kind="enterprises", path=_write(tmp_path, by_name))
    assert (again.created, again.updated, again.ids) == (0, 1, [enterprise.id])
    by_id = f"id,name_en,region\n{enterprise.id},Renamed Works,\n"
    import_file(session=session, kind="enterprises", path=_write(tmp_path, by_id))
    session.refresh(enterprise)
    assert (enterprise.name_en, enterprise.employees, enterprise.region_id) == (
        "Renamed Works", 90, None,
    )
    assert enterprise.name_zh == "示例藤艺工坊"


def test_indicators_import_creates_then_updates_by_subject_metric_and_period(
    session: Session, tmp_path: Path
) -> None:
    import_file(session=session, kind="enterprises", path=FIXTURES / "enterprises.csv")
    summary = import_file(session=session, kind="indicators", path=FIXTURES / "indicators.csv")
    assert (summary.created, summary.updated) == (2, 0)
    text = ("enterprise,metric,value,unit,year,month\n"
            "Fixture Rattan Works,employees,90,persons,2023,6\n")
    again = import_file(session=session, kind="indicators", path=_write(tmp_path, text))
    assert (again.created, again.updated, again.ids) == (0, 1, [summary.ids[1]])
    fact = session.get(IndicatorFact, summary.ids[1])
    assert fact is not None
    assert fact.source is not None
    assert (fact.value, fact.source.title) == (90, "Fixture survey")  # source kept
    export = session.get(IndicatorFact, summary.ids[0])
    assert export is not None
    assert (export.value, export.currency, export.qualifier) == (1.5e9, "CNY", "about")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_of_the_demo_data_changes_nothing(
    session: Session, tmp_path: Path, suffix: str
) -> None:
    before = _snapshot(session)
    for kind in Kind:
        path = tmp_path / f"{kind}.{suffix}"
        count = export_file(session=session, kind=kind, path=path)
        assert count == len(before[kind])
        summary = import_file(session=session, kind=kind, path=path)
        assert (summary.created, summary.updated) == (0, count)
    assert _snapshot(session) == before


# --- the command line ----------------------------------------------------------------------------



def _count_products(url: str) -> int:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            return len(session.scalars(select(Product.id)).all())
    finally:
        engine.dispose()


def test_cli_imports_and_exports(cli_database: str, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["import", "products", str(FIXTURES / "products.csv")])
    assert result.exit_code == 0, result.output
    assert "3 products added, 0 updated; 2 new enterprises" in result.stdout
    assert _count_products(cli_database) == 3

    out = tmp_path / "products.xlsx"
    result = runner.invoke(app, ["export", "products", str(out)])
    assert result.exit_code == 0, result.output
    assert "Exported 3 products" in result.stdout
    result = runner.invoke(app, ["import", "products", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 products added, 3 updated" in result.stdout

    as_text = tmp_path / "products.txt"
    result = runner.invoke(app, ["export", "products", str(as_text), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert as_text.read_bytes().startswith(b"\xef\xbb\xbf")


def test_cli_lists_every_bad_row_exits_1_and_writes_nothing(
    cli_database: str, tmp_path: Path
) -> None:
    text = f"{PRODUCT_HEADER}\n{_good_rows(5)}BAD-1,A Co,Chair,0,100,,\nBAD-2,A Co,,,,,XX\n"
    path = _write(tmp_path, text, "bad.csv")
    result = CliRunner().invoke(app, ["import", "products", str(path)])
    assert result.exit_code == 1
    # line 8 has two errors: two bad rows, not three
    assert "bad.csv: 2 bad rows; nothing was imported" in result.stderr
    assert "line 7, column moq: must be ≥ 1" in result.stderr
    assert "line 8, column markets: 'XX' is not an ISO 3166 alpha-2 country code" in result.stderr
    assert "line 8, column title: must not be empty" in result.stderr
    assert _count_products(cli_database) == 0


def test_cli_rejects_an_unknown_extension(cli_database: str, tmp_path: Path) -> None:
    path = _write(tmp_path, "sku\n", "products.ods")
    result = CliRunner().invoke(app, ["import", "products", str(path)])
    assert result.exit_code == 1
    assert "--format" in result.stderr


# --- property: export then import gives back the same data ----------------------------------------

_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn", "Co")),
    max_size=30,
).map(str.strip)
_CHINESE = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
                   min_size=2, max_size=8)
_CODES = st.sampled_from(["FSC", "BSCI", "ISO9001", "CE", "OEKO-TEX"])
_COUNTRIES = st.sampled_from(["SE", "DE", "ES", "FR", "CN", "US", "JP"])
_HS = st.sampled_from(["940153", "940161", "640411", "732393", None])


@st.composite
def _register(draw: st.DrawFn) -> dict[str, list[dict[str, object]]]:
    count = draw(st.integers(1, 4))
    names = draw(st.lists(st.tuples(_CHINESE, st.text(string.ascii_letters, min_size=3,
                                                         max_size=12)),
                          min_size=count, max_size=count,
                          unique_by=(lambda t: t[0], lambda t: t[1].lower())))
    enterprises = [
        {
            "name_zh": zh, "name_en": draw(st.sampled_from(["", f"{en} Works"])),
            "size": draw(st.sampled_from(["micro", "small", "medium", "large", None])),
            "employees": draw(st.none() | st.integers(0, 100_000)),
            "founded": draw(st.none() | st.integers(1800, 2024)),
            "certifications": draw(st.lists(_CODES, max_size=3)),
            "markets": draw(st.lists(_COUNTRIES, max_size=3)),
            "contact_name": draw(_TEXT), "description_zh": draw(_TEXT),
            "description_en": draw(_TEXT),
        }
        for zh, en in names
    ]
    skus = draw(st.lists(st.from_regex(r"[A-Z0-9][A-Z0-9._/-]{0,11}", fullmatch=True),
                         max_size=6, unique=True))
    products = [
        {
            "sku": sku, "enterprise": draw(st.integers(0, count - 1)),
            "title": draw(_TEXT.filter(bool)),
            "titles": draw(st.dictionaries(st.sampled_from(["zh", "de", "sv", "es"]),
                                           _CHINESE | _TEXT, max_size=2)),
            "description": draw(_TEXT), "hs_code": draw(_HS),
            "unit": draw(st.sampled_from(["pcs", "pairs", "sets"])),
            "moq": draw(st.none() | st.integers(1, 10**6)),
            "monthly_capacity": draw(st.none() | st.integers(0, 10**7)),
            "lead_time_days": draw(st.none() | st.integers(0, 365)),
            "certifications": draw(st.lists(_CODES, max_size=3)),
        }
        for sku in skus
    ]
    periods = draw(st.lists(st.tuples(st.integers(0, count - 1), st.integers(2000, 2030),
                                      st.none() | st.integers(1, 12)),
                            max_size=5, unique=True))
    cited = draw(st.lists(
        st.fixed_dictionaries({
            "title": _TEXT.filter(bool), "publisher": _TEXT,
            "date": st.none() | st.dates(date(1990, 1, 1), date(2030, 12, 31)),
            "language": st.sampled_from(["", "en", "zh", "sv", "zh-Hant"]),
            "url": st.sampled_from(["", "https://example.org/a?b=1", "http://例子.cn/报告"]),
        }),
        min_size=1, max_size=3, unique_by=(lambda s: s["title"], lambda s: s["url"] or s["title"]),
    ))
    facts = [
        {
            "enterprise": who, "year": year, "month": month,
            "source": draw(st.sampled_from(cited)),
            "value": draw(st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False)),
            "metric": draw(st.sampled_from(["employees", "export_value", "growth_rate"])),
            "qualifier": draw(st.sampled_from([None, "more_than", "nearly", "about"])),
            "source_quote": draw(_CHINESE | _TEXT),
        }
        for who, year, month in periods
    ]
    return {"enterprises": enterprises, "products": products, "facts": facts}


def _store(session: Session, data: dict[str, list[dict[str, object]]], base_id: int) -> None:
    """Write generated data through the services (not through the importer under test)."""
    ids = [
        service.create_enterprise(
            session=session,
            data=schemas.EnterpriseCreate.model_validate({**fields, "base_id": base_id}),
        ).id
        for fields in data["enterprises"]
    ]
    for fields in data["products"]:
        owner = ids[int(fields["enterprise"])]  # type: ignore[call-overload]
        product = {key: value for key, value in fields.items() if key != "enterprise"}
        service.create_product(session=session, data=schemas.ProductCreate.model_validate(
            {**product, "enterprise_id": owner}
        ))
    seen = set()
    for fields in data["facts"]:
        owner = ids[int(fields["enterprise"])]  # type: ignore[call-overload]
        key = (owner, fields["metric"], fields["year"], fields["month"])
        if key in seen:  # one fact per subject, metric and period: the import's key
            continue
        seen.add(key)
        money = fields["metric"] == "export_value"
        unit = "%" if fields["metric"] == "growth_rate" else "persons"
        indicators.create_indicator(session=session, data=schemas.IndicatorCreate.model_validate({
            "enterprise_id": owner, "metric": fields["metric"], "value": fields["value"],
            "year": fields["year"], "month": fields["month"], "qualifier": fields["qualifier"],
            "currency": "CNY" if money else None, "unit": None if money else unit,
            "source": {**fields["source"],  # type: ignore[dict-item]
                       "quote": fields["source_quote"]},
        }))


def _files(session: Session, folder: Path, suffix: str) -> dict[Kind, Path]:
    folder.mkdir(exist_ok=True)
    paths = {kind: folder / f"{kind}.{suffix}" for kind in Kind}
    for kind, path in paths.items():
        export_file(session=session, kind=kind, path=path)
    return paths


def _contents(
    path: Path, *, drop: str | None = None
) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    table = read_table(path)
    columns = tuple(c for c in table.columns if c != drop)
    return columns, [{c: row.cells[c] for c in columns} for row in table.rows]


def _clear_register(session: Session) -> None:
    session.execute(delete(IndicatorFact))
    session.execute(delete(Product))
    session.execute(delete(Enterprise))
    session.expire_all()


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=_register(), suffix=st.sampled_from(["csv", "xlsx"]))
def test_export_then_import_gives_back_the_same_data(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory,
    data: dict[str, list[dict[str, object]]], suffix: str,
) -> None:
    folder = tmp_path_factory.mktemp("roundtrip")
    with engine.connect() as connection:
        outer = connection.begin()  # each example is rolled back whole
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        set_actor(session, SYSTEM)
        try:
            _clear_register(session)
            region = session.scalars(select(Region).order_by(Region.id)).first()
            assert region is not None
            base = service.create_base(session=session, data=schemas.BaseCreate(
                key="roundtrip", name_en="Round-trip base", region_ids=[region.id]
            ))
            _store(session, data, base.id)
            first = _files(session, folder / "first", suffix)

            # Into the same database: every row is known, so everything is updated in place.
            for kind in Kind:
                import_file(session=session, kind=kind, path=first[kind])
            same = _files(session, folder / "same", suffix)
            for kind in Kind:
                assert _contents(same[kind]) == _contents(first[kind])

            # Into a register without them (ids aside): everything is created again.
            _clear_register(session)
            for kind in Kind:
                table = read_table(first[kind])
                if kind is Kind.ENTERPRISES:  # ids of another database mean nothing here
                    table = type(table)(table.filename, tuple(c for c in table.columns
                                                              if c != "id"), table.rows)
                    for row in table.rows:
                        row.cells.pop("id", None)
                import_table(session=session, kind=kind, table=table)
            fresh = _files(session, folder / "fresh", suffix)
            for kind in Kind:
                assert _contents(fresh[kind], drop="id") == _contents(first[kind], drop="id")
        finally:
            session.close()
            outer.rollback()


# --- price columns ---------------------------------------------------------------------------

PRICE_HEADER = "sku,enterprise,title,price_min,price_max,price_currency"


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_prices_round_trip_through_export_and_import(
    session: Session, tmp_path: Path, suffix: str
) -> None:
    text = (f"{PRICE_HEADER}\nPR-1,Fixture Rattan Works,Chair,12.5,18,eur\n"
            "PR-2,Fixture Rattan Works,Stool,,,\n")
    import_file(session=session, kind="products", path=_write(tmp_path, text))
    chair = service.get_product_by_sku(session=session, sku="PR-1")
    assert chair is not None
    assert (chair.price_min, chair.price_max, chair.price_currency) == (12.5, 18.0, "EUR")
    stool = service.get_product_by_sku(session=session, sku="PR-2")
    assert stool is not None
    assert (stool.price_min, stool.price_max, stool.price_currency) == (None, None, None)

    exported = tmp_path / f"products.{suffix}"
    export_file(session=session, kind="products", path=exported)
    table = read_table(exported)
    assert {"price_min", "price_max", "price_currency"} <= set(table.columns)
    cells = next(row.cells for row in table.rows if row.cells["sku"] == "PR-1")
    assert (float(cells["price_min"]), float(cells["price_max"]), cells["price_currency"]) \
        == (12.5, 18.0, "EUR")
    chair.price_min, chair.price_currency = 1.0, "USD"  # changed since the export
    session.flush()
    import_file(session=session, kind="products", path=exported)
    session.expire_all()
    again = service.get_product_by_sku(session=session, sku="PR-1")
    assert again is not None
    assert (again.price_min, again.price_max, again.price_currency) == (12.5, 18.0, "EUR")


def test_bad_prices_are_reported_with_line_and_column(session: Session, tmp_path: Path) -> None:
    text = (f"{PRICE_HEADER}\nPB-1,Fixture Rattan Works,Chair,cheap,,EUR\n"
            "PB-2,Fixture Rattan Works,Chair,5,,EURO\n"
            "PB-3,Fixture Rattan Works,Chair,9,3,EUR\n"
            "PB-4,Fixture Rattan Works,Chair,9,12,\n"
            "PB-5,Fixture Rattan Works,Chair,-1,,EUR\n")
    errors = {(e.line, e.column): e.reason for e in _rejected(session, "products",
                                                               _write(tmp_path, text))}
    assert set(errors) == {(2, "price_min"), (3, "price_currency"), (4, "price_max"),
                           (5, "price_currency"), (6, "price_min")}
    assert "ISO 4217" in errors[(3, "price_currency")]
    assert "below the lowest" in errors[(4, "price_max")]
