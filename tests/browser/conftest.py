"""A live Tradebase server on the demo data and a headless Chromium driven by Playwright.

The server runs uvicorn in a background thread on a free 127.0.0.1 port, on a fresh temporary
SQLite file (migrated, demo data loaded and committed), for the whole browser session. The
browser is Debian's ``chromium`` package: Playwright drives it, it downloads no browser.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tradebase.accounts import service as accounts
from tradebase.accounts.mail import MemoryMailSender
from tradebase.accounts.models import User
from tradebase.accounts.policy import system_actor
from tradebase.accounts.roles import Role
from tradebase.analytics.trade_demo import load_demo_trade
from tradebase.db import make_engine
from tradebase.events.demo import load_demo_event
from tradebase.migrate import upgrade
from tradebase.registry import service
from tradebase.registry.demo import load_demo
from tradebase.settings import get_settings
from tradebase.uow import unit_of_work
from tradebase.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS_FOR_DOCS = REPO / "docs" / "screenshots"
VENDOR = REPO / "src" / "tradebase" / "web" / "static" / "vendor"
LIVE_MAIL = MemoryMailSender()
"""The mail the live server sends (sign-up links, notifications), for the tests to read."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


BROWSER_PASSWORD = "browser test passphrase"


def log_in(page: Page, live_server: str, email: str) -> None:
    """Log in through the login page, as a person would."""
    page.goto(f"{live_server}/login")
    page.fill("#login-email", email)
    page.fill("#login-password", BROWSER_PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator(".account .who")).to_have_text(email)


def log_out(page: Page) -> None:
    """Log out from the account's menu of the top bar."""
    page.click("#account-menu summary")
    page.click("#logout-form button")
    expect(page.locator("a[href^='/login']")).to_be_visible()


def mailed_link(to: str, path: str = "/signup/verify/") -> str:
    """The path of the last link to ``path...`` that the live server mailed to ``to``."""
    body = next(mail["body"] for mail in reversed(LIVE_MAIL.outbox) if mail["to"] == to)
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", body)
    assert found, body
    return found.group(1)


def add_admin_and_officer(engine: Engine) -> None:
    """An administrator and a programme officer (admin@ and officer@example.com), once."""
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        for email, role in (("admin@example.com", Role.ADMIN),
                            ("officer@example.com", Role.OFFICER)):
            if session.scalar(select(User.id).where(User.email == email)) is None:
                accounts.create_user(session=session, email=email, password=BROWSER_PASSWORD,
                                     role=role)


@pytest.fixture(scope="session")
def live_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A fresh SQLite database with the demo data and users: the enterprise member of Anxi's
    first enterprise, Anxi's base administrator, a buyer, and two suppliers' members."""
    path = tmp_path_factory.mktemp("browser-db") / "tradebase.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        load_demo(session=session)
        load_demo_event(session=session)
        load_demo_trade(session=session)  # sample trade flows: the base page's world map
        anxi = service.get_base_by_key(session=session, key="anxi")
        assert anxi is not None
        first, _ = service.list_enterprises(
            session=session, filters=service.ListFilters(base_id=anxi.id), limit=1
        )
        accounts.create_user(session=session, email="works@example.com",
                             password=BROWSER_PASSWORD, role=Role.ENTERPRISE,
                             enterprise_ids=[first[0].id])
        accounts.create_user(session=session, email="bureau@example.com",
                             password=BROWSER_PASSWORD, role=Role.BASE_ADMIN, base_ids=[anxi.id])
        accounts.create_user(session=session, email="buyer@example.com",
                             password=BROWSER_PASSWORD, role=Role.BUYER,
                             organisation="Nordic Home AB")
        for email, organisation in (("resins@example.com", "Harbour Resins Ltd"),
                                    ("foam@example.com", "Foam Co")):
            accounts.create_user(session=session, email=email, password=BROWSER_PASSWORD,
                                 role=Role.SUPPLIER, organisation=organisation)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_engine: Engine) -> Iterator[str]:
    """The base URL of a Tradebase server holding the demo data."""
    vendored = ("htmx.min.js", "chart.umd.js", "chartjs-chart-geo.umd.min.js",
                "countries-110m.json")
    missing = [name for name in vendored if not (VENDOR / name).exists()]
    if missing:
        pytest.fail(
            f"static/vendor/ lacks {', '.join(missing)}: run `npm ci --ignore-scripts` and copy "
            "them from node_modules (make install does both)"
        )
    engine = live_engine
    port = _free_port()
    config = uvicorn.Config(
        # Every browser test signs in through the login page, from one address: the login
        # limit is raised so that the suite's sign-ins never trip it (its 429 is tested in
        # tests/integration/security).
        create_app(engine, settings=get_settings().model_copy(
            update={"login_limit": "1000/minute"}), mailer=LIVE_MAIL),
        host="127.0.0.1", port=port, log_level="warning", http="h11", ws="none",
        lifespan="on", access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the Tradebase test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Headless Debian Chromium. Missing, it fails the run: the browser tests are required."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Install it with `apt-get install chromium` (make test does when it may)."
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile per test (no cookies), in English unless a test switches."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-US",
        extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
    )
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page that fails the test on any JavaScript error or CSP violation. A test that
    expects refusals names their statuses with ``@pytest.mark.allow_http_errors(403)``."""
    page = context.new_page()
    problems: list[str] = []
    marker = request.node.get_closest_marker("allow_http_errors")
    # A form answered 422 with its messages is the page working, not an error.
    allowed = {422, *(marker.args if marker else ())}

    def on_console(message: ConsoleMessage) -> None:
        expected = any(f"status of {status}" in message.text for status in allowed)
        if message.type == "error" and not expected:
            problems.append(f"console {message.type}: {message.text}")

    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", on_console)
    yield page
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/ at the repository root (git-ignored): screenshots of a run."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def docs_screenshots() -> Path:
    """docs/screenshots/: the pictures the README shows."""
    SCREENSHOTS_FOR_DOCS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS_FOR_DOCS
