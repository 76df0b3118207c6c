"""Helpers of the authentication tests: a private PostgreSQL schema with committed data for
real concurrent connections, and the sign-in steps a browser or an API client takes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD, csrf_token_of
from tests.postgres import POSTGRES_URL, private_schema
from tradebase.accounts import service as accounts
from tradebase.accounts.guard import set_actor
from tradebase.accounts.models import User
from tradebase.accounts.policy import SYSTEM
from tradebase.accounts.roles import Role
from tradebase.db import Model
from tradebase.models import load_all_models

needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="needs TRADEBASE_TEST_POSTGRES_URL (real concurrent connections)"
)


@contextmanager
def engine_with_tables(*, pool_size: int = 32, **settings: str) -> Iterator[Engine]:
    """An engine on a PostgreSQL schema of its own (``tests/postgres.py``; its connections set
    ``settings``, tables created, dropped afterwards), with a pool large enough for every
    thread to hold its own connection."""
    with private_schema("tb_auth") as schema:
        engine = create_engine(schema.url(**settings), pool_size=pool_size, max_overflow=0,
                               pool_pre_ping=True)
        try:
            load_all_models()
            Model.metadata.create_all(engine)
            yield engine
        finally:
            engine.dispose()


def make_user(engine: Engine, email: str, role: Role = Role.OFFICER) -> int:
    """A committed user with the tests' password; returns its id."""
    with Session(engine) as session:
        set_actor(session, SYSTEM)
        user = accounts.create_user(session=session, email=email, password=PASSWORD, role=role)
        session.commit()
        return user.id


def web_log_in(client: TestClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """The password step of the login page, as a browser posts it."""
    return client.post(
        "/login", data={"email": email, "password": password, "next": "/account",
                        "csrf_token": csrf_token_of(client)},
        follow_redirects=False,
    )


def page_csrf(client: TestClient, page: str) -> str:
    return csrf_token_of(client, page)


def enrol_at_login(client: TestClient, email: str) -> tuple[pyotp.TOTP, list[str]]:
    """Sign in as ``email`` whose role requires a second factor not set up yet: the password,
    then the enrolment page's key, then a code of it. Returns the app and the recovery codes."""
    assert web_log_in(client, email).headers["location"].startswith("/login/two-factor")
    page = client.get("/login/two-factor").text
    secret = page.split('id="totp-secret" type="text" readonly value="', 1)[1].split('"', 1)[0]
    totp = pyotp.TOTP(secret)
    done = client.post("/login/two-factor", data={
        "code": totp.now(), "next": "/account",
        "csrf_token": csrf_token_of(client, "/login/two-factor"),
    }, follow_redirects=False)
    assert done.status_code == 200, done.text
    codes = [part.split("</code>", 1)[0] for part in done.text.split("<li><code>")[1:]]
    return totp, codes


def user_row(session: Session, email: str) -> User:
    session.expire_all()
    return session.scalars(select(User).where(User.email == email)).one()
