"""Why a listing matches, in the reader's language (issue 9): the buyer's request page and
the enquiry a factory opens write the engine's reasons from their codes through the catalog;
the API keeps its English lines and adds the codes. The enquiry page says the statuses of its
intentions and orders in the reader's language too."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import auth
from tests.integration.docking.rfq_support import REQUEST_TEXT, build_catalog, token_for
from tradebase.accounts.roles import Role
from tradebase.docking.reasons import Reason, english
from tradebase.web.pages.reasons import reason_line, reason_lines

FORM = {"text": REQUEST_TEXT, "quantity": "200", "certifications": "EN14781",
        "max_lead_time_days": "60", "destination": "DE"}
EN, ZH = {"Accept-Language": "en"}, {"Accept-Language": "zh-CN"}
# The words of the engine's English reasons: none may be left on a Chinese page.
ENGLISH = re.compile(r"\b(matches|words|MOQ|lead time|days|within|exports|already|listed|"
                     r"requested|capacity|split|proposed|check the quantity)\b")


@pytest.fixture
def world(client: TestClient, session: Session) -> dict[str, Any]:
    catalog = build_catalog(session)
    return {
        "buyer": auth(token_for(session, "reason-buyer@example.com", Role.BUYER,
                                organisation="Velo Import GmbH")),
        "A": auth(token_for(session, "reason-a@example.com", Role.ENTERPRISE,
                            enterprise_ids=[catalog.works["A"]])),
    }


def _reasons(html: str) -> list[str]:
    return re.findall(r'<ul class="reasons">(.*?)</ul>', html, flags=re.S)


def test_both_pages_give_the_reasons_in_chinese(client: TestClient,
                                                world: dict[str, Any]) -> None:
    made = client.post("/docking/requests", headers=world["buyer"], data=FORM,
                       follow_redirects=False)
    assert made.status_code == 303, made.text
    url = made.headers["location"]

    english_page = client.get(url, headers=world["buyer"] | EN)
    assert any("lead time 30 days ≤ 60 ✓" in block for block in _reasons(english_page.text))
    chinese_page = client.get(url, headers=world["buyer"] | ZH)
    blocks = _reasons(chinese_page.text)
    assert blocks
    for block in blocks:
        assert not ENGLISH.search(block), block
    assert any("交货期 30 天 ≤ 60 天 ✓" in block for block in blocks)
    assert any("起订量 10 pcs ≤ 200 ✓" in block for block in blocks)

    assert client.post(f"{url}/publish", headers=world["buyer"],
                       follow_redirects=False).status_code == 303
    inbox = client.get("/docking/inbox", headers=world["A"])
    enquiry = inbox.text.split('href="/docking/enquiries/', 1)[1].split('"', 1)[0]
    page = client.get(f"/docking/enquiries/{enquiry}", headers=world["A"] | ZH)
    blocks = _reasons(page.text)
    assert blocks
    assert "EN14781 ✓" in blocks[0]
    assert not ENGLISH.search(blocks[0]), blocks[0]
    assert "符合" in blocks[0]  # the matched concepts, named in Chinese

    # The API keeps its English lines and adds the same reasons as codes.
    shown = client.get(f"/api/v1/docking/enquiries/{enquiry}", headers=world["A"]).json()
    assert "lead time 30 days ≤ 60 ✓" in shown["reasons"]
    assert len(shown["reason_codes"]) == len(shown["reasons"])
    assert [english(Reason(c["code"], c["params"])) for c in shown["reason_codes"]] == \
        shown["reasons"]


@pytest.mark.parametrize("reason", [
    Reason("hs", {"code": "940153", "description": "seats of rattan", "mark": "proposed"}),
    Reason("hs", {"code": "9401", "description": "", "mark": "confirmed"}),
    Reason("words", {"words": ("ti", "gravel")}),
    Reason("deliverable", {"quantity": 12000, "unit": "pcs", "days": 30}),
    Reason("capacity_unstated"),
    Reason("partial", {"made": 5000, "quantity": 12000, "unit": "pcs", "days": 30}),
    Reason("unit_mismatch", {"unit": "sets", "requested": "pcs"}),
    Reason("exports", {"country": "DE"}),
])
def test_every_reason_has_chinese_words(reason: Reason) -> None:
    from tradebase.web.i18n import get_translations

    line = reason_line(reason, get_translations("zh").gettext, "zh")
    assert not ENGLISH.search(line), line
    assert line != english(reason) or reason.code == "hs"


def test_an_enquiry_without_codes_shows_its_english_lines() -> None:
    assert reason_lines([], ["matches chair"], "zh") == ["matches chair"]
    stored = [Reason("exports", {"country": "SE"}).as_json()]
    assert reason_lines(stored, ["exports to SE already"], "zh") == ["已出口到瑞典"]


def test_an_hs_reason_names_the_code_in_chinese_where_a_name_exists() -> None:
    from tradebase.web.i18n import get_translations

    gettext = get_translations("zh").gettext
    named = reason_line(Reason("hs", {"code": "940153", "description": "Seats; of rattan",
                                      "mark": ""}), gettext, "zh")
    assert named == "HS 940153 藤制的坐具"
    assert reason_line(Reason("hs", {"code": "999999", "description": "", "mark": ""}),
                       gettext, "zh") == "HS 999999"


def test_intention_and_order_statuses_are_said_in_chinese(
    client: TestClient, world: dict[str, Any]
) -> None:
    made = client.post("/api/v1/docking/requests", headers=world["buyer"], json={
        "text": REQUEST_TEXT, "quantity": 200, "certifications": ["EN14781"]})
    assert made.status_code == 201, made.text
    sent = client.post(f"/api/v1/docking/requests/{made.json()['id']}/enquiries",
                       headers=world["buyer"], json={"sku": "RFQ-A-1", "send": True})
    assert sent.status_code == 201, sent.text
    url = f"/docking/enquiries/{sent.json()['id']}"
    proposed = client.post(f"/api/v1/docking{url.removeprefix('/docking')}/intentions",
                           headers=world["A"], json={"quantity": 200, "value": 5000,
                                                     "currency": "EUR"})
    assert proposed.status_code == 201, proposed.text

    def statuses(headers: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
        html = client.get(url, headers=headers).text
        return (re.findall(r'<td class="intention-status"[^>]*>(.*?)</td>', html),
                re.findall(r'<span class="order-status">(.*?)</span>', html),
                re.findall(r'<option value="(?:contract_signed|in_production|shipped|'
                           r'delivered|cancelled)"[^>]*>(.*?)</option>', html))

    assert statuses(world["A"] | ZH)[0] == ["已提议"]
    assert statuses(world["A"] | EN)[0] == ["proposed"]
    accepted = client.post(f"/api/v1/docking/intentions/{proposed.json()['id']}/accept",
                           headers=world["buyer"])
    assert accepted.status_code == 200, accepted.text
    intention, order, options = statuses(world["A"] | ZH)
    assert (intention, order) == (["已接受"], ["已签合同"])
    assert options == ["已签合同", "生产中", "已发货", "已交付", "已取消"]
    intention, order, options = statuses(world["buyer"] | EN)
    assert (intention, order) == (["accepted"], ["contract signed"])
    assert options[1] == "in production"
