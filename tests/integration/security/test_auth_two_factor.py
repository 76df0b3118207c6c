"""TOTP two-factor sign-in: required for administrators and base administrators when
``TRADEBASE_REQUIRE_2FA_ROLES`` says so, on the login page and the API; recovery codes work
once; a code is not accepted twice."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD
from tests.integration.security.auth_support import enrol_at_login, user_row, web_log_in
from tradebase.accounts import service as accounts
from tradebase.accounts import two_factor
from tradebase.accounts.models import AuditEntry


@pytest.fixture
def strict(app_factory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A client of an app that requires a second factor of admins and base admins."""
    app = app_factory(require_2fa_roles="admin base_admin")
    with TestClient(app, base_url="https://testserver") as client:
        yield client


def _api_login(client: TestClient, email: str, otp: str | None = None):  # type: ignore[no-untyped-def]
    body = {"email": email, "password": PASSWORD} | ({"otp": otp} if otp else {})
    return TestClient(client.app, base_url="https://testserver").post("/api/v1/auth/token",
                                                                      json=body)


@pytest.mark.parametrize("role", ["admin", "base_admin"])
def test_the_password_alone_does_not_sign_in_an_administrator(
    strict: TestClient, session: Session, tokens: dict[str, str], role: str
) -> None:
    email = f"{role}@example.com"
    step = web_log_in(strict, email)
    assert step.status_code == 303
    assert step.headers["location"].startswith("/login/two-factor")
    assert "tb_session" not in strict.cookies
    assert strict.get("/account").status_code == 401
    # The API refuses a password-only token until two-factor sign-in is set up, then asks.
    assert _api_login(strict, email).status_code == 403
    totp, codes = enrol_at_login(strict, email)
    assert len(codes) == 10
    assert strict.get("/account").status_code == 200
    assert user_row(session, email).totp_enabled_at is not None
    missing = _api_login(strict, email)
    assert missing.status_code == 401
    assert missing.json()["error"]["field"] == "otp"
    assert _api_login(strict, email, "000000").status_code == 401
    later = totp.at(time.time() + 30)  # the enrolment used the current step's code
    assert _api_login(strict, email, later).status_code == 200
    assert _api_login(strict, email, later).status_code == 401  # a code works once


def test_other_roles_sign_in_with_the_password(strict: TestClient,
                                               tokens: dict[str, str]) -> None:
    step = web_log_in(strict, "officer@example.com")
    assert step.headers["location"] == "/account"
    assert strict.get("/account").status_code == 200
    assert _api_login(strict, "buyer@example.com").status_code == 200


def test_without_the_setting_administrators_sign_in_with_the_password(
    client: TestClient, tokens: dict[str, str]
) -> None:
    assert web_log_in(client, "admin@example.com").headers["location"] == "/account"


def test_a_recovery_code_works_once(strict: TestClient, tokens: dict[str, str]) -> None:
    _totp, codes = enrol_at_login(strict, "admin@example.com")
    assert _api_login(strict, "admin@example.com", codes[0].upper()).status_code == 200
    assert _api_login(strict, "admin@example.com", codes[0]).status_code == 401
    with TestClient(strict.app, base_url="https://testserver") as browser:
        assert web_log_in(browser, "admin@example.com").status_code == 303
        page = browser.get("/login/two-factor")
        assert 'id="totp-secret"' not in page.text  # enrolled: a code, not the key again
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        used = browser.post("/login/two-factor", data={"code": codes[0], "csrf_token": token})
        assert used.status_code == 401
        fresh = browser.post("/login/two-factor", data={"code": codes[1], "csrf_token": token,
                                                        "next": "/account"},
                             follow_redirects=False)
        assert fresh.status_code == 303
        assert browser.get("/account").status_code == 200


def test_wrong_codes_count_towards_the_lockout(app_factory, tokens: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(require_2fa_roles="admin", lockout_failures=3)
    with TestClient(app, base_url="https://testserver") as client:
        enrol_at_login(client, "admin@example.com")
        codes = [_api_login(client, "admin@example.com", "123456").status_code
                 for _ in range(3)]
        assert codes == [401, 401, 401]
        assert _api_login(client, "admin@example.com").status_code == 429


def test_an_operator_reset_asks_for_enrolment_again(
    strict: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    enrol_at_login(strict, "base_admin@example.com")
    user = user_row(session, "base_admin@example.com")
    two_factor.reset_two_factor(session=session, user=user)
    accounts.revoke_credentials(session=session, user=user)
    session.flush()
    assert strict.get("/account").status_code == 401
    assert _api_login(strict, "base_admin@example.com").status_code == 403
    with TestClient(strict.app, base_url="https://testserver") as browser:
        totp, _codes = enrol_at_login(browser, "base_admin@example.com")
    assert isinstance(totp, pyotp.TOTP)


def test_a_signed_in_user_may_set_it_up(client: TestClient, session: Session,
                                        tokens: dict[str, str]) -> None:
    assert web_log_in(client, "buyer@example.com").status_code == 303
    page = client.get("/account/two-factor").text
    secret = page.split('id="totp-secret" type="text" readonly value="', 1)[1].split('"', 1)[0]
    assert 'href="otpauth://totp/' in page
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    done = client.post("/account/two-factor",
                       data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert done.status_code == 200
    assert done.text.count("<li><code>") == 10
    # From now on the buyer's sign-in asks for a code too.
    assert _api_login(client, "buyer@example.com").status_code == 401
    user = user_row(session, "buyer@example.com")
    assert user.totp_secret == secret
    logged = session.scalars(select(AuditEntry).where(AuditEntry.entity == "users",
                                                      AuditEntry.entity_id == str(user.id)))
    assert all(secret not in json.dumps([e.before, e.after]) for e in logged)
