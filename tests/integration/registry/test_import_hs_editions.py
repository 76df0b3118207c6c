"""HS codes of every written form and edition through the products importer, the CLI, the
upload API and the products API: warnings for what to check, errors for what cannot be read,
nothing written on error (issue 9, "HS as catalogs write it")."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import anxi_and_member_enterprise, auth
from tradebase import db
from tradebase.cli import app
from tradebase.errors import ImportRejected, RowError
from tradebase.migrate import alembic_config, upgrade
from tradebase.registry.models import Product
from tradebase.registry.transfer import SPECS, Cell, Kind, RowWarning, export_file, import_file

HEADER = "sku,enterprise,title,hs_code,hs_edition\n"
WORKS = "HS Fixture Works"
# sku, hs_code as written, hs_edition -> (hs_code used for matching, edition read as,
# candidates, warning codes)
CATALOG: list[tuple[str, str, str, tuple[str | None, int, list[str], list[str]]]] = [
    ("HS-PLAIN", "940153", "", ("940153", 2022, [], [])),
    ("HS-DOTS", "9401.53", "", ("940153", 2022, [], [])),
    ("HS-SPACE", "9401 53", "", ("940153", 2022, [], [])),
    ("HS-CN8", "9401.53.00", "", ("940153", 2022, [], [])),
    ("HS-HTS10", "6404.11.00.10", "2022", ("640411", 2022, [], [])),
    ("HS-2017-ONE", "0305.10", "2017", ("030910", 2017, [], ["hs_renumbered"])),
    ("HS-2017-HEAD", "080290", "HS 2017", ("0802", 2017, ["080291", "080292", "080299"],
                                           ["hs_confirm_subheading"])),
    ("HS-2017-SPAN", "9405.40", "2017", (None, 2017, ["853951", "940541", "940542", "940549"],
                                         ["hs_choose_code"])),
    ("HS-2017-READ", "940540", "", (None, 2017, ["853951", "940541", "940542", "940549"],
                                    ["hs_older_edition", "hs_choose_code"])),
    ("HS-2012-READ", "0302.90.00", "", ("030291", 2012, [],
                                        ["hs_older_edition", "hs_renumbered"])),
    ("HS-2012-DECL", "020890", "2012", (None, 2012, ["020890", "041010"], ["hs_choose_code"])),
    ("HS-NEWER", "940541", "2017", ("940541", 2022, [], ["hs_newer_edition"])),
    ("HS-NONE", "", "", (None, 0, [], [])),
]


def _csv(rows: list[tuple[str, str, str]]) -> str:
    return HEADER + "".join(f"{sku},{WORKS},Item {sku},{code},{edition}\n"
                            for sku, code, edition in rows)


def _write(tmp_path: Path, text: str, name: str = "catalog.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _stored(session: Session, sku: str) -> Product:
    return session.scalars(select(Product).where(Product.sku == sku)).one()


def _snapshot(session: Session) -> list[list[Cell]]:
    session.expire_all()
    _, rows = SPECS[Kind.PRODUCTS].export(session=session)
    return list(rows)


# --- through the importer (both backends) ----------------------------------------------------


def test_every_written_form_and_edition_is_imported_with_its_warnings(
    session: Session, tmp_path: Path
) -> None:
    path = _write(tmp_path, _csv([(sku, code, edition) for sku, code, edition, _ in CATALOG]))
    summary = import_file(session=session, kind="products", path=path)
    assert summary.created == len(CATALOG)
    for sku, written, _edition, (hs_code, read_as, candidates, _codes) in CATALOG:
        product = _stored(session, sku)
        assert (product.hs_code, product.hs_code_written, product.hs_edition,
                product.hs_candidates) == (
            hs_code, written or None, read_as or None, candidates), sku
    expected = [(line, "hs_code", code)
                for line, (*_, (_, _, _, codes)) in enumerate(CATALOG, start=2) for code in codes]
    assert [(w.line, w.column, w.code) for w in summary.warnings] == expected


def test_a_warning_names_the_codes_in_its_message(session: Session, tmp_path: Path) -> None:
    path = _write(tmp_path, _csv([("HS-W1", "940540", "")]))
    warnings = import_file(session=session, kind="products", path=path).warnings
    assert warnings == [
        RowWarning(2, "hs_code", "hs_older_edition",
                   {"code": "940540", "asked": "2022", "edition": "2017"}),
        RowWarning(2, "hs_code", "hs_choose_code",
                   {"code": "940540", "edition": "2017",
                    "candidates": "853951, 940541, 940542, 940549"}),
    ]
    assert str(warnings[0]) == (
        "line 2, column hs_code: 940540 is not an HS 2022 subheading; read as HS 2017"
    )
    assert "853951, 940541, 940542, 940549" in warnings[1].message


def test_unreadable_codes_are_errors_with_their_line_and_nothing_is_written(
    session: Session, tmp_path: Path
) -> None:
    text = _csv([("HS-E1", "940540", "2017"), ("HS-E2", "999999", ""),
                 ("HS-E3", "94015", ""), ("HS-E4", "9401.53", "1996"),
                 ("HS-E5", "9999.99.10", "2017"), ("HS-E6", "080290", "")])
    before = _snapshot(session)
    with pytest.raises(ImportRejected) as caught:
        import_file(session=session, kind="products", path=_write(tmp_path, text))
    assert _snapshot(session) == before
    errors = caught.value.errors
    assert [(e.line, e.column, e.code) for e in errors] == [
        (3, "hs_code", "hs_code_unknown"),
        (4, "hs_code", "hs_code_form"),
        (5, "hs_edition", "hs_edition_form"),
        (6, "hs_code", "hs_code_unknown"),
    ]  # lines 2 and 7 only warn: they are not errors
    assert errors[0] == RowError(
        3, "hs_code", "HS code 999999 is not a subheading of HS 2022, HS 2017 or HS 2012")
    assert errors[3].params == {"written": "9999.99.10", "code": "999999"}
    assert errors[2].reason == "'1996' is not an HS edition: write 2022, 2017 or 2012"


def test_the_default_edition_applies_to_rows_that_give_none(
    session: Session, tmp_path: Path
) -> None:
    text = _csv([("HS-D1", "020890", ""), ("HS-D2", "020890", "2022"),
                 ("HS-D3", "2931.31", "")])
    summary = import_file(session=session, kind="products", path=_write(tmp_path, text),
                          hs_edition=2012)
    declared, current, older = (_stored(session, s) for s in ("HS-D1", "HS-D2", "HS-D3"))
    assert (declared.hs_code, declared.hs_edition, declared.hs_candidates) == (
        None, 2012, ["020890", "041010"])
    assert (current.hs_code, current.hs_edition) == ("020890", 2022)
    # Not an HS 2012 code: HS 2022 is tried next, then HS 2017.
    assert (older.hs_code, older.hs_edition) == ("293141", 2017)
    assert [(w.line, w.code) for w in summary.warnings] == [
        (2, "hs_choose_code"), (4, "hs_newer_edition"), (4, "hs_renumbered")]


def test_an_export_imports_back_to_the_same_reading(session: Session, tmp_path: Path) -> None:
    rows = [(sku, code, edition) for sku, code, edition, _ in CATALOG]
    import_file(session=session, kind="products", path=_write(tmp_path, _csv(rows)))
    out = tmp_path / "out.csv"
    export_file(session=session, kind="products", path=out)
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header.index("hs_edition") == header.index("hs_code") + 1
    before = _snapshot(session)
    summary = import_file(session=session, kind="products", path=out)
    assert summary.created == 0
    assert _snapshot(session) == before
    for sku, written, *_ in CATALOG:
        assert _stored(session, sku).hs_code_written == (written or None)


def test_an_update_without_the_hs_columns_keeps_the_reading(
    session: Session, tmp_path: Path
) -> None:
    import_file(session=session, kind="products",
                path=_write(tmp_path, _csv([("HS-U1", "9405.40", "2017")])))
    text = f"sku,enterprise,title,moq\nHS-U1,{WORKS},Lamp,5\n"
    import_file(session=session, kind="products", path=_write(tmp_path, text, "moq.csv"))
    lamp = _stored(session, "HS-U1")
    assert (lamp.moq, lamp.hs_code_written, lamp.hs_edition, lamp.hs_code) == (
        5, "9405.40", 2017, None)
    # A new code without an edition is read afresh, not as the stored edition.
    text = f"sku,enterprise,title,hs_code\nHS-U1,{WORKS},Lamp,940541\n"
    import_file(session=session, kind="products", path=_write(tmp_path, text, "code.csv"))
    lamp = _stored(session, "HS-U1")
    assert (lamp.hs_code, lamp.hs_edition, lamp.hs_candidates) == ("940541", 2022, [])


# --- through the CLI ---------------------------------------------------------------------------



def _read(url: str) -> dict[str, tuple[str | None, str | None, int | None, list[str]]]:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            return {p.sku: (p.hs_code, p.hs_code_written, p.hs_edition, p.hs_candidates)
                    for p in session.scalars(select(Product))}
    finally:
        engine.dispose()


def test_the_cli_prints_warnings_with_file_line_and_column(
    cli_database: str, tmp_path: Path
) -> None:
    text = (f"sku,enterprise,title,hs_code\nC-1,{WORKS},Lamp,9405.40\n"
            f"C-2,{WORKS},Nuts,0802.90.00\nC-3,{WORKS},Chair,9401.53\n")
    path = _write(tmp_path, text, "lamps.csv")
    result = CliRunner().invoke(app, ["import", "products", str(path), "--hs-edition", "2017"])
    assert result.exit_code == 0, result.output
    assert "3 products added, 0 updated; 1 new enterprises; 2 warnings." in result.stdout
    assert result.stderr.splitlines() == [
        "warning: lamps.csv, line 2, column hs_code: HS 2017 code 940540 became 853951, "
        "940541, 940542, 940549 in HS 2022, under different headings: choose one; it is not "
        "matched on an HS code until then",
        "warning: lamps.csv, line 3, column hs_code: HS 2017 code 080290 was split into "
        "080291, 080292, 080299 in HS 2022: matched on heading 0802; confirm the subheading",
    ]
    assert _read(cli_database) == {
        "C-1": (None, "9405.40", 2017, ["853951", "940541", "940542", "940549"]),
        "C-2": ("0802", "0802.90.00", 2017, ["080291", "080292", "080299"]),
        "C-3": ("940153", "9401.53", 2017, []),
    }


def test_the_cli_reads_hs_2022_first_by_default(cli_database: str, tmp_path: Path) -> None:
    text = f"sku,enterprise,title,hs_code\nC-1,{WORKS},Lamp,940540\nC-2,{WORKS},Chair,940153\n"
    result = CliRunner().invoke(app, ["import", "products", str(_write(tmp_path, text))])
    assert result.exit_code == 0, result.output
    assert "line 2, column hs_code: 940540 is not an HS 2022 subheading; read as HS 2017" in (
        result.stderr)
    assert "line 3" not in result.stderr
    assert _read(cli_database)["C-2"] == ("940153", "940153", 2022, [])


def test_the_cli_rejects_an_unknown_code_and_writes_nothing(
    cli_database: str, tmp_path: Path
) -> None:
    text = f"sku,enterprise,title,hs_code\nC-1,{WORKS},Lamp,9405.40\nC-2,{WORKS},X,999999\n"
    result = CliRunner().invoke(app, ["import", "products", str(_write(tmp_path, text))])
    assert result.exit_code == 1
    assert "catalog.csv: 1 bad row; nothing was imported" in result.stderr
    assert ("line 3, column hs_code: HS code 999999 is not a subheading of HS 2022, HS 2017 "
            "or HS 2012") in result.stderr
    assert "warning" not in result.stderr
    assert _read(cli_database) == {}


def test_the_cli_refuses_an_unknown_edition_option(cli_database: str, tmp_path: Path) -> None:
    path = _write(tmp_path, f"sku,enterprise,title\nC-1,{WORKS},Lamp\n")
    result = CliRunner().invoke(app, ["import", "products", str(path), "--hs-edition", "2007"])
    assert result.exit_code == 2


# --- through the API -------------------------------------------------------------------------


def test_the_upload_api_returns_the_warnings(client: TestClient, session: Session,
                                             tokens: dict[str, str]) -> None:
    own = anxi_and_member_enterprise(session)[1]
    text = f"sku,enterprise,title,hs_code\nAPI-1,{own.name_en},Lamp,9405.40\n"
    response = client.post("/api/v1/imports/products", headers=auth(tokens["enterprise"]),
                           files={"file": ("catalog.csv", text.encode(), "text/csv")})
    assert response.status_code == 200, response.text
    warnings = response.json()["warnings"]
    assert [(w["line"], w["column"], w["code"]) for w in warnings] == [
        (2, "hs_code", "hs_older_edition"), (2, "hs_code", "hs_choose_code")]
    assert warnings[1]["params"]["candidates"] == "853951, 940541, 940542, 940549"
    assert warnings[0]["message"] == "940540 is not an HS 2022 subheading; read as HS 2017"


def test_the_upload_api_lists_hs_errors_with_their_code(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    own = anxi_and_member_enterprise(session)[1]
    text = f"sku,enterprise,title,hs_code\nAPI-2,{own.name_en},Lamp,94015\n"
    response = client.post("/api/v1/imports/products", headers=auth(tokens["admin"]),
                           files={"file": ("catalog.csv", text.encode(), "text/csv")})
    assert response.status_code == 422
    (row,) = response.json()["error"]["rows"]
    assert (row["line"], row["column"], row["code"]) == (2, "hs_code", "hs_code_form")
    assert session.scalars(select(Product).where(Product.sku == "API-2")).first() is None


def _create(client: TestClient, token: str, **fields: Any) -> Any:
    enterprise = client.get("/api/v1/enterprises", params={"limit": 1}).json()["items"][0]
    return client.post("/api/v1/products", headers=auth(token), json={
        "enterprise_id": enterprise["id"], "title": "Lamp", **fields})


def test_the_products_api_takes_codes_as_written(client: TestClient,
                                                 tokens: dict[str, str]) -> None:
    response = _create(client, tokens["admin"], sku="API-3", hs_code="9405.40",
                       hs_edition="2017")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["hs_code"], body["hs_code_written"], body["hs_edition"],
            body["hs_candidates"]) == (None, "9405.40", 2017,
                                       ["853951", "940541", "940542", "940549"])
    response = client.patch(f"/api/v1/products/{body['id']}", headers=auth(tokens["admin"]),
                            json={"hs_code": "0802.90"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["hs_code"], body["hs_code_written"], body["hs_edition"]) == (
        "0802", "0802.90", 2017)
    response = client.patch(f"/api/v1/products/{body['id']}", headers=auth(tokens["admin"]),
                            json={"hs_code": "9401.53.00.10"})
    body = response.json()
    assert (body["hs_code"], body["hs_edition"], body["hs_candidates"]) == ("940153", 2022, [])
    # A new edition alone re-reads the code as written.
    client.patch(f"/api/v1/products/{body['id']}", headers=auth(tokens["admin"]),
                 json={"hs_code": "020890"})
    response = client.patch(f"/api/v1/products/{body['id']}", headers=auth(tokens["admin"]),
                            json={"hs_edition": 2012})
    body = response.json()
    assert (body["hs_code"], body["hs_code_written"], body["hs_edition"],
            body["hs_candidates"]) == (None, "020890", 2012, ["020890", "041010"])


@pytest.mark.parametrize(("fields", "kind"), [
    ({"hs_code": "94015"}, "hs_code_form"), ({"hs_code": "999999"}, "hs_code_unknown"),
    ({"hs_code": "940153", "hs_edition": 1996}, "hs_edition_form"),
])
def test_the_products_api_names_the_field_of_a_bad_code(
    client: TestClient, tokens: dict[str, str], fields: dict[str, Any], kind: str
) -> None:
    response = _create(client, tokens["admin"], sku="API-4", **fields)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == ("hs_edition" if kind == "hs_edition_form" else "hs_code")


# --- through the product form, in Chinese ------------------------------------------------------


def test_the_product_form_takes_the_edition_and_says_what_to_check(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    own = anxi_and_member_enterprise(session)[1]
    client.cookies.set("lang", "zh")
    url = f"/products/new?enterprise_id={own.id}"
    form = {"sku": "FORM-1", "title": "藤编灯", "hs_code": "9405.40", "hs_edition": "2017",
            "unit": "pcs"}
    response = client.post(url, data=form, headers=auth(tokens["admin"]),
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    lamp = _stored(session, "FORM-1")
    assert (lamp.hs_code, lamp.hs_code_written, lamp.hs_edition) == (None, "9405.40", 2017)
    page = client.get(f"/products/{lamp.id}/edit", headers=auth(tokens["admin"])).text
    assert 'value="9405.40"' in page
    assert '<option value="2017" selected>' in page
    assert ("HS 2017 编码 940540 在 HS 2022 中分入不同品目的 853951, 940541, 940542, 940549："
            "请选择其一") in page
    catalog = client.get(f"/enterprises/{own.id}").text
    assert "HS 2017 9405.40：可选 853951, 940541, 940542, 940549" in catalog
    response = client.post(url, data=form | {"sku": "FORM-2", "hs_code": "94015"},
                           headers=auth(tokens["admin"]))
    assert response.status_code == 422
    assert "“94015”不是 HS 编码" in response.text


# --- the migration ----------------------------------------------------------------------------


def _fill(table: sa.Table, **given: object) -> dict[str, object]:
    """A row of ``table`` with ``given`` and a stand-in for every other required column."""
    row = dict(given)
    for column in table.columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        if column.primary_key and isinstance(column.type, sa.Integer):
            continue
        python_type = column.type.python_type
        row[column.name] = (datetime.now(UTC) if python_type is datetime
                            else False if python_type is bool
                            else 1 if python_type is int else "x")
    return row


def test_the_migration_keeps_stored_codes_as_written_hs_2022(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.upgrade(config, "c3e1f0a9d214")
            tables = sa.MetaData()
            tables.reflect(connection, only=["enterprises", "products"])
            enterprises, products = tables.tables["enterprises"], tables.tables["products"]
            connection.execute(enterprises.insert().values(
                _fill(enterprises, id=1, name_en="Old Co")))
            for ident, sku, code in ((1, "OLD-1", "940153"), (2, "OLD-2", None)):
                connection.execute(products.insert().values(
                    _fill(products, id=ident, sku=sku, enterprise_id=1, hs_code=code)))
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT sku, hs_code, hs_code_written, hs_edition, hs_candidates FROM products "
                "ORDER BY sku")).all()
        assert [tuple(row) for row in rows] == [
            ("OLD-1", "940153", "940153", 2022, "[]"), ("OLD-2", None, None, None, "[]")]
    finally:
        engine.dispose()
