"""Password resets: a reset link works once even when confirmed concurrently, and a reset or a
change of the password ends every other way in (older links, sessions, API tokens), by mail.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD, auth, csrf_token_of
from tests.integration.security.auth_support import (
    engine_with_tables,
    make_user,
    needs_postgres,
    web_log_in,
)
from tradebase.accounts import service as accounts
from tradebase.accounts.mail import MemoryMailSender
from tradebase.settings import Settings
from tradebase.web.app import create_app

NEW_PASSWORD = "a brand new passphrase"


def _reset_link(mailer: MemoryMailSender) -> str:
    body = mailer.outbox[-1]["body"]
    return next(line for line in body.splitlines() if "/password-reset/" in line)


def _mail_reset(client: TestClient, email: str) -> str:
    assert client.post("/api/v1/auth/password-reset", json={"email": email}).status_code == 202
    return _reset_link(client.app.state.mailer).rsplit("/", 1)[1]  # type: ignore[attr-defined]


def _confirm(client: TestClient, token: str, password: str = NEW_PASSWORD) -> int:
    return client.post("/api/v1/auth/password-reset/confirm",
                       json={"token": token, "password": password}).status_code


def _token_login(client: TestClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/token", json={"email": email, "password": password})


@needs_postgres
def test_concurrent_confirms_of_one_reset_link_succeed_once() -> None:
    """Ten browsers post the same link at once, through the app, each on its own connection."""
    settings = Settings(login_limit="100000/minute", api_limit="100000/minute")
    mailer = MemoryMailSender()
    with engine_with_tables() as engine:
        make_user(engine, "reset@example.com")
        with Session(engine) as session:
            accounts.request_password_reset(session=session, email="reset@example.com",
                                            mailer=mailer, settings=settings)
            session.commit()
        token = _reset_link(mailer).rsplit("/", 1)[1]
        app = create_app(engine, settings=settings, mailer=mailer)
        start = threading.Barrier(10)

        def confirm(number: int) -> int:
            with TestClient(app, base_url="https://testserver") as browser:
                start.wait()
                return _confirm(browser, token, f"concurrent passphrase {number}")

        with ThreadPoolExecutor(10) as pool:
            codes = list(pool.map(confirm, range(10)))
    assert sorted(codes) == [204] + [422] * 9


def test_an_older_reset_link_dies_with_the_reset(client: TestClient,
                                                 tokens: dict[str, str]) -> None:
    older = _mail_reset(client, "buyer@example.com")
    newer = _mail_reset(client, "buyer@example.com")
    assert _confirm(client, newer) == 204
    assert _confirm(client, older, "yet another passphrase") == 422
    assert _token_login(client, "buyer@example.com", NEW_PASSWORD).status_code == 200


def test_a_reset_revokes_api_tokens_and_sessions_and_tells_the_user(
    client: TestClient, tokens: dict[str, str]
) -> None:
    client.headers["Accept-Language"] = "en"  # the mail is in it (the platform default: zh)
    api_token = _token_login(client, "officer@example.com").json()["access_token"]
    with TestClient(client.app, base_url="https://testserver") as browser:
        assert web_log_in(browser, "officer@example.com").status_code == 303
        assert browser.get("/account").status_code == 200
        assert _confirm(client, _mail_reset(client, "officer@example.com")) == 204
        assert browser.get("/account").status_code == 401
    assert client.get("/api/v1/auth/me", headers=auth(api_token)).status_code == 401
    assert client.get("/api/v1/auth/me", headers=auth(tokens["officer"])).status_code == 401
    mail = client.app.state.mailer.outbox[-1]  # type: ignore[attr-defined]
    assert mail["to"] == "officer@example.com"
    assert "password was changed" in mail["subject"]


def test_a_change_ends_older_links_tokens_and_other_sessions_but_not_this_one(
    client: TestClient, tokens: dict[str, str]
) -> None:
    client.headers["Accept-Language"] = "en"  # the mail is in it (the platform default: zh)
    link = _mail_reset(client, "enterprise@example.com")
    api_token = _token_login(client, "enterprise@example.com").json()["access_token"]
    with TestClient(client.app, base_url="https://testserver") as other:
        assert web_log_in(other, "enterprise@example.com").status_code == 303
        assert web_log_in(client, "enterprise@example.com").status_code == 303
        changed = client.post("/account/password", data={
            "current_password": PASSWORD, "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD, "csrf_token": csrf_token_of(client, "/account"),
        }, follow_redirects=False)
        assert changed.status_code == 303, changed.text
        assert client.get("/account").status_code == 200  # the session that changed it
        assert other.get("/account").status_code == 401
        assert _confirm(other, link, "yet another passphrase") == 422  # signed out: no CSRF
        assert other.get("/api/v1/auth/me", headers=auth(api_token)).status_code == 401
    mail = client.app.state.mailer.outbox[-1]  # type: ignore[attr-defined]
    assert "password was changed" in mail["subject"]


def test_a_change_needs_the_current_password(client: TestClient,
                                            tokens: dict[str, str]) -> None:
    assert web_log_in(client, "buyer@example.com").status_code == 303
    refused = client.post("/account/password", data={
        "current_password": "not the password", "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD, "csrf_token": csrf_token_of(client, "/account"),
    })
    assert refused.status_code == 422
    assert 'id="error-current_password"' in refused.text
    client.cookies.clear()
    assert _token_login(client, "buyer@example.com").status_code == 200
