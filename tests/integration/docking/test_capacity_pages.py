"""The free-capacity page: enterprises post their own offers; buyers search them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import auth


def _own_enterprise_id(client: TestClient, token: str) -> int:
    return int(client.get("/api/v1/auth/me", headers=auth(token)).json()["enterprise_ids"][0])


def test_an_enterprise_offers_capacity_and_a_buyer_finds_it(client: TestClient,
                                                            tokens: dict[str, str]) -> None:
    enterprise_id = _own_enterprise_id(client, tokens["enterprise"])
    form = {"enterprise_id": str(enterprise_id), "month": "2027-03", "hs_code": "940153",
            "free_capacity": "4200", "unit": "pcs", "note": "rattan chairs line B"}
    posted = client.post("/capacity", data=form, headers=auth(tokens["enterprise"]),
                         follow_redirects=False)
    assert posted.status_code == 303
    page = client.get("/capacity", params={"hs_code": "9401"}, headers=auth(tokens["buyer"]))
    assert page.status_code == 200
    assert "rattan chairs line B" in page.text
    assert "4,200" in page.text
    none = client.get("/capacity", params={"hs_code": "6404"}, headers=auth(tokens["buyer"]))
    assert "rattan chairs line B" not in none.text


def test_a_wrong_offer_says_what_is_wrong(client: TestClient, tokens: dict[str, str]) -> None:
    enterprise_id = _own_enterprise_id(client, tokens["enterprise"])
    response = client.post(
        "/capacity", headers=auth(tokens["enterprise"]),
        data={"enterprise_id": str(enterprise_id), "month": "2027-13", "free_capacity": "10",
              "hs_code": "940153"},
    )
    assert response.status_code == 422
    assert 'id="error-summary"' in response.text
    assert "<p class=\"error\" id=\"error-month\">请输入月份，例如 2027-03。</p>" in response.text
    assert 'value="2027-13"' in response.text


def test_the_public_sees_no_capacity(client: TestClient) -> None:
    assert client.get("/capacity").status_code == 401
