"""Login, tokens, lockout, rate limits, password reset, permissions and the audit log."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD, anxi_and_member_enterprise, auth
from tradebase.accounts.models import ApiToken
from tradebase.registry.models import Enterprise, Product


def _login(client: TestClient, email: str, password: str = PASSWORD, **extra: object):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/token", json={"email": email, "password": password, **extra})


def _products(session: Session) -> tuple[Product, Product]:
    """A product of the enterprise member's enterprise, and one of another base's enterprise."""
    anxi, first = anxi_and_member_enterprise(session)
    own = session.scalars(select(Product).where(Product.enterprise_id == first.id)).first()
    other = session.scalars(
        select(Product).join(Enterprise).where(Enterprise.base_id != anxi.id)
    ).first()
    assert own is not None
    assert other is not None
    return own, other


def test_token_contract(client: TestClient, tokens: dict[str, str]) -> None:
    response = _login(client, "buyer@example.com")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    me = client.get("/api/v1/auth/me", headers=auth(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["role"] == "buyer"
    assert me.json()["organisation"] == "Nordic Home AB"


def test_tokens_are_stored_as_hashes(client: TestClient, session: Session,
                                     tokens: dict[str, str]) -> None:
    token = _login(client, "officer@example.com").json()["access_token"]
    stored = session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored
    assert all(len(value) == 64 for value in stored)


def test_wrong_password_is_a_json_401(client: TestClient, tokens: dict[str, str]) -> None:
    response = _login(client, "admin@example.com", "wrong password!")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "wrong e-mail or password"
    unknown = _login(client, "nobody@example.com", "wrong password!")
    assert unknown.status_code == 401
    assert unknown.json() == response.json()  # no hint whether the account exists


def test_lockout_after_repeated_failures(app_factory, tokens: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app_factory(lockout_failures=3), base_url="https://testserver") as client:
        for _ in range(3):
            assert _login(client, "officer@example.com", "bad password 1").status_code == 401
        locked = _login(client, "officer@example.com")  # even the right password now waits
        assert locked.status_code == 429
        assert int(locked.headers["Retry-After"]) > 0


def test_login_rate_limit(app_factory, tokens: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app_factory(login_limit="3/minute"), base_url="https://testserver") as client:
        codes = [_login(client, "admin@example.com", "bad password 2").status_code
                 for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_api_rate_limit(app_factory) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app_factory(api_limit="5/minute"), base_url="https://testserver") as client:
        codes = [client.get("/api/v1/bases").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


def test_anonymous_reads_but_cannot_write(client: TestClient, session: Session) -> None:
    own, _ = _products(session)
    assert client.get(f"/api/v1/products/{own.id}").status_code == 200
    response = client.patch(f"/api/v1/products/{own.id}", json={"title": "x"})
    assert response.status_code == 401
    assert "error" in response.json()


def test_enterprise_edits_only_its_own_catalog(client: TestClient, session: Session,
                                               tokens: dict[str, str]) -> None:
    own, other = _products(session)
    headers = auth(tokens["enterprise"])
    ok = client.patch(f"/api/v1/products/{own.id}", json={"moq": 321}, headers=headers)
    assert ok.status_code == 200
    assert ok.json()["moq"] == 321
    refused = client.patch(f"/api/v1/products/{other.id}", json={"moq": 1}, headers=headers)
    assert refused.status_code == 403
    moved = client.patch(
        f"/api/v1/products/{own.id}", json={"enterprise_id": other.enterprise_id},
        headers=headers,
    )
    assert moved.status_code == 403


def test_read_only_token_cannot_write(client: TestClient, session: Session,
                                      tokens: dict[str, str]) -> None:
    token = _login(client, "admin@example.com", scopes=["read"]).json()["access_token"]
    own, _ = _products(session)
    response = client.patch(f"/api/v1/products/{own.id}", json={"moq": 5}, headers=auth(token))
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]["message"]


def test_revoked_token_is_refused(client: TestClient, tokens: dict[str, str]) -> None:
    token = _login(client, "buyer@example.com").json()["access_token"]
    listed = client.get("/api/v1/auth/tokens", headers=auth(token)).json()
    newest = max(listed, key=lambda t: t["id"])
    assert client.delete(f"/api/v1/auth/tokens/{newest['id']}",
                         headers=auth(token)).status_code == 204
    assert client.get("/api/v1/auth/me", headers=auth(token)).status_code == 401


def test_bad_bearer_token_is_401_not_anonymous(client: TestClient) -> None:
    response = client.get("/api/v1/bases", headers=auth("tb_not-a-token"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_password_reset_round_trip(client: TestClient, tokens: dict[str, str]) -> None:
    mailer = client.app.state.mailer  # type: ignore[attr-defined]
    assert client.post("/api/v1/auth/password-reset",
                       json={"email": "nobody@example.com"}).status_code == 202
    assert mailer.outbox == []
    assert client.post("/api/v1/auth/password-reset",
                       json={"email": "buyer@example.com"}).status_code == 202
    body = mailer.outbox[-1]["body"]
    link = next(line for line in body.splitlines() if "/password-reset/" in line)
    token = link.rsplit("/", 1)[1]
    new_password = "a brand new passphrase"
    confirm = {"token": token, "password": new_password}
    assert client.post("/api/v1/auth/password-reset/confirm", json=confirm).status_code == 204
    assert _login(client, "buyer@example.com", new_password).status_code == 200
    assert _login(client, "buyer@example.com").status_code == 401
    again = client.post("/api/v1/auth/password-reset/confirm", json=confirm)
    assert again.status_code == 422  # one time only
    assert again.json()["error"]["field"] == "token"


def test_no_secrets_in_the_log(client: TestClient, tokens: dict[str, str],
                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    token = _login(client, "admin@example.com").json()["access_token"]
    client.post("/api/v1/auth/password-reset", json={"email": "admin@example.com"})
    reset_body = client.app.state.mailer.outbox[-1]["body"]  # type: ignore[attr-defined]
    logged = caplog.text
    assert PASSWORD not in logged
    assert token not in logged
    assert reset_body.split("/password-reset/")[1].split()[0] not in logged


def test_security_headers(client: TestClient) -> None:
    response = client.get("/api/v1/bases")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age" in response.headers["Strict-Transport-Security"]  # served over https


def test_no_hsts_over_plain_http(app_factory) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app_factory(), base_url="http://testserver") as client:
        assert "Strict-Transport-Security" not in client.get("/api/v1/bases").headers


def test_audit_records_who_changed_what(client: TestClient, session: Session,
                                        tokens: dict[str, str]) -> None:
    own, _ = _products(session)
    before = own.moq
    client.patch(f"/api/v1/products/{own.id}", json={"moq": 777},
                 headers=auth(tokens["enterprise"]))
    entries = client.get("/api/v1/audit", params={"entity": "products"},
                         headers=auth(tokens["admin"])).json()["items"]
    entry = next(e for e in entries if e["entity_id"] == str(own.id))
    assert entry["actor"] == "enterprise@example.com"
    assert entry["action"] == "update"
    assert entry["before"] == {"moq": before}
    assert entry["after"] == {"moq": 777}
    base_admin_view = client.get("/api/v1/audit", headers=auth(tokens["base_admin"])).json()
    assert any(e["id"] == entry["id"] for e in base_admin_view["items"])
    assert client.get("/api/v1/audit", headers=auth(tokens["enterprise"])).status_code == 403
    assert client.get("/api/v1/audit").status_code == 401
    csv_export = client.get("/api/v1/audit", params={"format": "csv"},
                            headers=auth(tokens["admin"]))
    assert csv_export.headers["content-type"].startswith("text/csv")
    assert "enterprise@example.com" in csv_export.text


def test_audit_never_holds_password_hashes(client: TestClient, tokens: dict[str, str]) -> None:
    entries = client.get("/api/v1/audit", params={"entity": "users", "limit": 500},
                         headers=auth(tokens["admin"])).json()["items"]
    assert entries
    for entry in entries:
        assert "password_hash" not in (entry["after"] or {})
        assert "password_hash" not in (entry["before"] or {})


REDIS_URL = "redis://127.0.0.1:6379/0"


def test_rate_limits_are_shared_between_workers_through_redis(app_factory) -> None:  # type: ignore[no-untyped-def]
    """Two application instances (as two worker processes would be) count together."""
    import uuid

    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.fail(f"this test needs Redis at {REDIS_URL} (CI starts it)")
    overrides = {"redis_url": REDIS_URL, "api_limit": "5/minute",
                 "rate_limit_namespace": f"test-{uuid.uuid4().hex}"}
    first = TestClient(app_factory(**overrides), base_url="https://testserver")
    second = TestClient(app_factory(**overrides), base_url="https://testserver")
    with first, second:
        codes = [client.get("/api/v1/bases").status_code
                 for client in (first, second, first, second, first, second)]
    assert codes == [200] * 5 + [429]


def test_nul_characters_are_refused_before_the_database(client: TestClient) -> None:
    """PostgreSQL cannot store NUL in text; Schemathesis found a 500 there."""
    login = client.post("/api/v1/auth/token", json={"email": "00\u0000", "password": "x"})
    assert login.status_code == 422
    assert login.json()["error"]["message"] == "text may not contain NUL characters"
    search = client.get("/api/v1/products", params={"q": "rattan\x00"})
    assert search.status_code == 422
    form = client.post("/login", data={"email": "a\x00b", "password": "x"})
    assert form.status_code == 422
    ok = client.get("/api/v1/products", params={"q": "rattan"})
    assert ok.status_code == 200
