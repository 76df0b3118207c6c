"""The HTML pages on the demo data: every page in both languages, figures written per
language, the language switch, the HTML error pages, and markup ready for a strict CSP."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tradebase.registry.models import Base, Enterprise, Product

LANGS = ["zh", "en"]


def _pages(anxi: Base, enterprise: Enterprise, product: Product) -> list[str]:
    return [
        "/",
        f"/bases/{anxi.id}",
        "/enterprises",
        f"/enterprises/{enterprise.id}",
        f"/enterprises/{enterprise.id}/edit",
        "/enterprises/new",
        f"/products/new?enterprise_id={enterprise.id}",
        f"/products/{product.id}/edit",
        "/search",
        "/search?q=rattan",
        "/search?q=藤编",
        "/login",
        "/password-reset",
        "/password-reset/some-token",
        "/audit",
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_renders_in_both_languages(
    speak: Callable[[str], TestClient], lang: str, anxi: Base, anxi_enterprise: Enterprise,
    anxi_product: Product, tokens: dict[str, str],
) -> None:
    client = speak(lang)
    expected_html_lang = {"zh": "zh-Hans", "en": "en"}[lang]
    admin = {"Authorization": f"Bearer {tokens['admin']}"}  # edit pages and the audit log
    for path in _pages(anxi, anxi_enterprise, anxi_product):
        response = client.get(path, headers=admin)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        assert f'<html lang="{expected_html_lang}">' in response.text, path


def test_every_base_page_renders(speak: Callable[[str], TestClient]) -> None:
    client = speak("en")
    home = client.get("/").text
    ids = sorted(set(re.findall(r'href="/bases/(\d+)"', home)))
    assert len(ids) == 5
    for base_id in ids:
        for lang in LANGS:
            page = speak(lang).get(f"/bases/{base_id}")
            assert page.status_code == 200
            # A chart panel is shown only with something to draw (Liaoning and Zigong have
            # no dated figure and no sample series: no empty panels).
            for panel, chart in (("published-figures", "published-chart-data"),
                                 ("sample-series", "sample-chart-data")):
                assert (f'id="{panel}"' in page.text) == (f'id="{chart}"' in page.text)


def test_the_interface_follows_the_language(speak: Callable[[str], TestClient]) -> None:
    zh = speak("zh").get("/").text
    assert "产业集群与外贸基地" in zh
    assert "安溪藤铁家居工艺基地" in zh
    en = speak("en").get("/").text
    assert "Industrial clusters and export bases" in en
    assert "Anxi rattan &amp; iron home furnishing craft" in en


def test_figures_are_written_the_way_each_language_writes_them(
    speak: Callable[[str], TestClient], anxi: Base
) -> None:
    zh = speak("zh").get(f"/bases/{anxi.id}").text
    assert "200 亿元" in zh
    assert "15 万人" in zh
    assert "超过 2,200" in zh
    en = speak("en").get(f"/bases/{anxi.id}").text
    assert "20 billion yuan" in en
    assert "1.7 billion yuan" in en
    assert "more than 2,200 enterprises" in en
    assert "150,000 persons" in en


def test_base_page_shows_designations_sources_and_undated_figures(
    speak: Callable[[str], TestClient], anxi: Base
) -> None:
    page = speak("en").get(f"/bases/{anxi.id}").text
    assert "National foreign trade transformation and upgrading base" in page
    assert "Ministry of Commerce" in page
    assert "<details>" in page
    assert "<blockquote" in page
    assert "undated as published" in page
    assert 'id="published-chart-data"' in page
    assert 'id="sample-chart-data"' in page
    assert "Sample data" in page
    assert speak("zh").get(f"/bases/{anxi.id}").text.count("发布时未注明年份") >= 1


def test_charts_hold_only_published_periods(
    speak: Callable[[str], TestClient], anxi: Base
) -> None:
    import json

    page = speak("en").get(f"/bases/{anxi.id}").text
    raw = re.search(
        r'<script type="application/json" id="published-chart-data">(.*?)</script>', page, re.S
    )
    assert raw is not None
    chart = json.loads(raw.group(1))
    # Anxi's dated figures are all for 2020: the chart has that one period and no other.
    assert {label for group in chart["groups"] for label in group["labels"]} == {"2020"}
    money = next(group for group in chart["groups"] if group["key"] == "CNY")
    values = {d["label"]: d["data"] for d in money["datasets"]}
    assert money["axis"] == "Chinese Yuan (CNY)"
    assert values["Output value"] == [2.0e10]
    assert values["Import and export"] == [1.7e9]


def test_enterprise_page_shows_markets_by_country_name_and_the_catalog(
    speak: Callable[[str], TestClient], anxi_enterprise: Enterprise, anxi_product: Product
) -> None:
    en = speak("en").get(f"/enterprises/{anxi_enterprise.id}").text
    assert "United States" in en
    assert anxi_product.sku in en
    assert anxi_product.title.split(",")[0] in en
    assert "Sample" in en
    zh = speak("zh").get(f"/enterprises/{anxi_enterprise.id}").text
    assert "美国" in zh
    assert anxi_product.titles["zh"] in zh
    assert anxi_enterprise.name_zh in zh


def test_switching_language_sets_the_cookie_and_returns_to_the_page(
    client: TestClient, anxi: Base
) -> None:
    response = client.get(
        "/lang/en", params={"next": f"/bases/{anxi.id}?q=x"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/bases/{anxi.id}?q=x"
    assert "lang=en" in response.headers["set-cookie"]
    # Remembered: the next page is English without asking again.
    assert "Designations" in client.get(f"/bases/{anxi.id}").text
    client.get("/lang/zh", params={"next": "/"})
    assert "认定称号" in client.get(f"/bases/{anxi.id}").text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_switching_language_never_redirects_off_site(client: TestClient, target: str) -> None:
    response = client.get("/lang/zh", params={"next": target}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_unknown_language_is_an_html_404(client: TestClient) -> None:
    response = client.get("/lang/xx")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]


def test_language_defaults_to_accept_language_then_the_setting(client: TestClient) -> None:
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"})
    assert '<html lang="en">' in english.text
    chinese = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert '<html lang="zh-Hans">' in chinese.text
    neither = client.get("/", headers={"Accept-Language": "fr-FR"})
    assert '<html lang="zh-Hans">' in neither.text  # settings.default_language


@pytest.mark.parametrize("lang", LANGS)
def test_missing_records_and_bad_parameters_get_html_error_pages(
    speak: Callable[[str], TestClient], lang: str
) -> None:
    client = speak(lang)
    for path, status in [
        ("/bases/999999", 404), ("/enterprises/999999", 404), ("/products/999999/edit", 404),
        ("/no-such-page", 404), ("/bases/not-a-number", 404), ("/products/new", 422),
    ]:
        response = client.get(path)
        assert response.status_code == status, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert "<!doctype html>" in response.text
    assert ("页面不存在" if lang == "zh" else "Page not found") in client.get("/bases/999999").text


def test_api_errors_stay_json(client: TestClient) -> None:
    response = client.get("/api/v1/bases/999999")
    assert response.status_code == 404
    assert response.json()["error"]["message"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def test_pages_are_ready_for_a_strict_csp(
    speak: Callable[[str], TestClient], anxi: Base, anxi_enterprise: Enterprise,
    anxi_product: Product,
) -> None:
    client = speak("en")
    for path in _pages(anxi, anxi_enterprise, anxi_product):
        html = client.get(path).text
        assert not INLINE_SCRIPT.search(html), path
        assert not EVENT_HANDLER.search(html), path
        assert not STYLE_ATTRIBUTE.search(html), path
        assert "<style" not in html, path
        assert "http://" not in html.replace("http://www.w3.org", ""), path  # no CDN


def test_assets_are_served_locally(client: TestClient) -> None:
    for path in ["/static/css/tradebase.css", "/static/js/charts.js", "/static/favicon.svg"]:
        assert client.get(path).status_code == 200, path
