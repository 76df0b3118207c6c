"""The crawl of issue 10: every page each role reaches by following links, in Chinese, at a
phone's width (390 px) and a laptop's (1,280 px).

On every page: no serious or critical axe-core violation, no sideways scroll, no link that
answers an error (an action the user may not take is not shown), and no English where the
interface should be Chinese: neither a catalog message left untranslated nor a validator's
English phrase.
"""

from __future__ import annotations

import os
import re
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, Page
from sqlalchemy.engine import Engine

from tests.browser.axe import axe_context, describe, violations
from tests.browser.conftest import REPO, add_admin_and_officer, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = (1280, 390)
USERS = {
    "anonymous": None,
    "admin": "admin@example.com",
    "base_admin": "bureau@example.com",
    "enterprise": "works@example.com",
    "buyer": "buyer@example.com",
    "officer": "officer@example.com",
}
START = ("/", "/my", "/enterprises", "/search", "/docking", "/docking/inbox", "/capacity",
         "/procurement", "/inbox", "/account", "/audit")
# Not pages: other languages, the API and files, leaving the session.
SKIP = re.compile(r"^/(lang|api|static|logout)(/|$)|\.(csv|xlsx|json|png|jpe?g|pdf|ics)$|/export")
VALIDATOR_ENGLISH = ("String should", "Field required", "Input should", "Value error",
                     "value is not a valid", "Extra inputs are not permitted")
MAX_PAGES = 80
# How far apart the tops of the top bar's items are (0 when they sit on one row).
BAR_ROWS = """() => {
  const tops = [...document.querySelectorAll('header.topbar > *')]
    .filter(e => e.getClientRects().length).map(e => e.getBoundingClientRect().top);
  return {spread: Math.max(...tops) - Math.min(...tops)};
}"""
# A full-page screenshot of every page at both widths costs more than the checks themselves:
# taken for a page with a problem, and for every page with TRADEBASE_CRAWL_SCREENSHOTS=1.
ALL_SHOTS = os.environ.get("TRADEBASE_CRAWL_SCREENSHOTS") == "1"
CATALOG = REPO / "src" / "tradebase" / "web" / "i18n" / "zh" / "LC_MESSAGES" / "messages.po"


def _english_phrases() -> list[str]:
    """The English of the zh catalog's messages that Chinese replaces, in pieces long enough
    not to be a product's or a person's name: literal runs of two or more words."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    phrases: set[str] = set()
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or message.string == message.id:
            continue
        for piece in re.split(r"%\(\w+\)[sd]|%[sd]|[“”\"():…]", message.id):
            piece = piece.strip(" .,;·›‹+")
            if piece.count(" ") >= 1 and len(piece) >= 10 and re.search("[a-z]", piece):
                phrases.add(piece)
    return sorted(phrases, key=len, reverse=True)


PHRASES = _english_phrases()
# The page's text outside elements marked as another language (an English product title, a
# language's own name in the switcher, a quote in its article's language).
TEXT_JS = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('script, style, [lang]:not([lang^="zh"])').forEach(e => e.remove());
  return body.textContent.replace(/\\s+/g, ' ');
}"""


def pattern(path: str) -> str:
    """Pages of one kind count once: /enterprises/7 and /enterprises/9 are one page."""
    return re.sub(r"\d+", "{n}", path)


def check_page(page: Page, problems: list[str], shots: Path, name: str) -> None:
    """The checks of one page, at each width."""
    before = len(problems)
    text = page.evaluate(TEXT_JS)
    english = [p for p in VALIDATOR_ENGLISH if p in text]
    english += [p for p in PHRASES if p in text][:5]
    if english:
        problems.append(f"{page.url}: English in the Chinese page: {english}")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        # Charts and other observers re-lay out on the next frames after a resize.
        page.evaluate("() => new Promise(done => requestAnimationFrame("
                      "() => requestAnimationFrame(done)))")
        wide = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]")
        if width == 1280 and page.evaluate(BAR_ROWS)["spread"] >= 16:
            problems.append(f"{page.url}: the top bar wraps to two rows at 1280 px")
        if wide[0] > wide[1]:
            problems.append(f"{page.url} at {width} px scrolls sideways ({wide[0]} > {wide[1]})")
        found = violations(page)
        if found:
            problems.append(f"{page.url} at {width} px:\n{describe(found)}")
        if ALL_SHOTS or len(problems) > before:
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("role", list(USERS))
def test_every_reachable_page_in_chinese(
    browser: Browser, live_server: str, live_engine: Engine, artifacts: Path, role: str,
) -> None:
    add_admin_and_officer(live_engine)
    shots = artifacts / "crawl" / role
    shots.mkdir(parents=True, exist_ok=True)
    context = axe_context(browser, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    email = USERS[role]
    if email:
        log_in(page, live_server, email)
    seen: set[str] = set()
    queue: deque[tuple[str, str]] = deque((path, "start") for path in START)
    problems: list[str] = []
    visited = 0
    while queue and visited < MAX_PAGES:
        path, came_from = queue.popleft()
        if pattern(urlsplit(path).path) in seen:
            continue
        seen.add(pattern(urlsplit(path).path))
        response = page.goto(live_server + path)
        assert response is not None
        if urlsplit(page.url).path == "/login" and urlsplit(path).path != "/login":
            if came_from != "start":
                problems.append(f"{path} (linked from {came_from}) asks to log in")
            continue
        if response.status >= 400:
            if came_from != "start":
                problems.append(f"{path} (linked from {came_from}) answers {response.status}")
            continue
        visited += 1
        name = re.sub(r"[^a-z0-9]+", "-", pattern(path).lower()).strip("-") or "home"
        check_page(page, problems, shots, name)
        for href in page.eval_on_selector_all(
                "a[href]:not([download])", "links => links.map(a => a.href)"):
            url, _fragment = urldefrag(href)
            parts = urlsplit(url)
            if url.startswith(live_server) and not SKIP.search(parts.path):
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if pattern(parts.path) not in seen:
                    queue.append((target, path))
    context.close()
    assert not errors, "\n".join(errors)
    assert not problems, f"{role}, {visited} pages:\n" + "\n".join(problems)
