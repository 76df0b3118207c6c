"""API tokens: revoking needs the write scope, and ``last_used_at`` is written at most once a
minute, outside the request's transaction, never waiting for a concurrent request."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD, auth
from tests.integration.security.auth_support import engine_with_tables, make_user, needs_postgres
from tradebase.accounts import service as accounts
from tradebase.accounts.models import ApiToken, User
from tradebase.settings import Settings
from tradebase.web.app import create_app


def _token(client: TestClient, email: str, scopes: list[str]) -> tuple[str, int]:
    body = client.post("/api/v1/auth/token",
                       json={"email": email, "password": PASSWORD, "scopes": scopes}).json()
    listed = client.get("/api/v1/auth/tokens", headers=auth(body["access_token"])).json()
    return body["access_token"], max(row["id"] for row in listed)


def test_a_read_only_token_cannot_revoke_a_read_write_token(
    client: TestClient, tokens: dict[str, str]
) -> None:
    writer, writer_id = _token(client, "buyer@example.com", ["read", "write"])
    reader, reader_id = _token(client, "buyer@example.com", ["read"])
    refused = client.delete(f"/api/v1/auth/tokens/{writer_id}", headers=auth(reader))
    assert refused.status_code == 403
    assert "write scope" in refused.json()["error"]["message"]
    assert client.get("/api/v1/auth/me", headers=auth(writer)).status_code == 200
    # Not even itself: revoking is a write.
    assert client.delete(f"/api/v1/auth/tokens/{reader_id}",
                         headers=auth(reader)).status_code == 403
    assert client.delete(f"/api/v1/auth/tokens/{reader_id}",
                         headers=auth(writer)).status_code == 204
    assert client.get("/api/v1/auth/me", headers=auth(reader)).status_code == 401


def test_someone_elses_token_is_not_found(client: TestClient, session: Session,
                                          tokens: dict[str, str]) -> None:
    admin = session.scalars(select(User).where(User.email == "admin@example.com")).one()
    theirs = session.scalars(select(ApiToken.id).where(ApiToken.user_id == admin.id)).first()
    refused = client.delete(f"/api/v1/auth/tokens/{theirs}", headers=auth(tokens["buyer"]))
    assert refused.status_code == 404


def _last_used(session: Session, token_id: int):  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token_id))


def test_last_used_at_is_written_at_most_once_a_minute(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    token, token_id = _token(client, "officer@example.com", ["read"])
    first = _last_used(session, token_id)
    assert first is not None
    for _ in range(3):
        assert client.get("/api/v1/auth/me", headers=auth(token)).status_code == 200
    assert _last_used(session, token_id) == first  # not due: no write at all
    earlier = first - timedelta(seconds=61)
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=earlier))
    session.flush()
    assert client.get("/api/v1/auth/me", headers=auth(token)).status_code == 200
    assert _last_used(session, token_id) > earlier  # due again: written


@needs_postgres
def test_a_request_does_not_wait_for_another_holding_its_tokens_row() -> None:
    """A concurrent request that holds the token's row (here: a transaction of the test) does
    not hold up this one: the due write is skipped (SKIP LOCKED), never waited for. The
    request's connections give up after 2 s of waiting for a lock, so the old code (an
    UPDATE of the row in the request's own transaction) fails instead of hanging."""
    with engine_with_tables(lock_timeout="2000") as engine:
        make_user(engine, "shared@example.com")
        with Session(engine) as session:
            user = session.scalars(select(User)).one()
            token, row = accounts.issue_token(session=session, user=user, settings=Settings())
            session.commit()
            token_id = row.id
        app = create_app(engine, settings=Settings(api_limit="100000/minute"))
        with engine.connect() as holder, TestClient(app, base_url="https://testserver") as client:
            holder.execute(text("SELECT id FROM api_tokens WHERE id = :id FOR UPDATE"),
                           {"id": token_id})
            answer = client.get("/api/v1/auth/me", headers=auth(token))
            assert answer.status_code == 200
            holder.rollback()
            assert client.get("/api/v1/auth/me", headers=auth(token)).status_code == 200
        with Session(engine) as session:
            assert session.get(ApiToken, token_id).last_used_at is not None  # type: ignore[union-attr]
