"""The product words of a buyer's request on the enquiry page (issue 9): a Chinese factory
reads the German text as written and, beside it, the products and materials the matching
read in it, named in Chinese, with what the buyer ruled out marked; an English reader gets
them in English. A request whose product the vocabulary does not know shows the HS
positions its words reach."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import auth
from tests.integration.docking.rfq_support import build_catalog, token_for
from tradebase.accounts.roles import Role

GERMAN = "Guten Tag, wir suchen 200 stapelbare Gartenstühle aus Metall, ohne Keramik."


@pytest.fixture
def people(session: Session) -> dict[str, Any]:
    catalog = build_catalog(session)
    return {
        "buyer": auth(token_for(session, "words-buyer@example.com", Role.BUYER,
                                organisation="Garten Import GmbH")),
        "A": auth(token_for(session, "words-a@example.com", Role.ENTERPRISE,
                            enterprise_ids=[catalog.works["A"]])),
    }


def _enquiry(client: TestClient, people: dict[str, Any], text: str) -> int:
    made = client.post("/api/v1/docking/requests", headers=people["buyer"],
                       json={"text": text, "quantity": 200, "destination": "DE"})
    assert made.status_code == 201, made.text
    sent = client.post(f"/api/v1/docking/requests/{made.json()['id']}/enquiries",
                       headers=people["buyer"], json={"sku": "RFQ-A-1", "send": True})
    assert sent.status_code == 201, sent.text
    return int(sent.json()["id"])


def _words(html: str) -> list[str]:
    block = re.search(r'<dd id="request-words">(.*?)</dd>', html, flags=re.S)
    assert block, html[:3000]
    return [re.sub(r"<[^>]+>", "", item).strip()
            for item in re.findall(r"<li[^>]*>(.*?)</li>", block.group(1), flags=re.S)]


def test_the_factory_reads_the_buyers_product_words_in_chinese(
    client: TestClient, people: dict[str, Any],
) -> None:
    enquiry = _enquiry(client, people, GERMAN)
    page = client.get(f"/docking/enquiries/{enquiry}",
                      headers=people["A"] | {"Accept-Language": "zh-CN"})
    assert page.status_code == 200
    assert GERMAN in page.text  # the buyer's text as written
    assert "从文字中读出的产品" in page.text
    words = _words(page.text)
    assert "Gartenstühle → 椅、户外" in words
    assert "Metall → 铁" in words
    assert "Keramik → 陶瓷 买方不要" in words
    assert '<span class="written" lang="de">Gartenstühle</span>' in page.text

    english = client.get(f"/docking/enquiries/{enquiry}",
                         headers=people["A"] | {"Accept-Language": "en"})
    assert "Gartenstühle → chair, garden" in _words(english.text)


def test_a_product_the_vocabulary_does_not_know_shows_its_hs_positions(
    client: TestClient, people: dict[str, Any],
) -> None:
    enquiry = _enquiry(client, people, "Cuchillos de cocina de acero inoxidable")
    page = client.get(f"/docking/enquiries/{enquiry}",
                      headers=people["A"] | {"Accept-Language": "zh-CN"})
    assert "其文字对应的 HS 编码" in page.text
    assert re.search(r'<ul class="read-positions">\s*<li>8215', page.text), page.text[:4000]
