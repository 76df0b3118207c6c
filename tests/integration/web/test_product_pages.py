"""Product pages and photos (issue 9): a listing people can look at, its photos uploaded by
its editors only, served re-encoded with nosniff, and "send an enquiry" from the product, its
enterprise and a capacity offer."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise, auth
from tradebase.docking.models import BuyerRequest, CapacityOffer, Enquiry
from tradebase.registry.models import Product, ProductCertification, ProductTitle
from tradebase.storage import MemoryStorage
from tradebase.web.limits import FORM_ALLOWANCE


def png(size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def storage(client: TestClient) -> MemoryStorage:
    memory = MemoryStorage()
    client.app.state.storage = memory  # type: ignore[attr-defined]
    return memory


@pytest.fixture
def product(session: Session) -> Product:
    _, enterprise = anxi_and_member_enterprise(session)
    item = Product(sku="PHOTO-T1", enterprise_id=enterprise.id, title="Rattan garden chair",
                   description="Hand-woven rattan on a steel frame.", hs_code="940153",
                   hs_code_written="9401.53.00.10", hs_edition=2022, unit="pcs", moq=200,
                   monthly_capacity=5000, lead_time_days=45, price_min=18.5, price_max=24.0,
                   price_currency="USD")
    item.title_rows = [ProductTitle(lang="zh", text="藤编花园椅"),
                       ProductTitle(lang="de", text="Rattan-Gartenstuhl")]
    item.certification_rows = [ProductCertification(code="FSC", issuer="FSC AC",
                                                    number="FSC-C123")]
    session.add(item)
    session.flush()
    return item


def _upload(client: TestClient, product_id: int, token: str, data: bytes,
            name: str = "chair.png") -> Any:
    return client.post(f"/api/v1/products/{product_id}/photos", headers=auth(token),
                       files={"file": (name, data, "image/png")})


def test_the_page_shows_every_title_the_terms_and_the_enterprise(
    client: TestClient, product: Product,
) -> None:
    client.cookies.set("lang", "zh")
    html = client.get(f"/products/{product.id}").text
    heading = re.search(r'<h1 id="product-title">(.*?)</h1>', html, re.S)
    assert heading is not None
    assert "藤编花园椅" in heading.group(1)
    assert "Rattan garden chair" in html
    assert "Rattan-Gartenstuhl" in html
    assert "9401.53.00.10" in html  # the HS code as written
    assert "FSC-C123" in html
    assert "Hand-woven rattan" in html
    assert f'href="/enterprises/{product.enterprise_id}"' in html
    client.cookies.set("lang", "en")
    html = client.get(f"/products/{product.id}").text
    assert re.search(r"18\.5.*24", html)
    assert "Log in to send an enquiry" in html  # anonymous: no enquiry without an account


def test_editors_upload_a_photo_served_reencoded_with_nosniff(
    client: TestClient, tokens: dict[str, str], product: Product, storage: MemoryStorage,
) -> None:
    added = _upload(client, product.id, tokens["enterprise"], png())
    assert added.status_code == 201, added.text
    photo = added.json()
    assert (photo["width"], photo["height"], photo["content_type"]) == (640, 480, "image/jpeg")
    listed = client.get(f"/api/v1/products/{product.id}").json()["photos"]
    assert [p["id"] for p in listed] == [photo["id"]]
    thumb = client.get(photo["thumb_url"])  # public, like the catalog
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/jpeg"
    assert thumb.headers["x-content-type-options"] == "nosniff"
    assert thumb.headers["content-disposition"] == "inline"
    assert "max-age" in thumb.headers["cache-control"]
    assert Image.open(io.BytesIO(thumb.content)).size == (320, 240)
    full = client.get(photo["url"])
    assert Image.open(io.BytesIO(full.content)).format == "JPEG"
    assert len(storage.files) == 2
    assert f'/products/{product.id}/photos/{photo["id"]}/thumb' in client.get(
        f"/products/{product.id}").text


def test_refused_uploads_say_why_and_store_nothing(
    client: TestClient, tokens: dict[str, str], product: Product, storage: MemoryStorage,
) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = _upload(client, product.id, tokens["enterprise"], svg, name="chair.png")
    assert refused.status_code == 415
    assert refused.json()["error"]["code"] == "photo.svg"
    client.app.state.settings.photo_max_bytes = 100  # type: ignore[attr-defined]
    big = _upload(client, product.id, tokens["enterprise"], png())
    assert big.status_code == 413
    assert storage.files == {}
    assert client.get(f"/api/v1/products/{product.id}").json()["photos"] == []


@pytest.mark.parametrize("role", ["buyer", "officer"])
def test_only_the_listings_editors_add_or_delete_photos(
    client: TestClient, tokens: dict[str, str], product: Product, storage: MemoryStorage,
    role: str,
) -> None:
    assert _upload(client, product.id, tokens[role], png()).status_code == 403
    assert _upload(client, product.id, "", png()).status_code == 401
    photo = _upload(client, product.id, tokens["base_admin"], png()).json()
    url = f"/api/v1/products/{product.id}/photos/{photo['id']}"
    assert client.delete(url, headers=auth(tokens[role])).status_code == 403
    assert client.delete(url, headers=auth(tokens["enterprise"])).status_code == 204
    assert client.get(photo["thumb_url"]).status_code == 404
    assert storage.files == {}  # removed once the deletion was committed
    assert client.delete(url, headers=auth(tokens["enterprise"])).status_code == 404


def test_the_edit_page_uploads_and_removes_photos(
    client: TestClient, tokens: dict[str, str], product: Product, storage: MemoryStorage,
) -> None:
    headers = auth(tokens["enterprise"])
    page = client.get(f"/products/{product.id}/edit", headers=headers).text
    assert 'enctype="multipart/form-data"' in page
    assert 'id="photo-form"' in page
    sent = client.post(f"/products/{product.id}/photos", headers=headers,
                       files={"file": ("c.png", png(), "image/png")}, follow_redirects=False)
    assert sent.status_code == 303
    stored = client.get(f"/api/v1/products/{product.id}").json()["photos"]
    assert len(stored) == 1
    removed = client.post(f"/products/{product.id}/photos/{stored[0]['id']}/delete",
                          headers=headers, follow_redirects=False)
    assert removed.status_code == 303
    assert client.get(f"/api/v1/products/{product.id}").json()["photos"] == []


def test_an_enquiry_from_the_product_page_names_the_product(
    client: TestClient, tokens: dict[str, str], product: Product, session: Session,
) -> None:
    headers = auth(tokens["buyer"])
    page = client.get(f"/products/{product.id}", headers=headers).text
    assert f'href="/enquiries/new?product_id={product.id}"' in page
    form = client.get(f"/enquiries/new?product_id={product.id}", headers=headers).text
    assert 'value="PHOTO-T1" selected' in form
    assert 'value="200"' in form
    sent = client.post(f"/enquiries/new?product_id={product.id}", headers=headers,
                       data={"sku": "PHOTO-T1", "text": "Rattan garden chairs",
                             "quantity": "400", "unit": "pcs", "samples": "none"},
                       follow_redirects=False)
    assert sent.status_code == 303, sent.text
    enquiry = session.scalars(select(Enquiry).where(Enquiry.sku == "PHOTO-T1")).one()
    assert enquiry.status == "sent"
    assert enquiry.enterprise_id == product.enterprise_id
    assert sent.headers["location"] == f"/docking/requests/{enquiry.request_id}#enquiries"


def test_a_wrong_enquiry_form_keeps_what_was_typed_and_saves_nothing(
    client: TestClient, tokens: dict[str, str], product: Product, session: Session,
) -> None:
    before = session.scalar(select(BuyerRequest.id).order_by(BuyerRequest.id.desc()).limit(1))
    sent = client.post(f"/enquiries/new?enterprise_id={product.enterprise_id}",
                       headers=auth(tokens["buyer"]),
                       data={"sku": "NOT-THEIRS", "text": "Stühle", "quantity": "many"})
    assert sent.status_code == 422
    assert 'id="error-quantity"' in sent.text
    assert "Stühle" in sent.text
    wrong_sku = client.post(f"/enquiries/new?enterprise_id={product.enterprise_id}",
                            headers=auth(tokens["buyer"]),
                            data={"sku": "NOT-THEIRS", "text": "Stühle", "quantity": "5"})
    assert wrong_sku.status_code == 422
    assert 'id="error-sku"' in wrong_sku.text
    after = session.scalar(select(BuyerRequest.id).order_by(BuyerRequest.id.desc()).limit(1))
    assert after == before


def test_the_enterprise_and_a_capacity_offer_lead_to_the_same_form(
    client: TestClient, tokens: dict[str, str], product: Product, session: Session,
) -> None:
    headers = auth(tokens["buyer"])
    enterprise_page = client.get(f"/enterprises/{product.enterprise_id}", headers=headers).text
    assert f'href="/enquiries/new?enterprise_id={product.enterprise_id}"' in enterprise_page
    assert f'<a href="/products/{product.id}">' in enterprise_page  # catalog rows link
    offer = CapacityOffer(enterprise_id=product.enterprise_id, hs_code="940153",
                          product="Garden chairs", month="2027-04", free_capacity=3000)
    session.add(offer)
    session.flush()
    capacity = client.get("/capacity", headers=headers).text
    assert f'href="/enquiries/new?offer_id={offer.id}"' in capacity
    form = client.get(f"/enquiries/new?offer_id={offer.id}", headers=headers)
    assert form.status_code == 200
    assert "Garden chairs" in form.text
    assert 'id="enquiry-offer"' in form.text
    assert f'action="/enquiries/new?offer_id={offer.id}"' in form.text
    assert client.get(f"/enquiries/new?offer_id={offer.id}",
                      headers=auth(tokens["officer"])).status_code == 403


def test_the_api_keeps_a_price_range_in_order_and_with_its_currency(
    client: TestClient, tokens: dict[str, str], product: Product,
) -> None:
    url, headers = f"/api/v1/products/{product.id}", auth(tokens["enterprise"])
    shown = client.get(url).json()
    assert (shown["price_min"], shown["price_max"], shown["price_currency"]) == (
        18.5, 24.0, "USD")
    wrong = client.patch(url, headers=headers, json={"price_max": 10})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["field"] == "price_max"
    assert client.patch(url, headers=headers, json={"price_max": 30}).json()["price_max"] == 30
    created = client.post("/api/v1/products", headers=headers, json={
        "sku": "PHOTO-T2", "enterprise_id": product.enterprise_id, "title": "Stool",
        "price_min": 5})
    assert created.status_code == 422
    assert "price_currency" in created.text


def _error_beside_the_file(html: str) -> str:
    found = re.search(r'<p class="error" id="error-file">(.*?)</p>', html)
    assert found is not None, html[-3000:]
    return found.group(1)


@pytest.mark.parametrize(("lang", "said"), [("zh", "照片超过了 5 MB 的上限。"),
                                            ("en", "The photo is larger than the limit of 5 MB.")])
def test_a_refused_photo_is_said_beside_the_file_field_in_the_readers_language(
    client: TestClient, tokens: dict[str, str], product: Product, storage: MemoryStorage,
    lang: str, said: str,
) -> None:
    headers = auth(tokens["enterprise"]) | {"Accept-Language": lang}
    page = client.get(f"/products/{product.id}/edit", headers=headers).text
    assert f'action="/products/{product.id}/photos#photos"' in page  # lands on the form again
    client.app.state.settings.photo_max_bytes = 5 * 1_048_576  # type: ignore[attr-defined]
    big = client.post(f"/products/{product.id}/photos", headers=headers,
                      files={"file": ("big.png", png()[:8] + bytes(6 * 1_048_576), "image/png")})
    assert big.status_code == 413
    assert _error_beside_the_file(big.text) == said
    assert 'id="error-summary"' in big.text
    assert 'name="sku" type="text" value="PHOTO-T1"' in big.text  # the product as stored
    assert client.get(f"/api/v1/products/{product.id}").json()["photos"] == []


def test_a_photo_past_the_body_limit_sends_the_browser_back_to_its_form(
    app_factory: Any, tokens: dict[str, str], product: Product,
) -> None:
    """Past the request body limit the app never sees the upload: a page form posted from a
    page of this site goes back to that page, which says the refusal beside its field; an
    API call (or a post from elsewhere) gets the JSON envelope."""
    limit = 64 * 1024
    with TestClient(app_factory(upload_max_bytes=limit, photo_max_bytes=limit),
                    base_url="https://testserver") as client:
        client.app.state.storage = MemoryStorage()  # type: ignore[attr-defined]
        edit = f"https://testserver/products/{product.id}/edit"
        huge = {"file": ("huge.png", png()[:8] + bytes(limit + FORM_ALLOWANCE + 1),
                         "image/png")}
        headers = auth(tokens["enterprise"]) | {"Accept-Language": "zh", "Referer": edit}
        sent = client.post(f"/products/{product.id}/photos", headers=headers, files=huge,
                           follow_redirects=False)
        assert sent.status_code == 303
        assert sent.headers["location"] == f"/products/{product.id}/edit?upload_refused=1"
        back = client.get(sent.headers["location"], headers=headers)
        assert back.status_code == 200
        assert _error_beside_the_file(back.text) == "照片超过了 64 kB 的上限。"
        assert 'id="upload-refused"' not in back.text  # said once, beside the field

        elsewhere = [{"Referer": "https://evil.example/products/1/edit"}, {},
                     {"Referer": "https://testserver//evil.example/x"}]
        for extra in elsewhere:
            refused = client.post(f"/products/{product.id}/photos", files=huge,
                                  headers=auth(tokens["enterprise"]) | extra,
                                  follow_redirects=False)
            if refused.status_code == 303:  # a path of this site only, never //elsewhere
                assert refused.headers["location"] == "/evil.example/x?upload_refused=1"
            else:
                assert refused.status_code == 413
                assert refused.json()["error"]["field"] == "file"
        api = client.post(f"/api/v1/products/{product.id}/photos", files=huge,
                          headers=auth(tokens["enterprise"]) | {"Referer": edit})
        assert api.status_code == 413
        assert api.json()["error"]["field"] == "file"

        # A page without a message of its own for the refusal says it at the top.
        other = client.get("/my?upload_refused=1", headers=auth(tokens["enterprise"]))
        assert 'id="upload-refused"' in other.text
