"""A base page's cited sources in Chromium: each figure links to its article, listed with its
title, publisher, date and language by name, in both languages, at 390 px and 1,280 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

XUZHOU_ZH = "徐州工艺玻璃"
FOOTWEAR_EN = "Putian and Quanzhou footwear"


@pytest.mark.parametrize("width", [390, 1280])
def test_a_figure_leads_to_its_article(
    page: Page, live_server: str, artifacts: Path, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/")
    page.locator(".lang-switch a[data-lang='zh']").click()
    page.locator("article.card a", has_text=XUZHOU_ZH).first.click()
    row = page.locator("#indicators tr[data-metric='enterprises']")
    row.locator("summary").click()
    expect(row.locator("blockquote[lang='sv']")).to_contain_text("252 registrerade företag")
    row.get_by_role("link", name="无标题文章").click()
    article = page.locator("#source-003_93c45358806676ea")
    expect(article).to_contain_text("瑞典语")
    expect(article).to_contain_text("未注明发布者")
    expect(article).to_contain_text("未注明日期")
    assert page.evaluate("() => location.hash") == "#source-003_93c45358806676ea"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"
    page.screenshot(path=str(artifacts / f"base-sources-zh-{width}.png"), full_page=True)

    page.goto(live_server + "/")
    page.locator(".lang-switch a[data-lang='en']").click()
    page.locator("article.card a", has_text=FOOTWEAR_EN).first.click()
    article = page.locator("#source-002_820f995f7a0f82cf")
    expect(article).to_contain_text("China News Service")
    expect(article).to_contain_text("2022-06-16")
    expect(article).to_contain_text("English")
    expect(article.locator("cite")).to_contain_text("hand in hand")
    value = page.locator("#indicators tr[data-metric='docking_intention_value']")
    expect(value).to_contain_text("source dated 2022-06-16")
    page.screenshot(path=str(artifacts / f"base-sources-en-{width}.png"), full_page=True)
