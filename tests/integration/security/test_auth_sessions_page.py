"""The account page: every signed-in user sees its own login sessions and API tokens, and
ends or revokes them with CSRF-protected forms."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, auth, csrf_token_of
from tests.integration.security.auth_support import web_log_in


def _rows(html: str, table: str) -> list[str]:
    body = html.split(f'id="{table}"', 1)[1].split("</tbody>", 1)[0]
    return [part.split('"', 1)[0] for part in body.split('<tr id="')[1:]]


def test_sessions_are_listed_and_revoked(client: TestClient, tokens: dict[str, str]) -> None:
    with TestClient(client.app, base_url="https://testserver",
                    headers={"user-agent": "Other Browser/1.0"}) as other:
        assert web_log_in(other, "enterprise@example.com").status_code == 303
        assert web_log_in(client, "enterprise@example.com").status_code == 303
        page = client.get("/account")
        assert page.status_code == 200
        sessions = _rows(page.text, "sessions-table")
        assert len(sessions) == 2
        assert "Other Browser/1.0" in page.text
        assert page.text.count('class="badge"') == 1  # this session is marked
        theirs = next(row for row in sessions
                      if "Other Browser" in page.text.split(f'id="{row}"', 1)[1].split("</tr>")[0])
        # Without this browser's CSRF token the form is refused.
        forged = client.post("/account/sessions/revoke",
                             data={"session_id": theirs.removeprefix("session-")})
        assert forged.status_code == 403
        assert other.get("/account").status_code == 200
        ended = client.post("/account/sessions/revoke", data={
            "session_id": theirs.removeprefix("session-"),
            "csrf_token": csrf_token_of(client, "/account"),
        }, follow_redirects=False)
        assert ended.status_code == 303
        assert other.get("/account").status_code == 401
        assert len(_rows(client.get("/account").text, "sessions-table")) == 1


def test_tokens_are_listed_and_revoked(client: TestClient, tokens: dict[str, str]) -> None:
    issued = client.post("/api/v1/auth/token", json={
        "email": "buyer@example.com", "password": PASSWORD, "name": "erp sync"}).json()
    assert web_log_in(client, "buyer@example.com").status_code == 303
    page = client.get("/account").text
    assert "erp sync" in page
    assert issued["access_token"][:10] in page
    assert issued["access_token"] not in page  # only the prefix is ever shown
    row = next(r for r in _rows(page, "tokens-table")
               if "erp sync" in page.split(f'id="{r}"', 1)[1].split("</tr>")[0])
    revoked = client.post("/account/tokens/revoke", data={
        "token_id": row.removeprefix("token-"), "csrf_token": csrf_token_of(client, "/account"),
    }, follow_redirects=False)
    assert revoked.status_code == 303
    assert client.get(revoked.headers["location"]).status_code == 200
    with TestClient(client.app, base_url="https://testserver") as api:
        assert api.get("/api/v1/auth/me", headers=auth(issued["access_token"])).status_code == 401


def test_someone_elses_session_is_not_found(client: TestClient, tokens: dict[str, str]) -> None:
    with TestClient(client.app, base_url="https://testserver") as other:
        assert web_log_in(other, "officer@example.com").status_code == 303
        their_id = _rows(other.get("/account").text, "sessions-table")[0]
        assert web_log_in(client, "buyer@example.com").status_code == 303
        refused = client.post("/account/sessions/revoke", data={
            "session_id": their_id.removeprefix("session-"),
            "csrf_token": csrf_token_of(client, "/account"),
        })
        assert refused.status_code == 404
        assert other.get("/account").status_code == 200


def test_the_page_speaks_chinese(client: TestClient, tokens: dict[str, str]) -> None:
    assert web_log_in(client, "buyer@example.com").status_code == 303
    client.cookies.set("lang", "zh")
    page = client.get("/account").text
    assert "登录会话" in page or "会话" in page


def test_anonymous_is_asked_to_log_in(client: TestClient) -> None:
    assert client.get("/account").status_code == 401
