"""The API's error envelope carries the code and parameters the pages say in words, beside the
English ``message`` and the ``field`` (issue 10: added, nothing removed)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Connection

from tests.conftest import auth


def test_a_schema_rule_answers_with_its_code(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.post("/api/v1/enterprises", headers=auth(tokens["admin"]),
                           json={"name_en": "Envelope Works", "markets": ["US", "XX"]})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "country_code"
    assert error["params"] == {"code": "XX"}
    assert error["field"] == "markets.1"
    assert "XX" in error["message"]
    assert error["details"][0]["code"] == "country_code"


def test_a_cross_field_rule_names_its_field(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.post("/api/v1/docking/requests", headers=auth(tokens["buyer"]),
                           json={"text": "oak chairs", "quantity": 10, "target_price": 12})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "request.currency_needed"
    assert error["field"] == "currency"
    assert error["params"] == {}
    assert error["message"] == "give the currency of the target price"


def test_pydantic_checks_answer_with_their_type_and_context(
    client: TestClient, tokens: dict[str, str],
) -> None:
    response = client.post("/api/v1/docking/requests", headers=auth(tokens["buyer"]),
                           json={"text": "oak chairs", "quantity": -1})
    error = response.json()["error"]
    assert response.status_code == 422
    assert (error["field"], error["code"]) == ("quantity", "greater_than_equal")
    assert error["params"] == {"ge": 1}
    assert {"field", "message", "code", "params"} <= set(error["details"][0])


def test_domain_errors_carry_their_code_or_their_kind(
    client: TestClient, tokens: dict[str, str],
) -> None:
    missing = client.get("/api/v1/enterprises/999999")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert missing.json()["error"]["params"] == {}
    refused = client.post("/api/v1/enterprises", json={"name_en": "No Login Works"})
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthenticated"
    unknown = client.get("/api/v1/no-such-thing")
    assert unknown.json()["error"]["code"] == "http_error"
    assert unknown.json()["error"]["params"] == {"status": 404}



def test_an_error_page_does_not_reopen_the_closed_session(
    client: TestClient, connection: Connection, tokens: dict[str, str]
) -> None:
    """An error page is rendered after the request's session has closed; the nav's unread
    count must not reopen that session (it began a transaction that nothing ended)."""
    case = connection.begin_nested()
    page = client.get("/audit", headers=auth(tokens["enterprise"]))
    assert page.status_code == 403
    assert "<nav" in page.text
    assert connection.get_nested_transaction() is case  # every session's savepoint ended
    case.rollback()
