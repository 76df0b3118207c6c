"""A competition end to end (issue 11): the organisers add a judge on their page; an
enterprise's member and a designer submit entries; the judge scores the entries assigned to
it; the organisers close the judging, check the ranking and publish it; the public page shows
the ranking with its tie explained — on a phone and a desktop, in Chinese and English."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from tests.browser.conftest import add_admin_and_officer, log_in, log_out
from tradebase.accounts.policy import system_actor
from tradebase.events.competition_models import CompetitionCategory, CompetitionCriterion
from tradebase.events.models import Event, EventBase
from tradebase.registry import service
from tradebase.uow import unit_of_work

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _competition(engine: Engine) -> tuple[int, dict[str, int]]:
    """A published qipao design competition of Anxi: one category, design (weight 3) and
    craft (weight 1), each scored out of 10."""
    with unit_of_work(system_actor("browser-tests"), engine=engine) as session:
        anxi = service.get_base_by_key(session=session, key="anxi")
        assert anxi is not None
        event = Event(kind="competition", title_en="Anxi rattan design competition",
                      title_zh="安溪藤编设计大赛", city="Anxi", status="open", published=True,
                      base_rows=[EventBase(base_id=anxi.id)])
        session.add(event)
        session.flush()
        category = CompetitionCategory(event_id=event.id, name_zh="家居藤编",
                                       name_en="Rattan furniture")
        session.add(category)
        session.flush()
        design = CompetitionCriterion(event_id=event.id, name_zh="设计", name_en="Design",
                                      weight=3, max_score=10)
        craft = CompetitionCriterion(event_id=event.id, name_zh="工艺", name_en="Craft",
                                     weight=1, max_score=10)
        session.add_all([design, craft])
        session.flush()
        return event.id, {"design": design.id, "craft": craft.id}


def _shoot(page: Page, live_server: str, url: str, artifacts: Path, name: str) -> None:
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/lang/{lang}")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            page.screenshot(path=str(artifacts / f"{name}-{lang}-{width}.png"), full_page=True)
    page.goto(f"{live_server}/lang/en")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)


def _submit(page: Page, base: str, title: str, *, as_enterprise: bool, name: str = "") -> None:
    page.goto(f"{base}/entries/new")
    if as_enterprise:
        page.select_option("#field-entrant", index=1)
    else:
        page.fill("#field-person_name", name)
    page.fill("#field-title", title)
    page.fill("#field-description", "Hand-woven rattan, natural dyes")
    page.click("#entry-form button[type=submit]")
    expect(page.locator("#my-entries")).to_contain_text(title)


def test_enter_judge_close_publish_ranking(
    page: Page, live_server: str, live_engine: Engine, artifacts: Path
) -> None:
    add_admin_and_officer(live_engine)
    event, criteria = _competition(live_engine)
    base = f"{live_server}/events/{event}/competition"
    page.goto(f"{live_server}/lang/en")
    log_in(page, live_server, "bureau@example.com")
    page.goto(f"{base}/manage")
    page.fill("#field-judge-email", "officer@example.com")
    page.click("#judge-form button[type=submit]")
    expect(page.locator("#judges")).to_contain_text("officer@example.com")
    log_out(page)
    # an enterprise's member enters its enterprise, a designer herself; an equal total
    log_in(page, live_server, "works@example.com")
    page.goto(f"{live_server}/events/{event}")
    page.click("a[href$='/competition']")
    _submit(page, base, "Lotus chair", as_enterprise=True)
    _shoot(page, live_server, f"{base}/entries/new", artifacts, "competition-entry")
    log_out(page)
    log_in(page, live_server, "buyer@example.com")
    _submit(page, base, "Tide lamp", as_enterprise=False, name="Li Na")
    _submit(page, base, "Reed stool", as_enterprise=False, name="Li Na")
    log_out(page)
    # the judge scores what is assigned to it: sealed until the close
    log_in(page, live_server, "officer@example.com")
    page.goto(f"{base}/judging")
    forms = page.locator("form.score-form")
    expect(forms).to_have_count(3)
    for index, (design, craft) in enumerate((("9", "5"), ("8", "8"), ("6", "6"))):
        page.goto(f"{base}/judging")
        form = page.locator("form.score-form").nth(index)
        form.locator(f"input[name=score_{criteria['design']}]").fill(design)
        form.locator(f"input[name=score_{criteria['craft']}]").fill(craft)
        form.locator("button[type=submit]").click()
        expect(page.locator("form.score-form").nth(index).locator(
            f"input[name=score_{criteria['design']}]")).to_have_value(design)
    _shoot(page, live_server, f"{base}/judging", artifacts, "competition-judging")
    log_out(page)
    # the organisers close, check and publish
    log_in(page, live_server, "bureau@example.com")
    page.goto(f"{base}/manage")
    page.select_option("#tie-break", "heaviest_criterion")
    page.click("#tie-break-form button")
    page.click("#close-form button")
    expect(page.locator("#results")).to_contain_text("Lotus chair")
    _shoot(page, live_server, f"{base}/manage", artifacts, "competition-manage")
    page.click("#publish-form button[type=submit]")
    expect(page).to_have_url(f"{base}#results")
    log_out(page)
    # everyone sees the ranking and why the tie fell as it did
    page.goto(base)
    ranking = page.locator("#results table.ranking tbody tr")
    expect(ranking).to_have_count(3)
    expect(ranking.nth(0)).to_contain_text("Lotus chair")
    expect(ranking.nth(1)).to_contain_text("Tide lamp")
    expect(page.locator("#results .ties")).to_contain_text(
        "the tie is broken by the higher mean on the heaviest criterion that differs, Design")
    _shoot(page, live_server, base, artifacts, "competition-results")
    page.goto(f"{live_server}/lang/zh")
    page.goto(base)
    expect(page.locator("#results .ties")).to_contain_text("权重最高")
