"""A buyer signs up in the browser, opens the link of its mail, and posts a request; the
sign-up and verification pages at 390 and 1,280 px, in Chinese and English."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import mailed_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "a-long-browser-password-7"
TEXT = "800 rattan dining chairs, ISO9001, delivered to Germany within 60 days"


def _shots(page: Page, artifacts: Path, name: str) -> None:
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)


@pytest.mark.allow_http_errors(403, 422)
def test_a_buyer_signs_up_verifies_and_posts_a_request(page: Page, live_server: str,
                                                       artifacts: Path) -> None:
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{lang}?next=/signup")
        expect(page.locator("#signup-form")).to_be_visible()
        page.click("#signup-form button[type=submit]")  # everything wrong first
        expect(page.locator("#error-consent")).to_be_visible()
        _shots(page, artifacts, f"signup-errors-{lang}")
    email = "browser-buyer@example.com"
    page.fill("#field-email", email)
    page.fill("#field-password", PASSWORD)
    page.fill("#field-password_again", PASSWORD)
    page.fill("#field-organisation", "Fjord Interiors AS")
    page.check("#field-consent")
    page.click("#signup-form button[type=submit]")
    expect(page.locator("#signup-sent")).to_be_visible()
    _shots(page, artifacts, "signup-sent-en")

    # Signed in before verifying: only "verify your e-mail".
    page.goto(f"{live_server}/login")
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/signup/verify")
    page.goto(f"{live_server}/lang/zh?next=/signup/verify")
    expect(page.locator("#resend-form")).to_be_visible()
    _shots(page, artifacts, "signup-verify-zh")

    page.goto(f"{live_server}{mailed_link(email)}")
    page.click("#confirm-form button[type=submit]")
    page.wait_for_url("**/login?verified=1")
    page.goto(f"{live_server}/lang/en?next=/docking")
    page.fill("#field-text", TEXT)
    page.click("#read-text")
    expect(page.locator("#field-quantity")).to_have_value("800")
    page.click("#confirm-request")
    page.wait_for_url("**/docking/requests/*")
    expect(page.locator("h1")).to_be_visible()
    _shots(page, artifacts, "signup-request-en")
