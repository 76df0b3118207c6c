"""Certifications a buyer can trust: details kept, an expired one no longer satisfies a
requirement (also when it lapses with no edit, once ``apply_lapses`` ran), reminders listed once
per certificate and expiry date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise, auth
from tradebase.docking.index_store import ListingIndex
from tradebase.docking.records import MatchRequest
from tradebase.registry import certificates, schemas, service
from tradebase.registry.models import Enterprise, ProductCertification

TODAY = datetime.now(UTC).date()
TEXT = "Matrix stool of wicker, zebra pattern"


def _enterprise(session: Session) -> Enterprise:
    return anxi_and_member_enterprise(session)[1]


def _product(session: Session, sku: str, valid_until: date | None) -> int:
    product = service.create_product(session=session, data=schemas.ProductCreate(
        sku=sku, enterprise_id=_enterprise(session).id, title=TEXT, moq=5,
        certificates=[schemas.CertificateIn(code="FSC-CERT", issuer="FSC International",
                                            number="FSC-C123456", valid_until=valid_until)],
    ))
    session.flush()
    return product.id


def _satisfies(session: Session, sku: str) -> bool:
    index = ListingIndex().current(session.connection())
    request = MatchRequest(text=TEXT, required_certifications=frozenset({"FSC-CERT"}))
    return sku in {result.sku for result in index.match(request, top_k=50)}


def test_a_valid_certificate_satisfies_and_an_expired_one_does_not(session: Session) -> None:
    _product(session, "CERT-OK", TODAY + timedelta(days=30))
    _product(session, "CERT-OLD", TODAY - timedelta(days=1))
    assert _satisfies(session, "CERT-OK")
    assert not _satisfies(session, "CERT-OLD")


def test_a_lapse_without_any_edit_reaches_the_index_once(session: Session) -> None:
    product_id = _product(session, "CERT-LAPSE", TODAY + timedelta(days=3))
    assert _satisfies(session, "CERT-LAPSE")
    # Time passes: the row is unchanged, its date is now behind us.
    session.execute(update(ProductCertification)
                    .where(ProductCertification.product_id == product_id)
                    .values(valid_until=TODAY - timedelta(days=1)))
    assert _satisfies(session, "CERT-LAPSE")  # nothing told the index yet
    assert certificates.apply_lapses(session, today=TODAY) >= 1
    assert not _satisfies(session, "CERT-LAPSE")
    assert certificates.apply_lapses(session, today=TODAY) == 0  # applied once


def test_setting_codes_keeps_the_details_of_codes_still_held(session: Session) -> None:
    product_id = _product(session, "CERT-KEEP", TODAY + timedelta(days=300))
    service.update_product(session=session, product_id=product_id,
                           data=schemas.ProductUpdate(certifications=["FSC-CERT", "BSCI"]))
    session.flush()
    out = schemas.ProductOut.model_validate(service.get_product(session=session,
                                                                product_id=product_id))
    by_code = {c.code: c for c in out.certificates}
    assert by_code["FSC-CERT"].number == "FSC-C123456"
    assert by_code["FSC-CERT"].issuer == "FSC International"
    assert by_code["BSCI"].number == ""
    assert out.certifications == ["BSCI", "FSC-CERT"]


def test_expiring_certificates_are_listed_with_a_key_per_expiry(session: Session) -> None:
    _product(session, "CERT-SOON", TODAY + timedelta(days=10))
    _product(session, "CERT-LATER", TODAY + timedelta(days=200))
    soon = certificates.expiring(session, today=TODAY, within_days=30)
    skus = {c.product_sku for c in soon}
    assert "CERT-SOON" in skus
    assert "CERT-LATER" not in skus
    found = next(c for c in soon if c.product_sku == "CERT-SOON")
    assert found.reminder_key.endswith(f"FSC-CERT:{(TODAY + timedelta(days=10)).isoformat()}")


def test_the_api_takes_and_shows_certificate_details(
    client: TestClient, tokens: dict[str, str], session: Session
) -> None:
    enterprise = _enterprise(session)
    body = {"sku": "CERT-API", "enterprise_id": enterprise.id, "title": TEXT,
            "certificates": [{"code": "ISO9001", "issuer": "TÜV SÜD", "number": "12 100 4711",
                              "valid_from": "2025-01-01",
                              "valid_until": (TODAY - timedelta(days=1)).isoformat()}]}
    created = client.post("/api/v1/products", json=body, headers=auth(tokens["admin"]))
    assert created.status_code == 201, created.text
    (certificate,) = created.json()["certificates"]
    assert certificate["issuer"] == "TÜV SÜD"
    assert certificate["valid_today"] is False
    assert created.json()["certifications"] == ["ISO9001"]


@pytest.mark.parametrize("dates", [("2026-05-01", "2026-01-01")])
def test_validity_dates_in_the_wrong_order_are_refused(
    client: TestClient, tokens: dict[str, str], session: Session, dates: tuple[str, str]
) -> None:
    body = {"sku": "CERT-BAD", "enterprise_id": _enterprise(session).id, "title": TEXT,
            "certificates": [{"code": "CE", "valid_from": dates[0], "valid_until": dates[1]}]}
    response = client.post("/api/v1/products", json=body, headers=auth(tokens["admin"]))
    assert response.status_code == 422
    assert "valid_until" in response.text
