"""One form flow for every page form (issue 10): every POST page route is either a form that,
given every field wrong at once, answers 422 with every error beside its field, a summary at
the top for screen readers and everything typed — in Chinese and in English — or a button
listed below. A new form route that is neither fails ``test_every_post_page_route_is_known``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise, auth
from tests.integration.allocation.helpers import make_round
from tests.integration.docking.rfq_support import build_catalog, post_request, token_for
from tradebase.accounts.guard import set_actor
from tradebase.accounts.models import User
from tradebase.accounts.policy import SYSTEM
from tradebase.accounts.roles import Role
from tradebase.docking import service as docking
from tradebase.events.competition_models import (
    CompetitionCategory,
    CompetitionCriterion,
    CompetitionEntry,
    CompetitionJudge,
)
from tradebase.events.models import (
    Event,
    EventBase,
    EventMeeting,
    Lead,
    MeetingRequest,
    Registration,
)
from tradebase.events.outcome_models import MeetingOutcome
from tradebase.registry.models import Product
from tradebase.web import pages

# Buttons and choices that carry no typed value: a refusal (not allowed, not any more) is the
# error page, said by its code. Each is here because it has no field to show an error beside.
BUTTONS = {
    "/account/sessions/revoke", "/account/tokens/revoke", "/logout",
    "/docking/requests/{request_id:int}/split/enquiries",
    "/docking/requests/{request_id:int}/hs",  # the proposals' buttons
    "/docking/requests/{request_id:int}/enquiries",  # a match's "send an enquiry"
    "/docking/enquiries/{enquiry_id:int}/decline",
    "/docking/intentions/{intention_id:int}/accept",
    "/docking/orders/{order_id:int}/status",  # a select of the order's steps
    "/docking/requests/{request_id:int}/close", "/docking/requests/{request_id:int}/withdraw",
    "/docking/requests/{request_id:int}/publish",
    "/docking/enquiries/{enquiry_id:int}/shortlist", "/docking/enquiries/{enquiry_id:int}/accept",
    "/docking/requests/{request_id:int}/report",  # a free reason, cut to its limit
    "/docking/requests/{request_id:int}/hide",
    "/docking/requests/{request_id:int}/suspend-author",
    "/docking/suspensions/{suspension_id:int}/lift",
    "/procurement/rounds/{round_id:int}/publish",
    "/inbox/{notification_id:int}/read", "/inbox/read-all", "/account/notifications",
    "/account/language",
    "/products/{product_id:int}/photos/{photo_id:int}/delete",
    "/signup/verify",  # send the verification link again
    "/signup/requests/{join_id:int}/approve", "/signup/requests/{join_id:int}/refuse",
    "/events/{event_id:int}/schedule",  # "Run the scheduler"
    "/events/{event_id:int}/schedule/publish",
    "/events/{event_id:int}/meeting-requests",  # a suggestion's "request a meeting"
    "/events/meeting-requests/{meeting_request_id:int}/accept",
    "/events/meeting-requests/{meeting_request_id:int}/decline",
    "/events/registrations/{registration_id:int}/decision",  # approve / decline
    "/events/registrations/{registration_id:int}/check-in",  # check in / undo
    "/events/{event_id:int}/outcomes/publish",  # "Publish the totals"
    "/events/leads/{lead_id:int}/request", "/events/leads/{lead_id:int}/contact",
    "/events/leads/{lead_id:int}/delete",  # a lead's delete button
    "/events/{event_id:int}/place",  # a namesake's "this one"
    "/events/{event_id:int}/competition/entries/{entry_id:int}/withdraw",
    "/events/{event_id:int}/competition/judging/{entry_id:int}/conflict",  # a note, cut
    "/events/{event_id:int}/competition/manage/conflicts",  # two selects
    "/events/{event_id:int}/competition/manage/tie-break",  # a select
    "/events/{event_id:int}/competition/manage/close",
    "/events/{event_id:int}/competition/manage/publish",  # a check box
}
# Logging in and resetting a password keep their own answers: one message whatever was wrong
# (no hint which of e-mail and password), and a secret is never sent back.
SIGN_IN = {"/login", "/login/two-factor", "/password-reset", "/password-reset/{token}",
           "/account/two-factor", "/signup/verify/{token}", "/invitations/{token}"}
# Not yet in the flow (none left: a new exception is listed here with its reason).
NOT_YET: set[str] = set()

ENGLISH_VALIDATOR = ("String should", "Input should", "Value error", "Field required",
                     "should be", "is not an ISO", "Extra inputs")


@dataclass
class Case:
    """A form with every field wrong: where to post, as whom, what, and what must show."""

    url: str
    who: dict[str, str]
    data: dict[str, str]
    errors: list[str]
    kept: list[str]
    files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)
    prefix: str = ""
    status: int = 422


def _page_routes() -> Iterator[Any]:
    def walk(routes: list[Any]) -> Iterator[Any]:
        for route in routes:
            if hasattr(route, "original_router"):
                yield from walk(route.original_router.routes)
            else:
                yield route

    for router in pages.ROUTERS:
        yield from walk(router.routes)


FORMS = {
    "/docking/requests", "/docking/requests/{request_id:int}/edit", "/enquiries/new",
    "/docking/enquiries/{enquiry_id:int}/answer", "/docking/enquiries/{enquiry_id:int}/intentions",
    "/docking/enquiries/{enquiry_id:int}/messages", "/procurement/rounds",
    "/procurement/rounds/{round_id:int}/needs", "/procurement/rounds/{round_id:int}/quotes",
    "/procurement/rounds/{round_id:int}/close",
    "/capacity", "/enterprises/new", "/enterprises/{enterprise_id:int}/edit", "/products/new",
    "/products/{product_id:int}/edit", "/products/{product_id:int}/photos", "/account/password",
    "/docking/requests/{request_id:int}/attachments",
    "/bases/{base_id}/transfer", "/signup", "/signup/enterprise", "/invitations",
    "/events/{event_id:int}/register", "/events/registrations/{registration_id:int}/edit",
    "/events/{event_id:int}/settings",
    "/events/meetings/{meeting_id:int}/outcome", "/events/meetings/{meeting_id:int}/follow-up",
    "/events/{event_id:int}/leads",
    "/docking/requests/{request_id:int}/split/group-meeting",
    "/events/leads/{lead_id:int}/edit",
    "/events/registrations/{registration_id:int}/booth",
    "/events/{event_id:int}/competition/entries/new",
    "/events/{event_id:int}/competition/entries/{entry_id:int}/edit",
    "/events/{event_id:int}/competition/judging/{entry_id:int}",
    "/events/{event_id:int}/competition/manage/categories",
    "/events/{event_id:int}/competition/manage/criteria",
    "/events/{event_id:int}/competition/manage/judges",
}


def test_every_post_page_route_is_known() -> None:
    posted = {route.path for route in _page_routes() if "POST" in route.methods}
    assert posted - FORMS - BUTTONS - SIGN_IN - NOT_YET == set(), (
        "a new page form: put it through the form flow and add a case here")
    assert (FORMS | BUTTONS | SIGN_IN | NOT_YET) - posted == set()


WRONG_REQUEST = {
    "text": "", "quantity": "many", "unit": "u" * 60, "destination": "Germany",
    "wanted_by": "tomorrow", "max_lead_time_days": "-5", "target_price": "cheap",
    "currency": "euro", "incoterm": "XYZ", "quote_deadline": "soon", "expires_on": "never",
}
REQUEST_ERRORS = ["text", "quantity", "unit", "destination", "wanted_by", "max_lead_time_days",
                  "target_price", "currency", "incoterm", "quote_deadline", "expires_on"]
REQUEST_KEPT = ['value="many"', 'value="Germany"', 'value="tomorrow"', 'value="cheap"',
                'value="euro"', 'value="soon"']


def _held_meeting(session: Session, event_id: int, enterprise_id: int) -> int:
    """A published meeting of a buyer and the enterprise, its outcome recorded."""
    works = Registration(event_id=event_id, kind="enterprise", enterprise_id=enterprise_id,
                         status="approved", attendees=[], offers=[], seeks=[])
    shopper = Registration(event_id=event_id, kind="buyer", organisation="Flow Buyers",
                           status="approved", attendees=[], offers=[], seeks=[])
    session.add_all([works, shopper])
    session.flush()
    asked = MeetingRequest(event_id=event_id, requester_id=shopper.id, recipient_id=works.id,
                           status="accepted")
    session.add(asked)
    session.flush()
    meeting = EventMeeting(event_id=event_id, meeting_request_id=asked.id, slot=0,
                           table_no=0, status="published")
    session.add(meeting)
    session.flush()
    session.add(MeetingOutcome(meeting_id=meeting.id, event_id=event_id, result="follow_up"))
    session.flush()
    return meeting.id


@pytest.fixture
def cases(client: TestClient, session: Session, tokens: dict[str, str]) -> dict[str, Case]:
    catalog = build_catalog(session)
    buyer = auth(token_for(session, "flow-buyer@example.com", Role.BUYER,
                           organisation="Velo Import GmbH"))
    factory = auth(token_for(session, "flow-a@example.com", Role.ENTERPRISE,
                             enterprise_ids=[catalog.works["A"]]))
    bureau = auth(token_for(session, "flow-bureau@example.com", Role.BASE_ADMIN,
                            base_ids=[catalog.base_id]))
    made = post_request(session, catalog)
    set_actor(session, catalog.buyer_actor)
    docking.shortlist(session=session, request_id=made.id, sku="RFQ-A-1", send=True,
                      index=catalog.index, enquiries_per_day=100)
    enquiry = docking.visible_enquiries(session=session, request=made)[0]
    set_actor(session, SYSTEM)
    session.flush()
    round_ = make_round(session)
    docking_day = Event(kind="docking_day", title_en="Flow docking day", status="open",
                        published=True, slot_minutes=20, day_start="09:00",
                        sessions=[{"slots": 4, "break_after": 0}], tables=4,
                        base_rows=[EventBase(base_id=catalog.base_id)])
    session.add(docking_day)
    fair = Event(kind="exhibition", title_en="Flow fair", status="open", published=True,
                 city="Hamburg", country="DE", base_rows=[EventBase(base_id=catalog.base_id)])
    session.add(fair)
    session.flush()
    exhibitor = Registration(event_id=fair.id, kind="enterprise",
                             enterprise_id=catalog.works["A"], status="approved",
                             attendees=[], offers=[], seeks=[])
    session.add(exhibitor)
    session.flush()
    met = Lead(event_id=fair.id, registration_id=exhibitor.id, buyer_name="Jonas Weber")
    session.add(met)
    session.flush()
    held = _held_meeting(session, docking_day.id, catalog.works["A"])
    registration = session.scalars(select(Registration).where(  # the factory's, edited below
        Registration.event_id == docking_day.id,
        Registration.enterprise_id == catalog.works["A"])).one()
    contest, entry, criterion, judge = _competition(session, catalog.base_id)
    _, member_of = anxi_and_member_enterprise(session)
    product_id = session.scalars(select(Product.id).where(Product.sku == "RFQ-A-1")).one()
    enterprise = {
        "name_en": "", "name_zh": "", "employees": "many", "founded": "3000",
        "markets": "US; XX", "contact_email": "nope", "certifications": "x" * 50,
    }
    product = {"sku": "!!bad", "title": "", "moq": "lots", "price_min": "-1",
               "price_currency": "euro", "lead_time_days": "soon"}
    return {
        "request": Case("/docking/requests", buyer, WRONG_REQUEST, REQUEST_ERRORS, REQUEST_KEPT),
        "edit": Case(f"/docking/requests/{made.id}/edit", buyer, WRONG_REQUEST,
                     REQUEST_ERRORS, REQUEST_KEPT),
        "enquire": Case(f"/enquiries/new?enterprise_id={catalog.works['B']}", buyer,
                        WRONG_REQUEST | {"sku": ""}, [*REQUEST_ERRORS, "sku"], REQUEST_KEPT),
        "quote": Case(f"/docking/enquiries/{enquiry.id}/answer", factory,
                      {"price": "free", "currency": "euro", "lead_time_days": "-1",
                       "moq": "some", "valid_until": "later"},
                      ["price", "currency", "lead_time_days", "moq", "valid_until"],
                      ['value="free"', 'value="euro"', 'value="some"', 'value="later"']),
        "intention": Case(f"/docking/enquiries/{enquiry.id}/intentions", factory,
                          {"quantity": "0", "value": "lots", "currency": "1",
                           "start_date": "x", "delivery_date": "y"},
                          ["quantity", "value", "currency", "start_date", "delivery_date"],
                          ['value="lots"', 'value="x"', 'value="y"'], prefix="intention-"),
        "event registration": Case(
            f"/events/{docking_day.id}/register", factory,
            {"enterprise_id": str(catalog.works["A"]), "attendees": "Li Wei; sales; Deutsch",
             "items": "frames " * 400}, ["attendees", "items"], ["Deutsch"]),
        "event registration edit": Case(
            f"/events/registrations/{registration.id}/edit", factory,
            {"attendees": "Li Wei; sales; Deutsch", "offers": "frames " * 400,
             "seeks": "\n".join(f"need {i}" for i in range(51))},
            ["attendees", "offers", "seeks", "slots"], ["Deutsch", "need 50"]),
        "event settings": Case(
            f"/events/{docking_day.id}/settings", bureau,
            {"capacity": "many", "over_capacity": "maybe", "registration_deadline": "soon",
             "max_requests": "-1", "max_meetings": "0", "slot_minutes": "2",
             "day_start": "nine", "sessions": "six", "tables": "lots"},
            ["capacity", "over_capacity", "registration_deadline", "max_requests",
             "max_meetings", "slot_minutes", "day_start", "sessions", "tables"],
            ['value="many"', 'value="soon"', 'value="nine"', 'value="lots"', ">six<"]),
        "meeting outcome": Case(
            f"/events/meetings/{held}/outcome", factory,
            {"result": "intention", "quantity": "lots", "value": "much", "currency": "euro",
             "note": "n" * 2100}, ["quantity", "value", "currency", "note"],
            ['value="lots"', 'value="much"', 'value="euro"'], prefix=f"m{held}-"),
        "follow-up": Case(f"/events/meetings/{held}/follow-up", factory,
                          {"stage": "later", "follow_up_note": "n" * 2100},
                          ["stage", "follow_up_note"], [], prefix=f"f{held}-"),
        "lead edit": Case(
            f"/events/leads/{met.id}/edit", bureau,
            {"buyer_name": "", "country": "Germany", "quantity": "many", "contact": "x" * 400},
            ["buyer_name", "country", "quantity", "contact"],
            ['value="Germany"', 'value="many"']),
        "group meeting": Case(
            f"/docking/requests/{made.id}/split/group-meeting", buyer,
            {"event_id": "the big one", "objective": "fewest"}, ["event_id"], []),
        "lead": Case(
            f"/events/{fair.id}/leads", bureau,
            {"registration_id": str(exhibitor.id), "buyer_name": "", "country": "Germany",
             "quantity": "many", "contact": "x" * 400},
            ["buyer_name", "country", "quantity", "contact"],
            ['value="Germany"', 'value="many"']),
        "booth": Case(f"/events/registrations/{exhibitor.id}/booth", bureau,
                      {"hall": "H" * 50, "booth": "B" * 50}, ["hall", "booth"],
                      [f'value="{"H" * 50}"'], prefix=f"r{exhibitor.id}-"),
        "competition entry": Case(
            f"/events/{contest}/competition/entries/new", buyer,
            {"category_id": "abc", "entrant": "", "person_name": "x" * 201, "title": ""},
            ["category_id", "person_name", "title"], ["x" * 201]),
        "competition entry edit": Case(
            f"/events/{contest}/competition/entries/{entry}/edit", bureau,
            {"category_id": "abc", "person_name": "y" * 201, "title": ""},
            ["category_id", "person_name", "title"], ["y" * 201]),
        "competition scores": Case(
            f"/events/{contest}/competition/judging/{entry}", judge,
            {f"score_{criterion}": "lots", f"comment_{criterion}": "z" * 2001},
            [f"score_{criterion}", f"comment_{criterion}"], ['value="lots"'],
            prefix=f"entry-{entry}-"),
        "competition category": Case(
            f"/events/{contest}/competition/manage/categories", bureau,
            {"name_zh": "x" * 201, "name_en": ""}, ["name_zh", "name_en"], [],
            prefix="category-"),
        "competition criterion": Case(
            f"/events/{contest}/competition/manage/criteria", bureau,
            {"category_id": "abc", "name_en": "Fit", "weight": "heavy", "max_score": "-1"},
            ["category_id", "weight", "max_score"], ['value="heavy"', 'value="-1"'],
            prefix="criterion-"),
        "competition judge": Case(
            f"/events/{contest}/competition/manage/judges", bureau,
            {"email": "nobody@example.com", "affiliation_id": "abc"},
            ["email", "affiliation_id"], ['value="nobody@example.com"'], prefix="judge-"),
        "message": Case(f"/docking/enquiries/{enquiry.id}/messages", factory, {"text": ""},
                        ["text"], []),
        "round": Case("/procurement/rounds", auth(tokens["base_admin"]),
                      {"base_id": "abc", "title": "", "currency": "yuan",
                       "opens_on": "2001-01-01", "closes_on": "someday", "materials": ""},
                      ["base_id", "title", "currency", "opens_on", "closes_on", "materials"],
                      ['value="someday"', 'value="yuan"', 'value="2001-01-01"']),
        "need": Case(f"/procurement/rounds/{round_.id}/needs", auth(tokens["enterprise"]),
                     {"enterprise_id": str(member_of.id), "material": "EVA foam",
                      "quantity": "-3", "delivery_month": "2027-13",
                      "tolerance_percent": "lots"},
                     ["quantity", "delivery_month", "tolerance_percent"],
                     ['value="-3"', 'value="2027-13"', 'value="lots"']),
        "round quote": Case(f"/procurement/rounds/{round_.id}/quotes",
                            auth(tokens["base_admin"]),
                            {"supplier": "", "material": "EVA foam", "price_breaks": "cheap",
                             "capacity": "-1"},
                            ["supplier", "price_breaks", "capacity"],
                            ['value="cheap"', 'value="-1"']),
        "supplier quote": Case(f"/procurement/rounds/{round_.id}/quotes",
                               auth(tokens["supplier"]),
                               {"material": "EVA foam", "price_breaks": "0:abc",
                                "capacity": "-1"},
                               ["price_breaks", "capacity"], ['value="0:abc"', 'value="-1"']),
        "close early": Case(f"/procurement/rounds/{round_.id}/close", auth(tokens["base_admin"]),
                            {}, ["confirm_early"], [], status=409),
        "capacity": Case("/capacity", factory,
                         {"enterprise_id": str(catalog.works["A"]), "month": "2027-13",
                          "free_capacity": "x", "hs_code": "abc", "unit": ""},
                         ["month", "free_capacity", "hs_code"],
                         ['value="2027-13"', 'value="abc"']),
        "enterprise": Case("/enterprises/new", bureau, enterprise,
                           ["name_en", "employees", "founded", "markets", "contact_email",
                            "certifications"],
                           ['value="many"', 'value="3000"', 'value="XX" checked',
                            'value="US" checked', 'value="nope"']),
        "enterprise edit": Case(f"/enterprises/{catalog.works['A']}/edit", bureau, enterprise,
                                ["name_en", "employees", "founded", "markets",
                                 "contact_email", "certifications"],
                                ['value="many"', 'value="3000"', 'value="nope"']),
        "product": Case(f"/products/new?enterprise_id={catalog.works['A']}", bureau, product,
                        ["sku", "title", "moq", "price_min", "price_currency",
                         "lead_time_days"],
                        ['value="!!bad"', 'value="lots"', 'value="euro"', 'value="soon"']),
        "product edit": Case(f"/products/{product_id}/edit", bureau, product,
                             ["sku", "title", "moq", "price_min", "price_currency",
                              "lead_time_days"],
                             ['value="!!bad"', 'value="lots"', 'value="euro"']),
        "photo": Case(f"/products/{product_id}/photos", bureau, {}, ["file"], [],
                      files={"file": ("chair.png", b"not a photo at all", "image/png")},
                      status=415),
        "attachment": Case(f"/docking/requests/{made.id}/attachments", buyer, {}, ["file"], [],
                           files={"file": ("spec.pdf", b"not a PDF at all", "application/pdf")},
                           status=415),
        "base transfer": Case(f"/bases/{member_of.base_id}/transfer", auth(tokens["base_admin"]),
                              {"kind": ""}, ["kind", "file"], []),
        "password": Case("/account/password", auth(tokens["officer"]),
                         {"current_password": "x", "password": "a", "password_again": "b"},
                         ["password_again"], []),
        "signup": Case("/signup", auth(tokens["officer"]),
                       {"role": "buyer", "email": "nope", "password": "a",
                        "password_again": "b", "organisation": ""},
                       ["email", "password", "password_again", "organisation", "consent"],
                       ['value="nope"']),
        "join": Case("/signup/enterprise", auth(tokens["enterprise"]),
                     {"kind": "new", "base_id": "abc", "name": "", "credit_code": "9135o"},
                     ["base_id", "name", "credit_code"], ['value="9135o"']),
        "invite": Case("/invitations", auth(tokens["admin"]), {"email": "nope"},
                       ["email", "base_ids"], ['value="nope"']),
    }


def _competition(session: Session, base_id: int) -> tuple[int, int, int, dict[str, str]]:
    """A competition of the catalog's base, judging open: a category, a criterion, a
    person's entry, and a judge (an officer) it is assigned to."""
    event = Event(kind="competition", title_en="Flow competition", status="open",
                  published=True, base_rows=[EventBase(base_id=base_id)])
    session.add(event)
    session.flush()
    category = CompetitionCategory(event_id=event.id, name_en="Qipao")
    session.add(category)
    session.flush()
    criterion = CompetitionCriterion(event_id=event.id, name_en="Cut", weight=1, max_score=10)
    entry = CompetitionEntry(event_id=event.id, category_id=category.id, kind="person",
                             person_name="Wang Fang", title="Flow pattern")
    headers = auth(token_for(session, "flow-judge@example.com", Role.OFFICER))
    user = session.scalars(select(User.id).where(User.email == "flow-judge@example.com")).one()
    session.add_all([criterion, entry, CompetitionJudge(event_id=event.id, user_id=user)])
    session.flush()
    return event.id, entry.id, criterion.id, headers


@pytest.mark.parametrize("name", [
    "request", "edit", "enquire", "quote", "intention", "message", "round", "need",
    "round quote", "supplier quote", "close early", "capacity", "enterprise", "enterprise edit",
    "product", "product edit", "photo", "attachment", "password", "base transfer", "signup",
    "join", "invite", "event registration", "event registration edit", "event settings",
    "meeting outcome", "follow-up", "lead", "booth", "group meeting",
    "lead edit",
    "competition entry", "competition entry edit",
    "competition scores", "competition category", "competition criterion", "competition judge",
])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_error_is_shown_beside_its_field(
    name: str, lang: str, cases: dict[str, Case], speak: Callable[[str], TestClient],
) -> None:
    case = cases[name]
    client = speak(lang)
    response = client.post(case.url, headers=case.who, data=case.data,
                           files=case.files or None, follow_redirects=False)
    assert response.status_code == case.status, response.text[:2000]
    page = response.text
    assert 'role="alert"' in page
    assert 'error-summary"' in page
    for name_ in case.errors:
        assert f'id="error-{case.prefix}{name_}"' in page, name_
        assert f'href="#field-{case.prefix}{name_}"' in page, name_  # the summary links it
    for kept in case.kept:
        assert kept in page
    said = re.findall(r'<p class="error" id="error-[^"]+">([^<]*)</p>', page)
    assert len(said) >= len(case.errors)
    for phrase in ENGLISH_VALIDATOR:
        assert phrase not in page, phrase
    if lang == "zh":  # every message in Chinese
        assert all(re.search(r"[\u4e00-\u9fff]", text) for text in said), said
