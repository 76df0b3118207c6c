"""axe-core in the browser tests: the page's serious and critical accessibility violations.

axe-core comes from npm (``package.json`` pins it); Playwright injects it as a script tag,
which the app's CSP (scripts from 'self' only) lets through only in a context opened with
``bypass_csp=True`` (``axe_context``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_context(browser: Browser, *, locale: str, width: int = 1280) -> BrowserContext:
    """A browser profile in ``locale`` in which axe-core can be injected."""
    return browser.new_context(
        viewport={"width": width, "height": 900}, locale=locale, bypass_csp=True,
        extra_http_headers={"Accept-Language": f"{locale},{locale.split('-')[0]};q=0.9"},
    )


def violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations of the page as it is now (WCAG 2 A/AA)."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci --ignore-scripts`")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        """async () => await window.axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'best-practice']},
            resultTypes: ['violations'],
        })"""
    )
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(found: list[dict[str, Any]]) -> str:
    """The violations, one line per rule with the first offending elements."""
    lines = []
    for violation in found:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        lines.append(f"{violation['impact']} {violation['id']}: {violation['help']} "
                     f"({len(violation['nodes'])}×: {'; '.join(targets)})")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail on any serious or critical axe-core violation of the page."""
    found = violations(page)
    assert not found, f"axe-core on {page.url}:\n{describe(found)}"
