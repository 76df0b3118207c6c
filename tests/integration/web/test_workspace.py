"""Each role's home page (``/my``), the base dashboard linked from the base page, and no
broken link for what is not built yet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD, ROLES, csrf_token_of
from tradebase.accounts import service as accounts
from tradebase.accounts.models import JoinRequest, User
from tradebase.accounts.roles import Role
from tradebase.registry.models import Base, Enterprise
from tradebase.settings import Settings

LANGS = ["zh", "en"]


def _as(role: str, tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
def test_every_role_has_its_home(
    speak: Callable[[str], TestClient], tokens: dict[str, str], role: str, lang: str,
    anxi: Base,
) -> None:
    page = speak(lang).get("/my", headers=_as(role, tokens))
    assert page.status_code == 200
    html = page.text
    assert ('id="my-requests"' in html) == (role in ("buyer", "admin"))
    assert ('id="my-enquiries"' in html) == (role in ("enterprise", "base_admin"))
    assert ('id="my-enterprises"' in html) == (role == "enterprise")
    dashboard = f'href="/docking/bases/{anxi.id}/dashboard"'
    # The dashboards a role may open (VIEW_DOCKING_DASHBOARD in accounts/policy.py).
    assert (dashboard in html) == (role in ("admin", "base_admin", "officer"))
    assert 'href="/my"' in html  # the top bar leads back here
    if lang == "zh":
        assert "我的工作台" in html


def test_anonymous_visitors_are_asked_to_log_in(client: TestClient) -> None:
    page = client.get("/my")
    assert page.status_code == 401
    assert 'href="/my"' not in page.text


def test_signing_in_without_a_target_leads_to_the_role_home(
    client: TestClient, tokens: dict[str, str]  # tokens: the seeded users exist
) -> None:
    token = csrf_token_of(client)
    done = client.post("/login", data={"email": "buyer@example.com", "password": PASSWORD,
                                       "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == "/my"


@pytest.mark.parametrize("role", ROLES)
def test_the_base_page_links_its_dashboard_for_who_may_read_it(
    client: TestClient, tokens: dict[str, str], role: str, anxi: Base
) -> None:
    html = client.get(f"/bases/{anxi.id}", headers=_as(role, tokens)).text
    linked = 'id="dashboard-link"' in html
    assert linked == (role in ("admin", "base_admin", "officer"))
    if linked:
        board = client.get(f"/docking/bases/{anxi.id}/dashboard", headers=_as(role, tokens))
        assert board.status_code == 200
    assert 'id="dashboard-link"' not in client.get(f"/bases/{anxi.id}").text


def test_a_base_path_that_is_not_a_number_is_not_found(client: TestClient) -> None:
    # /bases/compare comes with the analytics issue; until then a plain 404, never a 422.
    assert client.get("/bases/compare").status_code == 404


def test_an_enterprise_user_without_an_enterprise_is_led_to_join_one(
    speak: Callable[[str], TestClient], session: Session, tokens: dict[str, str], anxi: Base,
) -> None:
    # Signed up as an enterprise user and verified, a member of no enterprise yet.
    user = User(email="newcomer@example.com", password_hash="x", role=Role.ENTERPRISE.value,
                email_verified_at=datetime.now(UTC))
    session.add(user)
    session.flush()
    newcomer, _ = accounts.issue_token(session=session, user=user, settings=Settings())
    session.flush()
    html = speak("zh").get("/my", headers={"Authorization": f"Bearer {newcomer}"}).text
    assert 'id="join-enterprise"' in html
    assert 'href="/signup/enterprise"' in html
    assert "您的账户尚未加入任何企业" in html
    member = speak("en").get("/my", headers=_as("enterprise", tokens)).text
    assert 'id="join-enterprise"' not in member  # a member of one already

    bureau = speak("en").get("/my", headers=_as("base_admin", tokens)).text
    assert 'href="/signup/requests"' in bureau
    assert 'id="waiting-joins"' not in bureau  # nothing waits
    enterprise_id = session.scalars(select(Enterprise.id).where(
        Enterprise.base_id == anxi.id).order_by(Enterprise.id)).first()
    session.add(JoinRequest(user_id=user.id, base_id=anxi.id, enterprise_id=enterprise_id))
    session.flush()
    bureau = speak("en").get("/my", headers=_as("base_admin", tokens)).text
    assert 'id="waiting-joins">1</span>' in bureau
    officer = speak("en").get("/my", headers=_as("officer", tokens)).text
    assert 'href="/signup/requests"' not in officer  # only those who decide
