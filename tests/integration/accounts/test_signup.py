"""Sign-up and onboarding through the pages: a buyer signs up, verifies its address and posts
a request; an enterprise user asks to join, its base's administrator approves and the member
answers; an administrator invites a base administrator. Tokens are single use and expire;
an unverified account can do nothing; consent is recorded with its version; sign-ups are
rate-limited per address and per network."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
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


def test_buyer_signs_up_verifies_and_posts_a_request(client: TestClient,
                                                      session: Session) -> None:
    assert _sign_up(client, "New.Buyer@Example.com") == 200
    user = session.scalars(select(User).where(User.email == "new.buyer@example.com")).one()
    assert user.email_verified_at is None
    consent = session.scalars(select(PrivacyConsent).where(
        PrivacyConsent.user_id == user.id)).one()
    assert consent.version == onboarding.PRIVACY_VERSION
    assert consent.at is not None
    link = _link(client, "/signup/verify/")
    # Unverified: signing in leads to "verify your e-mail", and posting is refused.
    assert _log_in(client, "new.buyer@example.com") == "/signup/verify"
    assert "/signup/verify" in client.get("/signup/verify").url.path
    refused = client.post("/docking/requests", data={**REQUEST, "csrf_token":
                                                     csrf_token_of(client, "/docking")})
    assert refused.status_code == 403
    assert session.scalar(select(AuditEntry.id).where(
        AuditEntry.entity == "users", AuditEntry.entity_id == str(user.id))) is not None
    assert client.get(link).status_code == 200  # the link's page does not use it up
    assert _verify(client, link) == 303
    assert _verify(client, link) == 422  # single use
    made = client.post("/docking/requests", data={**REQUEST, "csrf_token":
                                                  csrf_token_of(client, "/docking")},
                       follow_redirects=False)
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
        PasswordResetToken.token_hash == token_digest(link.rsplit("/", 1)[1]))
        .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    session.flush()
    assert _verify(client, link) == 422


def test_a_verification_link_is_not_a_reset_link(client: TestClient) -> None:
    _sign_up(client, "mixed@example.com")
    token = _link(client, "/signup/verify/").rsplit("/", 1)[1]
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
    _sign_up(client, "works-new@example.com", role="enterprise", organisation="")
    _verify(client, _link(client, "/signup/verify/"))
    _log_in(client, "works-new@example.com")
    page = client.post("/signup/enterprise", data={
        "csrf_token": csrf_token_of(client, "/signup/enterprise"), "kind": "new",
        "base_id": str(anxi.id), "name": "闽南藤编厂", "credit_code": CODE.lower()})
    assert page.status_code == 422
    assert 'id="error-credit_code"' in page.text
    asked = client.post("/signup/enterprise", data={
        "csrf_token": csrf_token_of(client, "/signup/enterprise"), "kind": "join",
        "enterprise_id": str(member_of.id)}, follow_redirects=False)
    assert asked.status_code == 303
    row = session.scalars(select(JoinRequest)).one()
    assert client.post(f"/signup/requests/{row.id}/approve", headers=auth(tokens["buyer"])
                       ).status_code == 404
    listing = client.get("/signup/requests", headers=auth(tokens["base_admin"]))
    assert "works-new@example.com" in listing.text
    done = client.post(f"/signup/requests/{row.id}/approve", headers=auth(tokens["base_admin"]),
                       follow_redirects=False)
    assert done.status_code == 303
    user = session.scalars(select(User).where(User.email == "works-new@example.com")).one()
    session.refresh(user)
    assert member_of.id in user.enterprise_ids
    again = client.post(f"/signup/requests/{row.id}/refuse", headers=auth(tokens["base_admin"]))
    assert again.status_code == 409


def test_a_new_enterprise_is_made_in_the_base(client: TestClient, session: Session,
                                             tokens: dict[str, str]) -> None:
    anxi, _ = anxi_and_member_enterprise(session)
    _sign_up(client, "maker@example.com", role="enterprise", organisation="")
    _verify(client, _link(client, "/signup/verify/"))
    _log_in(client, "maker@example.com")
    asked = client.post("/signup/enterprise", data={
        "csrf_token": csrf_token_of(client, "/signup/enterprise"), "kind": "new",
        "base_id": str(anxi.id), "name": "闽南藤编厂", "credit_code": CODE},
        follow_redirects=False)
    assert asked.status_code == 303
    row = session.scalars(select(JoinRequest)).one()
    client.post(f"/signup/requests/{row.id}/approve", headers=auth(tokens["admin"]))
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
    chief = session.scalars(select(User).where(User.email == "chief@example.com")).one()
    assert chief.base_ids == [anxi.id]
    assert chief.role == "base_admin"
