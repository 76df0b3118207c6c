"""Search over enterprises and listings: Chinese and English titles, filters, live results."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tradebase.registry.models import Base, Product

HTMX = {"HX-Request": "true", "HX-Target": "search-results"}


def test_search_finds_products_by_their_english_title(
    speak: Callable[[str], TestClient], anxi_product: Product
) -> None:
    html = speak("en").get("/search", params={"q": "peacock"}).text
    assert "Natural rattan peacock armchair" in html
    assert 'id="search-form"' in html  # the whole page


def test_search_finds_products_by_their_chinese_title(
    speak: Callable[[str], TestClient], anxi_product: Product
) -> None:
    zh_title = anxi_product.titles["zh"]
    for lang in ("zh", "en"):
        html = speak(lang).get("/search", params={"q": zh_title}).text
        assert f'#product-{anxi_product.id}"' in html
    # In English, the English title is shown and the Chinese one beside it.
    english = speak("en").get("/search", params={"q": zh_title}).text
    assert anxi_product.title in english
    assert zh_title in english


def test_search_finds_enterprises_by_either_name(speak: Callable[[str], TestClient]) -> None:
    assert "Anxi Rattan Rhythm Home" in speak("en").get("/search", params={"q": "Rhythm"}).text
    assert "安溪藤韵家居" in speak("zh").get("/search", params={"q": "藤韵"}).text


def test_an_htmx_request_gets_only_the_results(speak: Callable[[str], TestClient]) -> None:
    response = speak("en").get("/search", params={"q": "lantern"}, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="product-results"' in response.text
    assert "HX-Request" in response.headers["vary"]


def test_filters_narrow_the_results(speak: Callable[[str], TestClient], anxi: Base) -> None:
    client = speak("en")
    everything = client.get("/search", params={"q": "a", "limit": 100}, headers=HTMX).text
    furniture = client.get(
        "/search", params={"q": "a", "hs_code": "9401", "limit": 100}, headers=HTMX
    ).text
    assert furniture.count("product-result") < everything.count("product-result")
    assert "HS 9401" in furniture
    assert "HS 6402" not in furniture
    in_anxi = client.get(
        "/search", params={"q": "a", "base": str(anxi.id), "limit": 100}, headers=HTMX
    ).text
    assert "Anxi" in in_anxi
    assert "Zigong" not in in_anxi
    by_market = client.get("/search", params={"market": "us"}, headers=HTMX)
    assert by_market.status_code == 200
    assert "product-result" in by_market.text
    by_cert = client.get("/search", params={"certification": "FSC"}, headers=HTMX)
    assert "FSC" in by_cert.text


def test_a_malformed_hs_prefix_is_explained_not_an_error(
    speak: Callable[[str], TestClient],
) -> None:
    response = speak("en").get("/search", params={"q": "chair", "hs_code": "94x"})
    assert response.status_code == 200
    assert "Enter up to six digits of an HS code" in response.text


def test_an_empty_search_invites_a_query(speak: Callable[[str], TestClient]) -> None:
    assert "Type a name or a product to search" in speak("en").get("/search").text


def test_the_enterprise_list_filters_and_pages(
    speak: Callable[[str], TestClient], anxi: Base
) -> None:
    client = speak("en")
    page = client.get("/enterprises", params={"limit": 5}).text
    assert "1–5 of" in page
    assert "offset=5" in page
    partial = client.get(
        f"/bases/{anxi.id}", params={"market": "JP"},
        headers={"HX-Request": "true", "HX-Target": "enterprise-list"},
    )
    assert "<html" not in partial.text
    assert "JP" in partial.text
