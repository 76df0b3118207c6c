"""Hostile and malformed import files (issue 8, defects 2 and 7), generated here.

A workbook whose sheet declares ``A1:XFD1048576``, one huge shared string, a zip bomb, every
kind of damaged workbook, CSV cells a spreadsheet would evaluate and files mixing encodings:
each is refused with the status and reason the issue asks for, and a caller that may import
nothing is refused before the file is read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import anxi_and_member_enterprise, auth
from tradebase import db
from tradebase import settings as tradebase_settings
from tradebase.cli import app as cli_app
from tradebase.errors import ImportRejected
from tradebase.registry import indicators, schemas
from tradebase.registry.models import IndicatorFact, Product
from tradebase.registry.transfer import decode_text, export_file, import_file, read_table

SHEET = "xl/worksheets/sheet1.xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows: list[list[Any]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows or [["sku", "enterprise", "title"], ["H-1", "Acme", "Stool"]]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


Change = bytes | Callable[[bytes], bytes] | None


def rewrite(data: bytes, changes: dict[str, Change], extra: dict[str, bytes] | None = None
            ) -> bytes:
    """``data`` (a zip) with members replaced, changed (a function of the old bytes), removed
    (None) or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            change = changes.get(info.filename, source.read(info))
            if change is None:
                continue
            target.writestr(info.filename, change(source.read(info)) if callable(change)
                            else change)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def dimension_bomb() -> bytes:
    return rewrite(workbook(), {SHEET: lambda xml: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)})


def shared_strings(items: list[str]) -> bytes:
    body = "".join(f"<si><t>{item}</t></si>" for item in items)
    return (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(items)}" uniqueCount="{len(items)}">{body}</sst>'
    ).encode()


def with_shared_strings(strings: bytes) -> bytes:
    """A workbook whose first cell refers to shared string 0 of ``strings``."""
    content_type = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    return rewrite(workbook(), {
        SHEET: lambda xml: xml.replace(b'<c r="A1" t="inlineStr"><is><t>sku</t></is></c>',
                                       b'<c r="A1" t="s"><v>0</v></c>'),
        "[Content_Types].xml": lambda xml: xml.replace(b"</Types>",
                                                       content_type.encode() + b"</Types>"),
    }, {"xl/sharedStrings.xml": strings})


def zip_bomb(megabytes: int) -> bytes:
    """A workbook carrying a part of ``megabytes`` MB of zeros (a few KB compressed)."""
    out = io.BytesIO(workbook())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/media/image1.bin", "w", force_zip64=True) as member:
        for _ in range(megabytes):
            member.write(bytes(1024 * 1024))
    return out.getvalue()


BROKEN = {
    "broken sheet XML": lambda: rewrite(workbook(), {
        SHEET: b"<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
               b"<sheetData><row r='1'><c"}),
    "missing sheet": lambda: rewrite(workbook(), {SHEET: None}),
    "bad shared-string index": lambda: rewrite(workbook(), {SHEET: lambda xml: xml.replace(
        b'<c r="A1" t="inlineStr"><is><t>sku</t></is></c>', b'<c r="A1" t="s"><v>999</v></c>')}),
    "broken [Content_Types].xml": lambda: rewrite(workbook(), {"[Content_Types].xml": b"<Types x"}),
    "missing [Content_Types].xml": lambda: rewrite(workbook(), {"[Content_Types].xml": None}),
    "broken workbook.xml": lambda: rewrite(workbook(), {"xl/workbook.xml": b"<workbook><sheets>"}),
    "not a zip": lambda: b"PK\x03\x04" + b"\x00not a zip archive" * 64,
    "truncated zip": lambda: workbook()[:1500],
}


def _upload(client: TestClient, token: str, name: str, data: bytes, kind: str = "products",
            content_type: str = XLSX_TYPE) -> Any:
    return client.post(f"/api/v1/imports/{kind}", headers=auth(token),
                       files={"file": (name, data, content_type)})


def test_a_5kb_workbook_declaring_a1_xfd1048576_is_refused_with_422(
    client: TestClient, tokens: dict[str, str]
) -> None:
    data = dimension_bomb()
    assert len(data) < 6 * 1024
    response = _upload(client, tokens["admin"], "bomb.xlsx", data)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "file"
    assert "1,048,576 rows" in error["message"]
    assert "TRADEBASE_IMPORT_MAX_ROWS_PRODUCTS=200000" in error["message"]


def test_a_workbook_declaring_too_many_columns_is_refused(
    client: TestClient, tokens: dict[str, str]
) -> None:
    data = rewrite(workbook(), {SHEET: lambda xml: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD2"', xml)})
    response = _upload(client, tokens["admin"], "wide.xlsx", data)
    assert response.status_code == 422, response.text
    assert "TRADEBASE_IMPORT_MAX_COLUMNS=100" in response.json()["error"]["message"]


def test_a_row_reaching_far_columns_is_refused_before_the_sheet_is_read(
    client: TestClient, tokens: dict[str, str]
) -> None:
    """No dimension to go by: a cell in column XFD makes openpyxl pad its row to 16,384
    cells, so such a row ends the read at once."""
    rows = "".join(f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>'
                   for n in range(2, 2000))
    data = rewrite(workbook(), {SHEET: lambda xml: re.sub(
        rb'<dimension ref="[^"]*" />', b"", xml).replace(b"</sheetData>",
                                                         rows.encode() + b"</sheetData>")})
    response = _upload(client, tokens["admin"], "far.xlsx", data)
    assert response.status_code == 422, response.text
    assert "16,384 columns" in response.json()["error"]["message"]


def test_one_huge_shared_string_is_refused_with_413_before_it_is_held(
    app_factory: Any, tokens: dict[str, str]
) -> None:
    data = with_shared_strings(shared_strings(["a" * 3_000_000]))
    assert len(data) < 64 * 1024
    with TestClient(app_factory(import_max_shared_string_chars=1_000_000),
                    base_url="https://testserver") as client:
        response = _upload(client, tokens["admin"], "strings.xlsx", data)
    assert response.status_code == 413, response.text
    error = response.json()["error"]
    assert error["field"] == "file"
    assert "TRADEBASE_IMPORT_MAX_SHARED_STRING_CHARS=1000000" in error["message"]


def test_too_many_shared_strings_are_refused_with_422(
    app_factory: Any, tokens: dict[str, str]
) -> None:
    data = with_shared_strings(shared_strings([f"s{n}" for n in range(5000)]))
    with TestClient(app_factory(import_max_shared_strings=1000),
                    base_url="https://testserver") as client:
        response = _upload(client, tokens["admin"], "strings.xlsx", data)
    assert response.status_code == 422, response.text
    assert "TRADEBASE_IMPORT_MAX_SHARED_STRINGS=1000" in response.json()["error"]["message"]


def test_a_zip_bomb_is_refused_with_413(app_factory: Any, tokens: dict[str, str]) -> None:
    data = zip_bomb(40)
    assert len(data) < 200 * 1024
    with TestClient(app_factory(import_max_unzipped_bytes=16 * 1024 * 1024),
                    base_url="https://testserver") as client:
        response = _upload(client, tokens["admin"], "bomb.xlsx", data)
    assert response.status_code == 413, response.text
    error = response.json()["error"]
    assert error["field"] == "file"
    assert "TRADEBASE_IMPORT_MAX_UNZIPPED_BYTES=16777216" in error["message"]


def test_a_part_larger_than_its_archive_declares_is_refused(tmp_path: Path) -> None:
    """The sizes in the zip directory are not trusted: a part that unzips to more than it
    declares is refused, never read past its declared size."""
    data = bytearray(zip_bomb(2))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/media/image1.bin")
    for width in (8, 4):  # the zip64 extra field and the 32-bit directory fields
        data = bytearray(bytes(data).replace((2 * 1024 * 1024).to_bytes(width, "little"),
                                             (1000).to_bytes(width, "little")))
    path = tmp_path / "liar.xlsx"
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).getinfo(info.filename).file_size == 1000
    with pytest.raises(ImportRejected) as caught:
        read_table(path)
    assert "not an XLSX workbook" in caught.value.errors[0].reason


@pytest.mark.parametrize("variant", sorted(BROKEN))
def test_every_damaged_workbook_is_a_422_with_a_reason(
    client: TestClient, tokens: dict[str, str], variant: str
) -> None:
    response = _upload(client, tokens["admin"], "damaged.xlsx", BROKEN[variant]())
    assert response.status_code == 422, (variant, response.text)
    rows = response.json()["error"]["rows"]
    assert rows[0]["line"] == 1
    assert rows[0]["reason"].startswith("not an XLSX workbook: "), rows


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("TRADEBASE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    tradebase_settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
    yield
    tradebase_settings.get_settings.cache_clear()
    db.get_engine.cache_clear()


@pytest.mark.parametrize("variant", sorted(BROKEN))
def test_the_cli_refuses_a_damaged_workbook_without_a_traceback(
    tmp_path: Path, cli_database: None, variant: str
) -> None:
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(BROKEN[variant]())
    result = CliRunner().invoke(cli_app, ["import", "products", str(path)])
    assert result.exit_code == 1, result.output
    assert "not an XLSX workbook: " in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                      SystemExit)


def test_the_cli_refuses_a_dimension_bomb_with_the_limit(tmp_path: Path,
                                                         cli_database: None) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(dimension_bomb())
    result = CliRunner().invoke(cli_app, ["import", "products", str(path)])
    assert result.exit_code == 1, result.output
    assert "TRADEBASE_IMPORT_MAX_ROWS_PRODUCTS" in result.output


def test_a_buyer_is_refused_before_the_file_is_read(
    client: TestClient, tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A buyer may import nothing: the answer is 403 whatever the file holds (here rows an
    import would reject as bad), and no reader ran."""
    read: list[str] = []
    import tradebase.registry.transfer as transfer

    original = transfer.read_table
    monkeypatch.setattr(transfer, "read_table",
                        lambda *args, **kwargs: read.append("read") or original(*args, **kwargs))
    bad = b"sku,enterprise,title,moq\nB-1,Nobody,Stool,-4\n"
    for token in (tokens["buyer"], tokens["officer"]):
        response = _upload(client, token, "catalog.csv", bad, content_type="text/csv")
        assert response.status_code == 403, response.text
        response = _upload(client, token, "bomb.xlsx", dimension_bomb())
        assert response.status_code == 403, response.text
    assert read == []


# --- CSV: formula cells and encodings -------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1:A9)",
            "\tcmd", "'quoted", "'=already escaped"]


def test_csv_exports_neutralise_formula_cells_and_imports_read_them_back(
    session: Session, tmp_path: Path
) -> None:
    _, enterprise = anxi_and_member_enterprise(session)
    products = [Product(sku=f"F-{n}", enterprise_id=enterprise.id, title=f"x{text}x",
                        description=text) for n, text in enumerate(FORMULAS)]
    session.add_all(products)
    fact = indicators.create_indicator(session=session, data=schemas.IndicatorCreate(
        enterprise_id=enterprise.id, metric="growth_rate", value=-12.5, unit="%",
        year=2024))
    session.flush()
    path = tmp_path / "products.csv"
    export_file(session=session, kind="products", path=path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["sku"]: row for row in csv.DictReader(handle)}
    for n, text in enumerate(FORMULAS):
        cell = rows[f"F-{n}"]["description"]
        assert cell == "'" + text, cell  # never a cell a spreadsheet evaluates
    for product in products:
        product.description = "changed"
    session.flush()
    import_file(session=session, kind="products", path=path)
    session.expire_all()
    for n, text in enumerate(FORMULAS):
        stored = session.scalars(select(Product).where(Product.sku == f"F-{n}")).one()
        assert stored.description == text.strip()  # cells are stripped on import, as ever

    facts = tmp_path / "indicators.csv"
    export_file(session=session, kind="indicators", path=facts)
    text = facts.read_text(encoding="utf-8-sig")
    assert ",-12.5," in text  # a negative number stays a number, unquoted
    import_file(session=session, kind="indicators", path=facts)
    assert session.get(IndicatorFact, fact.id).value == -12.5  # type: ignore[union-attr]


UTF8_LINE = "C-1,藤椅,Rattan chair\n".encode()
GB_LINE = "C-2,藤椅,Rattan chair\n".encode("gb18030")


@pytest.mark.parametrize("lines", [[UTF8_LINE, GB_LINE], [GB_LINE, UTF8_LINE]],
                         ids=["utf8-then-gb18030", "gb18030-then-utf8"])
def test_a_file_mixing_utf8_and_gb18030_is_refused_at_the_first_odd_line(
    lines: list[bytes],
) -> None:
    data = b"sku,title_zh,title\n" + lines[0] + lines[1]
    with pytest.raises(ImportRejected) as caught:
        decode_text(data, "mixed.csv")
    [error] = caught.value.errors
    assert error.line == 3
    assert "mixes encodings" in error.reason


def test_one_encoding_throughout_still_reads() -> None:
    for encoding in ("utf-8", "gb18030"):
        data = ("sku,title_zh\nC-1,藤椅\nC-2,铁艺灯\n").encode(encoding)
        assert decode_text(data, "ok.csv").splitlines()[2] == "C-2,铁艺灯"


def test_a_mixed_upload_is_a_422_naming_the_line(client: TestClient,
                                                 tokens: dict[str, str]) -> None:
    data = b"sku,enterprise,title\n" + "M-1,Acme,藤椅\n".encode() + "M-2,Acme,藤椅\n".encode(
        "gb18030")
    response = _upload(client, tokens["admin"], "mixed.csv", data, content_type="text/csv")
    assert response.status_code == 422, response.text
    assert response.json()["error"]["rows"][0]["line"] == 3
