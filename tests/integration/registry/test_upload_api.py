"""Uploading an import file: type and size are checked, rows are authorised, all-or-nothing."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise, auth
from tradebase.registry.models import Enterprise, Product


def _anxi_enterprise(session: Session) -> Enterprise:
    return anxi_and_member_enterprise(session)[1]


def _products_csv(enterprise: str, sku: str = "UP-1", moq: str = "10") -> bytes:
    return (f"sku,enterprise,title,hs_code,moq\n{sku},{enterprise},Uploaded stool,940153,{moq}\n"
            ).encode()


def test_an_enterprise_member_uploads_its_catalog(client: TestClient, session: Session,
                                                 tokens: dict[str, str]) -> None:
    own = _anxi_enterprise(session)
    response = client.post(
        "/api/v1/imports/products", headers=auth(tokens["enterprise"]),
        files={"file": ("catalog.csv", _products_csv(own.name_en), "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"kind": "products", "created": 1, "updated": 0,
                               "enterprises_created": 0, "warnings": [], "rows_read": 1,
                               "rows_refused": 0}
    assert session.scalars(select(Product).where(Product.sku == "UP-1")).one().moq == 10


def test_rows_of_another_enterprise_reject_the_file(client: TestClient, session: Session,
                                                    tokens: dict[str, str]) -> None:
    other = session.scalars(
        select(Enterprise).where(Enterprise.id != _anxi_enterprise(session).id)
    ).first()
    assert other is not None
    response = client.post(
        "/api/v1/imports/products", headers=auth(tokens["enterprise"]),
        files={"file": ("catalog.csv", _products_csv(other.name_en, "UP-2"), "text/csv")},
    )
    # a row the caller may not write is an error on its line, not a refusal of the caller
    assert response.status_code == 422
    row = response.json()["error"]["rows"][0]
    assert (row["line"], row["column"], row["code"]) == (2, "enterprise",
                                                         "import_enterprise_not_yours")
    assert session.scalars(select(Product).where(Product.sku == "UP-2")).first() is None


def test_bad_rows_are_listed_and_nothing_is_written(client: TestClient, session: Session,
                                                    tokens: dict[str, str]) -> None:
    own = _anxi_enterprise(session)
    response = client.post(
        "/api/v1/imports/products", headers=auth(tokens["admin"]),
        files={"file": ("catalog.csv", _products_csv(own.name_en, "UP-3", "-4"), "text/csv")},
    )
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["rows"][0]["line"] == 2
    assert body["rows"][0]["column"] == "moq"
    assert session.scalars(select(Product).where(Product.sku == "UP-3")).first() is None


def test_xlsx_upload(client: TestClient, session: Session, tokens: dict[str, str]) -> None:
    own = _anxi_enterprise(session)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["sku", "enterprise", "title", "hs_code"])
    sheet.append(["UP-X", own.name_en, "Workbook stool", "940153"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        "/api/v1/imports/products", headers=auth(tokens["admin"]),
        files={"file": ("catalog.xlsx", buffer.getvalue(),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
    )
    assert response.status_code == 200, response.text


def test_wrong_types_are_refused(client: TestClient, tokens: dict[str, str]) -> None:
    headers = auth(tokens["admin"])
    cases = {
        ("photo.png", b"\x89PNG\r\n\x1a\n...."): 415,
        ("catalog.xlsx", b"sku,enterprise,title\n"): 415,  # text dressed up as a workbook
        ("catalog.csv", b"PK\x03\x04zipzip"): 415,  # a zip dressed up as text
        ("catalog.csv", b"sku\x00,enterprise\n"): 415,
        ("catalog.csv", b""): 422,
    }
    for (name, data), status in cases.items():
        response = client.post("/api/v1/imports/products", headers=headers,
                               files={"file": (name, data, "application/octet-stream")})
        assert response.status_code == status, (name, response.text)
        assert response.json()["error"]["field"] == "file"


def test_too_large_is_refused(app_factory, tokens: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app_factory(upload_max_bytes=1000), base_url="https://testserver") as client:
        response = client.post(
            "/api/v1/imports/products", headers=auth(tokens["admin"]),
            files={"file": ("big.csv", b"sku,enterprise,title\n" + b"a,b,c\n" * 2000, "text/csv")},
        )
    assert response.status_code == 413
    assert "larger than" in response.json()["error"]["message"]


def test_anonymous_uploads_are_refused(client: TestClient) -> None:
    response = client.post("/api/v1/imports/products",
                           files={"file": ("c.csv", b"sku,enterprise,title\n", "text/csv")})
    assert response.status_code == 401
