"""Shared fixtures: the database backends, a rolled-back transaction per test, the web client.

Every test that uses ``engine`` (directly or through ``session`` or ``client``) runs once on
SQLite and, when ``TRADEBASE_TEST_POSTGRES_URL`` is set, once more on PostgreSQL, in a schema
that the suite creates and drops itself. The demo data is loaded once per backend; each test
runs in a transaction that is rolled back, so tests never see each other's writes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from tests.postgres import POSTGRES_URL, private_schema
from tradebase.accounts.guard import set_actor
from tradebase.accounts.passwords import TEST_HASHING
from tradebase.accounts.policy import SYSTEM
from tradebase.analytics.trade_demo import load_demo_trade
from tradebase.db import make_engine
from tradebase.events.demo import load_demo_event
from tradebase.migrate import upgrade
from tradebase.registry.demo import load_demo
from tradebase.registry.models import Base, Enterprise
from tradebase.settings import Settings
from tradebase.web.app import create_app

# Tests that want sentence embeddings patch in an encoder; the packaged model (the default
# backend) would spend ~40 ms on every listing the suite writes.
os.environ.setdefault("TRADEBASE_EMBEDDING_BACKEND", "none")
# Argon2's cheapest parameters: the suite creates thousands of users and sign-ins;
# tests/unit/accounts/test_passwords.py checks that nothing else ever uses them.
os.environ[TEST_HASHING] = "1"
if os.environ.get("TRADEBASE_REQUIRE_POSTGRES") == "1" and not POSTGRES_URL:
    raise pytest.UsageError("TRADEBASE_REQUIRE_POSTGRES=1 but TRADEBASE_TEST_POSTGRES_URL is unset")
pytest_plugins = ["tests.fuzz"]  # the Schemathesis runs' shared app
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated database holding the demo data, for the whole run."""
    with ExitStack() as stack:
        if backend == "postgresql":
            url = stack.enter_context(private_schema("tradebase_test")).url()
        else:
            path: Path = tmp_path_factory.mktemp("db") / "tradebase.db"
            url = f"sqlite:///{path}"
        engine = make_engine(url)
        stack.callback(engine.dispose)  # before the schema is dropped
        upgrade(engine)
        with Session(engine) as session:
            set_actor(session, SYSTEM)
            load_demo(session=session)
            load_demo_event(session=session)
            load_demo_trade(session=session)
            session.commit()
        yield engine


PASSWORD = "correct horse battery"


def anxi_and_member_enterprise(session: Session) -> tuple[Base, Enterprise]:
    """The Anxi base, and its first enterprise: the one the seeded enterprise member belongs
    to (tests that need "own" and "other" records start here)."""
    anxi = session.scalars(select(Base).where(Base.key == "anxi")).one()
    first = session.scalars(
        select(Enterprise).where(Enterprise.base_id == anxi.id).order_by(Enterprise.id)
    ).first()
    assert first is not None
    return anxi, first


def csrf_token_of(client: TestClient, page: str = "/login") -> str:
    """This browser's CSRF token, as the forms of ``page`` carry it."""
    html = client.get(page).text
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _seed_users(engine: Engine) -> dict[str, str]:
    """One user per role, with an API token each; returns role -> token.

    The base administrator runs the first base (Anxi); the enterprise member belongs to
    the first enterprise of that base."""
    from tradebase.accounts import service as accounts
    from tradebase.accounts.roles import Role

    settings = Settings()
    tokens: dict[str, str] = {}
    with Session(engine) as session:
        set_actor(session, SYSTEM)
        anxi, first = anxi_and_member_enterprise(session)
        specs = {
            "admin": {},
            "base_admin": {"base_ids": [anxi.id]},
            "enterprise": {"enterprise_ids": [first.id]},
            "buyer": {"organisation": "Nordic Home AB"},
            "officer": {},
            # not make_round's "Foam Co": a competitor, who must not see that sealed quote
            "supplier": {"organisation": "Harbour Resins Ltd"},
        }
        for role, extra in specs.items():
            user = accounts.create_user(
                session=session, email=f"{role}@example.com", password=PASSWORD,
                role=Role(role), **extra,  # type: ignore[arg-type]
            )
            tokens[role], _ = accounts.issue_token(session=session, user=user, settings=settings)
        session.commit()
    return tokens


ROLES = ["admin", "base_admin", "enterprise", "buyer", "officer", "supplier"]


@pytest.fixture(scope="session")
def seeded_tokens(engine: Engine) -> dict[str, str]:
    return _seed_users(engine)


@pytest.fixture
def tokens(seeded_tokens: dict[str, str]) -> dict[str, str]:
    """role -> API token of the seeded user of that role."""
    return dict(seeded_tokens)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def settings() -> Settings:
    """Settings for tests: limits raised so that tests are not throttled; mail kept in memory."""
    return Settings(
        login_limit="100000/minute", api_limit="1000000/minute", mail_backend="memory"
    )


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session_maker(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits only release a savepoint of the test's transaction."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_maker: sessionmaker[Session]) -> Iterator[Session]:
    """A session acting as the system (CLI operator); permission tests set their own actor."""
    with session_maker() as db_session:
        set_actor(db_session, SYSTEM)
        yield db_session


@pytest.fixture
def app_factory(engine: Engine, session_maker: sessionmaker[Session], settings: Settings):  # type: ignore[no-untyped-def]
    def build(**overrides):  # type: ignore[no-untyped-def]
        app = create_app(engine, settings=settings.model_copy(update=overrides))
        app.state.session_factory = session_maker
        return app

    return build


@pytest.fixture
def client(app_factory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A client of the app on the test's transaction, over HTTPS so that secure cookies flow."""
    with TestClient(app_factory(), base_url="https://testserver") as test_client:
        yield test_client


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh SQLite file database that the CLI reaches through TRADEBASE_DATABASE_URL."""
    from tradebase import db
    from tradebase import settings as tradebase_settings

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("TRADEBASE_DATABASE_URL", url)
    tradebase_settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
    yield url
    db.get_engine().dispose()
    tradebase_settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
