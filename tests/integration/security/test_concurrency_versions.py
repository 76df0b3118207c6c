"""Optimistic concurrency as a client sees it: every editable object carries ``version`` and an
``ETag``; a write based on another version is refused with the stored values (412 on the API
with ``If-Match``, 409 re-rendered on a page form), never silently merged; ``If-Match`` stays
optional (the README's PATCH example works); a stale ORM write is a 409, never a 500."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tests.conftest import anxi_and_member_enterprise, auth
from tradebase.errors import StaleObject
from tradebase.registry import schemas, service
from tradebase.registry.models import Base, Designation, IndicatorFact, Product
from tradebase.web.errors import install_error_handlers


def _product(client: TestClient) -> dict[str, object]:
    item = client.get("/api/v1/products", params={"limit": 1}).json()["items"][0]
    assert isinstance(item, dict)
    return item


def test_editable_objects_carry_their_version_and_an_etag(
    client: TestClient, session: Session
) -> None:
    base = session.scalars(select(Base).order_by(Base.id)).first()
    designation = session.scalars(select(Designation).order_by(Designation.id)).first()
    fact = session.scalars(select(IndicatorFact).order_by(IndicatorFact.id)).first()
    _, enterprise = anxi_and_member_enterprise(session)
    product = _product(client)
    assert base is not None
    assert designation is not None
    assert fact is not None
    for path in (f"/api/v1/bases/{base.id}", f"/api/v1/designations/{designation.id}",
                 f"/api/v1/enterprises/{enterprise.id}", f"/api/v1/products/{product['id']}",
                 f"/api/v1/indicators/{fact.id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        version = response.json()["version"]
        assert isinstance(version, int)
        assert version >= 1
        assert response.headers["ETag"] == f'"{version}"', path
    assert "version" in product  # lists carry it too


def test_a_patch_without_if_match_applies_and_moves_the_version(
    client: TestClient, tokens: dict[str, str]
) -> None:
    """The README's example: no If-Match, the change applies to the stored object."""
    product = _product(client)
    response = client.patch(f"/api/v1/products/{product['id']}", json={"moq": 50},
                            headers=auth(tokens["admin"]))
    assert response.status_code == 200, response.text
    assert response.json()["version"] == product["version"] + 1  # type: ignore[operator]
    assert response.headers["ETag"] == f'"{response.json()["version"]}"'


def test_a_stale_if_match_is_412_with_the_stored_values(
    client: TestClient, tokens: dict[str, str]
) -> None:
    product = _product(client)
    path = f"/api/v1/products/{product['id']}"
    etag = client.get(path).headers["ETag"]
    first = client.patch(path, json={"title": "Changed first"},
                         headers=auth(tokens["admin"]) | {"If-Match": etag})
    assert first.status_code == 200, first.text
    # A second writer still holding the old ETag is refused, and told what is stored now.
    second = client.patch(path, json={"title": "Changed second", "moq": 9},
                          headers=auth(tokens["admin"]) | {"If-Match": etag})
    assert second.status_code == 412, second.text
    error = second.json()["error"]
    assert error["field"] == "version"
    assert error["current"] == first.json()
    assert error["version"] == first.json()["version"]
    assert second.headers["ETag"] == first.headers["ETag"]
    stored = client.get(path).json()
    assert stored == first.json()  # nothing of the stale write was merged
    # With the current ETag the same change applies.
    third = client.patch(path, json={"title": "Changed second"},
                         headers=auth(tokens["admin"]) | {"If-Match": first.headers["ETag"]})
    assert third.status_code == 200
    # A weak or unparsable tag is a precondition that cannot hold, not a 500.
    bogus = client.patch(path, json={"moq": 1},
                         headers=auth(tokens["admin"]) | {"If-Match": '"not-a-version"'})
    assert bogus.status_code == 412
    assert bogus.json()["error"]["field"] == "version"


def test_a_stale_if_match_protects_deletes_and_every_editable_kind(
    client: TestClient, tokens: dict[str, str], session: Session
) -> None:
    product = _product(client)
    stale = {"If-Match": '"999999"'}
    refused = client.delete(f"/api/v1/products/{product['id']}",
                            headers=auth(tokens["admin"]) | stale)
    assert refused.status_code == 412
    assert client.get(f"/api/v1/products/{product['id']}").status_code == 200
    base = session.scalars(select(Base).order_by(Base.id)).first()
    fact = session.scalars(select(IndicatorFact).order_by(IndicatorFact.id)).first()
    _, enterprise = anxi_and_member_enterprise(session)
    assert base is not None
    assert fact is not None
    for path, body in ((f"/api/v1/bases/{base.id}", {"description_en": "x"}),
                       (f"/api/v1/enterprises/{enterprise.id}", {"website": "https://x.test"}),
                       (f"/api/v1/indicators/{fact.id}", {"note": "x"})):
        response = client.patch(path, json=body, headers=auth(tokens["admin"]) | stale)
        assert response.status_code == 412, (path, response.text)
        assert response.json()["error"]["current"]["id"] is not None


def test_a_refused_caller_never_sees_current_values_through_if_match(
    client: TestClient, tokens: dict[str, str]
) -> None:
    """The permission is checked before the version, so a stale If-Match is no oracle."""
    product = _product(client)
    response = client.patch(f"/api/v1/products/{product['id']}", json={"moq": 1},
                            headers=auth(tokens["buyer"]) | {"If-Match": '"999999"'})
    assert response.status_code == 403
    assert "current" not in response.json()["error"]


def _hidden_version(html: str) -> int:
    return int(html.split('name="version" value="', 1)[1].split('"', 1)[0])


def test_a_stale_product_form_is_shown_again_with_the_stored_values(
    client: TestClient, tokens: dict[str, str], session: Session
) -> None:
    client.cookies.set("lang", "en")
    product = _product(client)
    form = client.get(f"/products/{product['id']}/edit", headers=auth(tokens["admin"]))
    assert form.status_code == 200
    version = _hidden_version(form.text)
    assert version == product["version"]
    # Someone else saves the product while this form is open.
    other = client.patch(f"/api/v1/products/{product['id']}",
                         json={"title": "Saved by someone else"},
                         headers=auth(tokens["admin"]))
    assert other.status_code == 200
    posted = {"sku": str(product["sku"]), "title": "My edit", "unit": "pcs",
              "version": str(version)}
    response = client.post(f"/products/{product['id']}/edit", data=posted,
                           headers=auth(tokens["admin"]))
    assert response.status_code == 409
    assert "Someone else saved this record" in response.text
    assert 'value="Saved by someone else"' in response.text  # the stored values
    assert 'value="My edit"' not in response.text
    assert _hidden_version(response.text) == other.json()["version"]
    stored = client.get(f"/api/v1/products/{product['id']}").json()
    assert stored["title"] == "Saved by someone else"
    # Sent again from the refreshed form, the edit applies.
    again = client.post(f"/products/{product['id']}/edit",
                        data=posted | {"version": str(_hidden_version(response.text))},
                        headers=auth(tokens["admin"]), follow_redirects=False)
    assert again.status_code == 303
    assert client.get(f"/api/v1/products/{product['id']}").json()["title"] == "My edit"


def test_a_stale_enterprise_form_is_shown_again_with_the_stored_values(
    client: TestClient, tokens: dict[str, str], session: Session
) -> None:
    client.cookies.set("lang", "en")
    _, enterprise = anxi_and_member_enterprise(session)
    form = client.get(f"/enterprises/{enterprise.id}/edit", headers=auth(tokens["admin"]))
    assert form.status_code == 200
    version = _hidden_version(form.text)
    other = client.patch(f"/api/v1/enterprises/{enterprise.id}",
                         json={"website": "https://someone-else.example"},
                         headers=auth(tokens["admin"]))
    assert other.status_code == 200
    posted = {"name_en": "My name", "name_zh": enterprise.name_zh, "version": str(version)}
    response = client.post(f"/enterprises/{enterprise.id}/edit", data=posted,
                           headers=auth(tokens["admin"]))
    assert response.status_code == 409
    assert "Someone else saved this record" in response.text
    assert 'value="https://someone-else.example"' in response.text
    assert client.get(f"/api/v1/enterprises/{enterprise.id}").json()["name_en"] != "My name"


def test_an_orm_write_of_a_row_changed_meanwhile_is_refused(session: Session) -> None:
    """version_id_col: every ORM update (a form, the API, an import) checks the version."""
    product = session.scalars(select(Product).order_by(Product.id)).first()
    assert product is not None
    session.execute(  # another writer commits a change behind this session's back
        update(Product).where(Product.id == product.id)
        .values(version=Product.version + 1)
        .execution_options(synchronize_session=False)
    )
    product.title = "stale write"
    with pytest.raises(StaleDataError):
        session.flush()
    session.rollback()


def test_the_service_turns_a_stale_write_into_a_conflict(session: Session) -> None:
    product = session.scalars(select(Product).order_by(Product.id)).first()
    assert product is not None
    with pytest.raises(StaleObject) as raised:
        service.update_product(session=session, product_id=product.id,
                               data=schemas.ProductUpdate(moq=3),
                               expected_version=product.version + 5)
    assert raised.value.status_code == 409
    assert raised.value.current is not None


def test_a_stale_data_error_leaves_the_api_as_409_not_500() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/api/v1/probe")
    def probe() -> None:
        raise StaleDataError("UPDATE statement on table 'products' expected to update 1 row")

    with TestClient(app) as client:
        response = client.get("/api/v1/probe")
    assert response.status_code == 409
    assert response.json()["error"]["field"] == "version"
