"""A base administrator uploads a CSV with bad rows from its base page in Chromium, reads the
row report (in zh and en), uploads the corrected file and downloads its base's export; at
390 px and 1,280 px."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests.browser.conftest import log_in
from tradebase.registry.models import Base, Enterprise

pytestmark = pytest.mark.browser


def _anxi(engine: Engine) -> tuple[int, str, str]:
    """Anxi's id, key and the English name of its first enterprise."""
    with Session(engine) as session:
        anxi = session.scalars(select(Base).where(Base.key == "anxi")).one()
        first = session.scalars(select(Enterprise).where(Enterprise.base_id == anxi.id)
                                .order_by(Enterprise.id)).first()
        assert first is not None
        return anxi.id, str(anxi.key), first.name_en


@pytest.mark.parametrize(("lang", "width", "texts"), [
    ("zh", 390, {"refused": "拒绝的行", "unknown": "基地 anxi 中没有名为", "ok": "已导入"}),
    ("en", 1280, {"refused": "Rows refused", "unknown": "no enterprise named",
                  "ok": "was imported"}),
])
def test_a_base_administrator_imports_and_exports_from_the_base_page(
    page: Page, live_server: str, live_engine: Engine, artifacts: Path, lang: str,
    width: int, texts: dict[str, str],
) -> None:
    base_id, _key, own = _anxi(live_engine)
    list_title = f"Browser key list {lang}"
    bad = (f"enterprise,list_title_en,year\n{own},{list_title},2024\n"
           f"{own} Limited,{list_title},1800\n{own},,2024\n")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "bureau@example.com")
    page.goto(f"{live_server}/lang/{lang}?next=/bases/{base_id}")
    panel = page.locator("#import-export")
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"base-transfer-panel-{lang}-{width}.png"),
                    full_page=False)

    panel.locator("#field-kind").select_option("key_enterprises")
    panel.locator("#field-file").set_input_files(
        files=[{"name": "key-list.csv", "mimeType": "text/csv", "buffer": bad.encode()}])
    panel.locator("#transfer-form button[type=submit]").click()

    report = page.locator("#import-report")
    expect(report).to_contain_text(texts["refused"])
    expect(report.locator("[data-count='read']")).to_have_text("3")
    expect(report.locator("[data-count='refused']")).to_have_text("2")  # 3 errors, 2 rows
    rows = report.locator("#import-errors tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text(texts["unknown"])
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("3")
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("enterprise")
    expect(page.locator("#field-kind")).to_have_value("key_enterprises")  # the choice kept
    overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"
    page.screenshot(path=str(artifacts / f"base-transfer-report-{lang}-{width}.png"),
                    full_page=True)

    good = f"enterprise,list_title_en,year\n{own},{list_title},2024\n"
    page.locator("#field-file").set_input_files(
        files=[{"name": "key-list.csv", "mimeType": "text/csv", "buffer": good.encode()}])
    page.locator("#transfer-form button[type=submit]").click()
    expect(page.locator("#import-report")).to_contain_text(texts["ok"])
    expect(page.locator("#import-report [data-count='created']")).to_have_text("1")

    with page.expect_download() as download:
        page.locator("a[href$='/export/key_enterprises?format=csv']").click()
    path = download.value.path()
    assert path is not None
    rows_out = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    assert {row["base"] for row in rows_out} == {"anxi"}
    assert any(row["list_title_en"] == list_title and row["enterprise"] == own
               for row in rows_out)
