"""The web app in a real headless Chromium: the home page, the language switch, a base's
charts and world map of exports, live search and a form's validation message.

Screenshots of the home and base pages go to test-artifacts/ in both languages; the English
ones are also copied to docs/screenshots/ for the README.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from tests.browser.conftest import add_admin_and_officer
from tests.browser.conftest import log_in as _log_in

pytestmark = pytest.mark.browser

ANXI_EN = "Anxi rattan & iron home furnishing craft"
ANXI_ZH = "安溪藤铁家居工艺基地"

CHART_STATE = """(id) => {
  const canvas = document.getElementById(id);
  const chart = window.Chart && canvas ? window.Chart.getChart(canvas) : undefined;
  if (!chart) { return null; }
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { painted += 1; } }
  return {
    type: chart.config.type,
    title: chart.options.plugins.title.text,
    labels: chart.data.labels,
    datasets: chart.data.datasets.map((d) => ({label: d.label, data: d.data})),
    painted: painted,
  };
}"""


def _shoot(page: Page, artifacts: Path, name: str, docs: Path | None = None) -> None:
    target = artifacts / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    if docs is not None:
        shutil.copyfile(target, docs / f"{name.removesuffix('-en')}.png")


def test_home_page_shows_the_bases(
    page: Page, live_server: str, artifacts: Path, docs_screenshots: Path
) -> None:
    page.goto(live_server + "/")
    expect(page).to_have_title(re.compile("Tradebase"))
    expect(page.locator("h1")).to_have_text("Industrial clusters and export bases")
    expect(page.locator("article.card")).to_have_count(5)
    anxi = page.locator("article.card", has_text=ANXI_EN)
    expect(anxi).to_contain_text("20 billion yuan")
    expect(anxi).to_contain_text("National foreign trade transformation and upgrading base")
    _shoot(page, artifacts, "home-en", docs_screenshots)


def test_switching_language_changes_the_interface_and_is_remembered(
    page: Page, live_server: str, artifacts: Path
) -> None:
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator(".lang-switch a[data-lang='zh']").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page).to_have_url(live_server + "/")
    expect(page.locator(".topnav")).to_contain_text("基地")
    expect(page.locator("h1")).to_have_text("产业集群与外贸基地")
    _shoot(page, artifacts, "home-zh")

    # The next page is Chinese too, with figures written the Chinese way.
    page.get_by_role("link", name=ANXI_ZH).first.click()
    expect(page.locator("h1")).to_have_text(ANXI_ZH)
    expect(page.locator("#indicators")).to_contain_text("200 亿元")
    expect(page.locator("#designations h2")).to_have_text("认定称号")
    page.wait_for_function(f"() => ({CHART_STATE})('published-chart') !== null")
    _shoot(page, artifacts, "base-zh")

    # And back to English, staying on the same page.
    url = page.url
    page.locator(".lang-switch a[data-lang='en']").click()
    expect(page).to_have_url(url)
    expect(page.locator("h1")).to_have_text(ANXI_EN)
    expect(page.locator("#indicators")).to_contain_text("20 billion yuan")


def test_base_page_draws_its_published_and_sample_charts(
    page: Page, live_server: str, artifacts: Path, docs_screenshots: Path
) -> None:
    page.goto(live_server + "/")
    page.get_by_role("link", name=ANXI_EN).first.click()
    expect(page.locator("h1")).to_have_text(ANXI_EN)
    page.wait_for_function(f"() => ({CHART_STATE})('published-chart') !== null")

    published = page.evaluate(CHART_STATE, "published-chart")
    assert published["type"] == "bar"
    axis = page.evaluate(
        "() => window.Chart.getChart(document.getElementById('published-chart'))"
        ".options.scales.y.title.text"
    )
    assert axis == "Chinese Yuan (CNY)"
    assert published["painted"] > 1000, "the canvas is blank"
    # Only what was published: Anxi's money figures are for 2020, and nothing else is drawn.
    assert published["labels"] == ["2020"]
    series = {d["label"]: d["data"] for d in published["datasets"]}
    assert series == {"Import and export": [1.7e9], "Output value": [2.0e10]}

    # Another indicator group redraws the same canvas.
    options = page.locator("#published-group option")
    assert options.count() >= 2
    page.select_option("#published-group", "1")
    page.wait_for_function(
        f"(title) => ({CHART_STATE})('published-chart').title !== title",
        arg=published["title"],
    )

    sample = page.evaluate(CHART_STATE, "sample-chart")
    assert sample is not None
    assert sample["type"] == "line"
    assert sample["painted"] > 1000
    assert sample["title"].startswith("Sample data")
    assert len(sample["datasets"]) >= 3
    assert all(d["label"].endswith("(sample)") for d in sample["datasets"])
    expect(page.locator("#sample-series")).to_contain_text("Sample data")

    page.select_option("#published-group", "0")
    _shoot(page, artifacts, "base-en", docs_screenshots)


def test_search_shows_live_results_while_typing(page: Page, live_server: str) -> None:
    page.goto(live_server + "/search")
    expect(page.locator("#search-results")).to_contain_text("Type a name or a product")
    page.evaluate("() => { window.stillTheSamePage = true; }")

    page.locator("#search-q").press_sequentially("peacock", delay=40)
    results = page.locator("#product-results .product-result")
    expect(results.first).to_contain_text("peacock", ignore_case=True)
    # The results came in place: no page load (the marker survives), the URL follows.
    assert page.evaluate("() => window.stillTheSamePage") is True
    expect(page).to_have_url(re.compile(r"/search\?q=peacock"))

    # Chinese titles are searched too.
    page.locator("#search-q").fill("藤编")
    expect(page.locator("#product-results h2")).not_to_contain_text("(0)")
    expect(results.first).to_contain_text("藤编")
    assert page.evaluate("() => window.stillTheSamePage") is True

    # A filter narrows the live results.
    page.locator("#search-q").fill("")
    page.locator("#search-hs").fill("9405")
    expect(results.first).to_contain_text("HS 9405")
    assert page.evaluate("() => window.stillTheSamePage") is True


def test_a_form_with_an_error_shows_the_message_by_the_field(
    page: Page, live_server: str
) -> None:
    _log_in(page, live_server, "bureau@example.com")  # the base administrator adds enterprises
    page.goto(live_server + "/enterprises/new")
    page.locator("#field-name_en").fill("")
    page.locator("#field-employees").fill("many")
    page.locator("#field-markets summary").click()  # the countries, by name, to tick
    page.locator("#field-markets .country-filter").fill("Germ")
    expect(page.locator("#field-markets li:visible")).to_have_count(1)
    page.locator("#field-markets li:visible input").check()
    page.locator("#field-markets .country-filter").fill("")
    page.locator("#field-markets input[value='US']").check()
    # A code that is no country, as an older form or a script would post it.
    page.evaluate("""() => {
      const box = document.createElement('input');
      box.type = 'hidden'; box.name = 'markets'; box.value = 'XX';
      document.getElementById('enterprise-form').appendChild(box);
    }""")
    page.locator("#enterprise-form button[type='submit']").click()

    expect(page.locator(".form-alert")).to_be_visible()
    expect(page.locator("#error-employees")).to_have_text("Enter a whole number.")
    expect(page.locator("#error-name_en")).to_have_text("Give a name in Chinese or in English.")
    expect(page.locator("#error-markets")).to_contain_text("XX")
    # What was typed stays in the form.
    expect(page.locator("#field-employees")).to_have_value("many")
    expect(page.locator("#field-markets input[value='XX']")).to_be_checked()
    expect(page.locator("#field-markets input[value='DE']")).to_be_checked()
    expect(page.locator("#field-markets summary")).to_have_text("Germany, United States, XX")
    expect(page.locator("#field-employees")).to_have_attribute("aria-invalid", "true")


def test_api_docs_render_swagger_ui_under_the_csp(
    page: Page, live_server: str, artifacts: Path
) -> None:
    """Swagger UI comes from /static/vendor and starts without inline script: the page
    fixture fails the test on any CSP violation or script error."""
    page.goto(live_server + "/api/v1/docs")
    # The browser builds the page from the whole OpenAPI document (~150 operations): give it
    # time on a loaded machine; what is tested is that it renders, not how fast.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Tradebase", timeout=60_000)
    # The tags start closed (~150 operations); opening one shows its operations.
    expect(page.locator('.opblock-tag[data-tag="competitions"]')).to_be_visible(timeout=60_000)
    page.locator('.opblock-tag[data-tag="bases"]').click()
    expect(page.locator('.opblock-summary-path[data-path="/api/v1/bases"]').first
           ).to_be_visible(timeout=60_000)
    _shoot(page, artifacts, "api-docs-en")


TOP_BAR_USERS = {
    "anonymous": None, "admin": "admin@example.com", "base_admin": "bureau@example.com",
    "enterprise": "works@example.com", "buyer": "buyer@example.com",
    "officer": "officer@example.com", "supplier": "resins@example.com",
}
# Where every item of the bar sits: its height and each child's top.
BAR_ROWS = """() => {
  const bar = document.querySelector('header.topbar').getBoundingClientRect();
  const tops = [...document.querySelectorAll('header.topbar > *')]
    .filter(e => e.getClientRects().length).map(e => e.getBoundingClientRect().top);
  return {height: bar.height, spread: Math.max(...tops) - Math.min(...tops)};
}"""


@pytest.mark.parametrize("role", list(TOP_BAR_USERS))
def test_the_top_bar_is_one_row_at_a_laptops_width_for_every_role(
    page: Page, live_server: str, live_engine: Engine, artifacts: Path, role: str
) -> None:
    """At 1,280 px every item of the top bar sits on one row, in English and in Chinese; at
    390 px it stays within the screen, and its menus open (without JavaScript: <details>)."""
    add_admin_and_officer(live_engine)
    email = TOP_BAR_USERS[role]
    if email:
        _log_in(page, live_server, email)
    start = "/my" if email else "/"
    for lang in ("en", "zh"):
        page.goto(f"{live_server}/lang/{lang}?next={start}")
        page.set_viewport_size({"width": 1280, "height": 900})
        rows = page.evaluate(BAR_ROWS)
        assert rows["spread"] < 16, (role, lang, rows)  # one row: every item at one height
        assert rows["height"] < 72, (role, lang, rows)  # two rows would be ~100 px
        page.screenshot(path=str(artifacts / f"topbar-{role}-{lang}-1280.png"))
        page.set_viewport_size({"width": 390, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, (role, lang)
        page.screenshot(path=str(artifacts / f"topbar-{role}-{lang}-390.png"))
        if email:
            page.click("#account-menu summary")
            logout = page.locator("#logout-form button")
            expect(logout).to_be_visible()
            box = page.locator("#account-menu .menu-panel").bounding_box()
            assert box is not None
            assert box["x"] >= 0, (role, lang, box)
            assert box["x"] + box["width"] <= 390, (role, lang, box)
            page.screenshot(path=str(artifacts / f"topbar-{role}-{lang}-390-menu.png"))
            page.click("#account-menu summary")
            expect(logout).to_be_hidden()
    if role == "buyer":  # six languages: a menu of them
        page.set_viewport_size({"width": 1280, "height": 900})
        page.click("#lang-menu summary")
        page.screenshot(path=str(artifacts / "topbar-buyer-languages-1280.png"))
        page.click("#lang-menu a[data-lang='de']")
        expect(page.locator("html")).to_have_attribute("lang", "de")
        page.goto(f"{live_server}/lang/en?next=/my")


MAP_PIXELS = """() => {
  const canvas = document.getElementById("markets-map");
  if (!canvas || canvas.dataset.drawn !== "1") { return null; }
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0, shaded = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i + 3] === 0) { continue; }
    painted += 1;
    if (pixels[i + 2] - pixels[i] > 40) { shaded += 1; }  // the blue scale of a market
  }
  return {painted: painted, shaded: shaded, area: canvas.width * canvas.height,
          type: window.Chart.getChart(canvas).config.type};
}"""


def test_base_page_draws_its_exports_on_a_world_map(
    page: Page, live_server: str, artifacts: Path
) -> None:
    _log_in(page, live_server, "bureau@example.com")  # Anxi's base administrator
    page.goto(live_server + "/")
    page.get_by_role("link", name=re.compile("安溪|Anxi")).first.click()
    base_path = page.url.removeprefix(live_server)
    for lang, width in (("zh", 390), ("zh", 1280), ("en", 1280), ("en", 390)):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/lang/{lang}?next={base_path}")
        page.wait_for_function(f"() => ({MAP_PIXELS})() !== null")
        drawn = page.evaluate(MAP_PIXELS)
        assert drawn["type"] == "choropleth"
        assert drawn["painted"] > 0.1 * drawn["area"], "the map is blank"
        assert drawn["shaded"] > 200, "no market is coloured"
        map_box = page.locator("#markets-map").bounding_box()
        assert map_box is not None
        assert map_box["width"] <= width
        assert page.locator("#markets-table tbody tr").count() >= 2
        page.locator("#exports-by-market").screenshot(
            path=str(artifacts / f"base-markets-{lang}-{width}.png"))
        expect(page.locator("#exports-by-market h2")).to_contain_text(
            "Sample data" if lang == "en" else "示例数据")
