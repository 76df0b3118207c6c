"""Sign-up and onboarding through the pages: a buyer signs up, verifies its address and posts
a request; an enterprise user asks to join, its base's administrator approves and the member
answers; an administrator invites a base administrator. Tokens are single use and expire;
an unverified account can do nothing; consent is recorded with its version; sign-ups are
rate-limited per address and per network."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise, auth, csrf_token_of
from tradebase.accounts import onboarding
from tradebase.accounts.models import (
    AuditEntry,
    JoinRequest,
    PasswordResetToken,
    PrivacyConsent,
    User,
)
from tradebase.accounts.passwords import token_digest
from tradebase.registry.models import Enterprise
from tradebase.web.pages.signup import network

NEW = "a-long-new-password-1"
CODE = "91350100M000100Y43"
REQUEST = {"text": "500 rattan dining chairs, FSC certified", "quantity": "500",
           "destination": "DE"}


def _link(client: TestClient, path: str) -> str:
    outbox = client.app.state.mailer.outbox  # type: ignore[attr-defined]
    body = outbox[-1]["body"]
    found = re.search(rf"https?://\S+({re.escape(path)}\S+)", body)
    assert found, body
    return found.group(1)


def _sign_up(client: TestClient, email: str, **extra: str) -> int:
    data = {"csrf_token": csrf_token_of(client, "/signup"), "role": "buyer", "email": email,
            "password": NEW, "password_again": NEW, "organisation": "Velo Import GmbH",
            "consent": "on"} | extra
    return client.post("/signup", data=data, follow_redirects=False).status_code


def _log_in(client: TestClient, email: str, password: str = NEW) -> str:
    data = {"csrf_token": csrf_token_of(client), "email": email, "password": password}
    answer = client.post("/login", data=data, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:500]
    return answer.headers["location"]


def _verify(client: TestClient, path: str) -> int:
    token = csrf_token_of(client, path)
    return client.post(path, data={"csrf_token": token}, follow_redirects=False).status_code


def _token(link: str) -> str:
    """The token at the end of a mailed link."""
    return link.rsplit("/", 1)[1]


def _signed_up_enterprise_user(client: TestClient, email: str) -> None:
    """An enterprise user who has signed up, verified its address and signed in."""
    _sign_up(client, email, role="enterprise", organisation="")
    _verify(client, _link(client, "/signup/verify/"))
    _log_in(client, email)


def _ask_for_enterprise(client: TestClient, **fields: str) -> Response:
    """The enterprise step of onboarding: join one (``kind="join"``) or ask for a new one."""
    data = {"csrf_token": csrf_token_of(client, "/signup/enterprise"), **fields}
    return client.post("/signup/enterprise", data=data, follow_redirects=False)


def _post_request(client: TestClient) -> Response:
    data = {**REQUEST, "csrf_token": csrf_token_of(client, "/docking")}
    return client.post("/docking/requests", data=data, follow_redirects=False)


def _decide(client: TestClient, session: Session, token: str, decision: str) -> Response:
    """``decision`` ("approve", "refuse") on the one join request, by the user of ``token``."""
    row = session.scalars(select(JoinRequest)).one()
    return client.post(f"/signup/requests/{row.id}/{decision}", headers=auth(token),
                       follow_redirects=False)


def _user(session: Session, email: str) -> User:
    return session.scalars(select(User).where(User.email == email)).one()


def test_buyer_signs_up_verifies_and_posts_a_request(client: TestClient,
                                                      session: Session) -> None:
    assert _sign_up(client, "New.Buyer@Example.com") == 200
    user = _user(session, "new.buyer@example.com")
    assert user.email_verified_at is None
    consent = session.scalars(select(PrivacyConsent).where(
        PrivacyConsent.user_id == user.id)).one()
    assert consent.version == onboarding.PRIVACY_VERSION
    assert consent.at is not None
    link = _link(client, "/signup/verify/")
    # Unverified: signing in leads to "verify your e-mail", and posting is refused.
    assert _log_in(client, "new.buyer@example.com") == "/signup/verify"
    assert "/signup/verify" in client.get("/signup/verify").url.path
    assert _post_request(client).status_code == 403
    assert session.scalar(select(AuditEntry.id).where(
        AuditEntry.entity == "users", AuditEntry.entity_id == str(user.id))) is not None
    assert client.get(link).status_code == 200  # the link's page does not use it up
    assert _verify(client, link) == 303
    assert _verify(client, link) == 422  # single use
    made = _post_request(client)
    assert made.status_code == 303, made.text[:1000]


def test_a_taken_address_is_not_told_apart(client: TestClient, tokens: dict[str, str]) -> None:
    assert _sign_up(client, "buyer@example.com") == 200
    outbox = client.app.state.mailer.outbox  # type: ignore[attr-defined]
    assert outbox[-1]["subject"] == "Tradebase：您已有账户"  # in the page's language


def test_sign_up_shows_every_error_at_once(client: TestClient) -> None:
    page = client.post("/signup", data={"csrf_token": csrf_token_of(client, "/signup"),
                                        "role": "buyer", "email": "nope", "password": "a",
                                        "password_again": "b", "organisation": ""})
    assert page.status_code == 422
    for name in ("email", "password", "password_again", "organisation", "consent"):
        assert f'id="error-field-{name}"' in page.text or f'id="error-{name}"' in page.text, name
    assert 'value="nope"' in page.text


def test_verification_links_expire(client: TestClient, session: Session) -> None:
    _sign_up(client, "late@example.com")
    link = _link(client, "/signup/verify/")
    session.execute(update(PasswordResetToken).where(
        PasswordResetToken.token_hash == token_digest(_token(link)))
        .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    session.flush()
    assert _verify(client, link) == 422


def test_a_verification_link_is_not_a_reset_link(client: TestClient) -> None:
    _sign_up(client, "mixed@example.com")
    token = _token(_link(client, "/signup/verify/"))
    answer = client.post(f"/password-reset/{token}", data={
        "csrf_token": csrf_token_of(client, f"/password-reset/{token}"),
        "password": "another-password-9", "password_again": "another-password-9"})
    assert answer.status_code == 422


def test_sign_ups_are_limited_per_address_and_network(app_factory) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app_factory(login_limit="3/minute"), base_url="https://testserver") as client:
        codes = [_sign_up(client, f"script{i}@example.com") for i in range(4)]
        assert codes == [200, 200, 200, 429]
    assert network("203.0.113.7") == network("203.0.113.99") == "203.0.113.0/24"
    assert network("2001:db8::1") == "2001:db8::/64"


def test_join_request_approved_by_the_base_admin(client: TestClient, session: Session,
                                                tokens: dict[str, str]) -> None:
    anxi, member_of = anxi_and_member_enterprise(session)
    _signed_up_enterprise_user(client, "works-new@example.com")
    page = _ask_for_enterprise(client, kind="new", base_id=str(anxi.id), name="闽南藤编厂",
                               credit_code=CODE.lower())
    assert page.status_code == 422
    assert 'id="error-credit_code"' in page.text
    asked = _ask_for_enterprise(client, kind="join", enterprise_id=str(member_of.id))
    assert asked.status_code == 303
    assert _decide(client, session, tokens["buyer"], "approve").status_code == 404
    listing = client.get("/signup/requests", headers=auth(tokens["base_admin"]))
    assert "works-new@example.com" in listing.text
    assert _decide(client, session, tokens["base_admin"], "approve").status_code == 303
    user = _user(session, "works-new@example.com")
    session.refresh(user)
    assert member_of.id in user.enterprise_ids
    assert _decide(client, session, tokens["base_admin"], "refuse").status_code == 409


def test_a_new_enterprise_is_made_in_the_base(client: TestClient, session: Session,
                                             tokens: dict[str, str]) -> None:
    anxi, _ = anxi_and_member_enterprise(session)
    _signed_up_enterprise_user(client, "maker@example.com")
    asked = _ask_for_enterprise(client, kind="new", base_id=str(anxi.id), name="闽南藤编厂",
                                credit_code=CODE)
    assert asked.status_code == 303
    _decide(client, session, tokens["admin"], "approve")
    made = session.scalars(select(Enterprise).where(Enterprise.name_zh == "闽南藤编厂")).one()
    assert made.base_id == anxi.id


def test_invitation_sets_a_password_once(client: TestClient, session: Session,
                                         tokens: dict[str, str]) -> None:
    anxi, _ = anxi_and_member_enterprise(session)
    refused = client.post("/invitations", headers=auth(tokens["base_admin"]),
                          data={"email": "chief@example.com", "base_ids": str(anxi.id)})
    assert refused.status_code == 403
    sent = client.post("/invitations", headers=auth(tokens["admin"]), follow_redirects=False,
                       data={"email": "chief@example.com", "base_ids": str(anxi.id)})
    assert sent.status_code == 303
    link = _link(client, "/invitations/")
    form = {"csrf_token": csrf_token_of(client, link), "password": NEW, "password_again": NEW}
    assert client.post(link, data=form, follow_redirects=False).status_code == 303
    assert client.post(link, data=form, follow_redirects=False).status_code == 422
    assert _log_in(client, "chief@example.com") == "/my"
    chief = _user(session, "chief@example.com")
    assert chief.base_ids == [anxi.id]
    assert chief.role == "base_admin"
