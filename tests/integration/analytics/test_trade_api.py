"""The trade API: an upload imported and read back through the measures, and bad input
answered with a 4xx and its error, never a 5xx."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise, auth

TRADE = "/api/v1/analytics/trade"


def test_upload_then_read_the_measures(client: TestClient, tokens: dict[str, str],
                                       session: Session) -> None:
    anxi, _ = anxi_and_member_enterprise(session)
    text = ("reporter,flow,hs,partner,year,month,value,currency,quantity,unit\n"
            "export,940153,USA,1998,,30,USD,,\n"
            "export,940153,DEU,1998,,10,USD,,\n"
            "export,460212,DEU,1999,,10,USD,,\n").replace("\nexport", "\n,export")
    response = client.post(f"{TRADE}/import", params={"source": "tradebase", "base": anxi.id},
                           files={"file": ("anxi-trade.csv", text.encode(), "text/csv")},
                           headers=auth(tokens["base_admin"]))
    assert response.status_code == 200, response.text
    assert response.json()["written"] == 3
    reporter = f"base:{anxi.id}"
    hhi = client.get(f"{TRADE}/{reporter}/hhi", headers=auth(tokens["officer"])).json()
    got = {row["year"]: round(row["hhi"], 4) for row in hhi["rows"] if row["year"] < 2000}
    assert got == {1998: 0.625, 1999: 1.0}
    changes = client.get(f"{TRADE}/{reporter}/market-changes",
                         headers=auth(tokens["officer"])).json()["rows"]
    assert [(r["year"], r["partner"], r["change"]) for r in changes if r["year"] < 2000] == [
        (1999, "USA", "lost")]


def test_a_bad_upload_lists_its_rows(client: TestClient, tokens: dict[str, str]) -> None:
    text = "t,i,j,k,v,q\n2022,156,842,940153,x,1\n"
    response = client.post(f"{TRADE}/import", params={"source": "baci"},
                           files={"file": ("BACI_HS22_Y2022_V1.csv", text.encode(), "text/csv")},
                           headers=auth(tokens["admin"]))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "import_rejected"


def test_bad_reporters_and_parameters_are_4xx(client: TestClient,
                                              tokens: dict[str, str]) -> None:
    headers = auth(tokens["admin"])
    for reporter, status in [("base:abc", 422), ("base:99999999999", 422),
                             ("base:2147483648", 404), ("nothing", 422), ("country:chn", 422),
                             ("region:2147483647", 404),
                             ("enterprise:2147483647", 404), ("base:١٢", 422)]:
        response = client.get(f"{TRADE}/{reporter}/markets", headers=headers)
        assert response.status_code == status, (reporter, response.text)
        assert "error" in response.json()
    assert client.get(f"{TRADE}/country:CHN/rca", headers=headers).status_code == 422
    assert client.get(f"{TRADE}/country:CHN/rca", params={"year": 2022, "reference": ","},
                      headers=headers).status_code == 422
    assert client.get(f"{TRADE}/country:CHN/movers", params={"year": 2022, "by": "x"},
                      headers=headers).status_code == 422
    assert client.get(f"{TRADE}/country:CHN/rca", params={"year": 2022},
                      headers=headers).status_code == 200
