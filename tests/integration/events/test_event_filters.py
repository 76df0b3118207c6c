"""The SQL filters of the events lists agree with the predicates of ``accounts/policy.py``:
for every kind of actor, the list of events, of an event's registrations and of its meeting
requests holds exactly what ``may_see_event``, ``may_see_registration`` and
``may_see_meeting_request`` admit — a visibility rule lives in one place."""

from __future__ import annotations

from itertools import permutations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import set_actor
from tradebase.accounts.models import User
from tradebase.accounts.policy import (
    SYSTEM,
    Actor,
    Role,
    may_see_event,
    may_see_meeting_request,
    may_see_registration,
)
from tradebase.events import meetings, registrations, service
from tradebase.events.models import Event, EventBase, MeetingRequest, Registration
from tradebase.registry.models import Base, Enterprise

STATES = ("requested", "accepted", "declined", "withdrawn")


def _world(session: Session) -> tuple[list[Event], list[Enterprise], list[User], list[int]]:
    bases = list(session.scalars(select(Base).order_by(Base.id).limit(2)))
    works = [e for b in bases for e in session.scalars(
        select(Enterprise).where(Enterprise.base_id == b.id).order_by(Enterprise.id).limit(2))]
    buyers = [User(email=f"ev-f{i}@example.com", password_hash="x", role="buyer",
                   organisation=org) for i, org in enumerate(("Org A", "Org A", "Org B"))]
    session.add_all(buyers)
    session.flush()
    events = [
        Event(kind="docking_day", title_en="Published of the first", status="open",
              published=True, base_rows=[EventBase(base_id=bases[0].id)]),
        Event(kind="docking_day", title_en="Draft of the second", status="draft",
              published=False, base_rows=[EventBase(base_id=bases[1].id)]),
        Event(kind="exhibition", title_en="Draft of both", status="draft", published=False,
              base_rows=[EventBase(base_id=bases[0].id), EventBase(base_id=bases[1].id)]),
    ]
    session.add_all(events)
    session.flush()
    regs = [Registration(event_id=events[0].id, kind="enterprise", enterprise_id=w.id,
                         status="approved", attendees=[], offers=[], seeks=[]) for w in works]
    regs += [Registration(event_id=events[0].id, kind="buyer", organisation=b.organisation,
                          registered_by=b.id, status="approved", attendees=[], offers=[],
                          seeks=[]) for b in (buyers[0], buyers[2])]
    session.add_all(regs)
    session.flush()
    for n, (a, b) in enumerate(permutations(regs, 2)):
        if n % 3 == 0:
            session.add(MeetingRequest(event_id=events[0].id, requester_id=a.id,
                                       recipient_id=b.id, status=STATES[n % 4], priority=3))
    session.flush()
    return events, works, buyers, sorted(b.id for b in bases)


def _actors(works: list[Enterprise], buyers: list[User], bases: list[int]) -> list[Actor]:
    return [
        SYSTEM,
        Actor(label="admin", role=Role.ADMIN, user_id=91_001),
        Actor(label="officer", role=Role.OFFICER, user_id=91_002),
        Actor(label="supplier", role=Role.SUPPLIER, user_id=91_003, organisation="Org A"),
        *(Actor(label=f"buyer {b.id}", role=Role.BUYER, user_id=b.id,
                organisation=b.organisation) for b in buyers),
        Actor(label="buyer without organisation", role=Role.BUYER, user_id=buyers[0].id),
        *(Actor(label=f"works {w.id}", role=Role.ENTERPRISE, user_id=91_100 + w.id,
                enterprise_ids=frozenset({w.id})) for w in works),
        Actor(label="two works", role=Role.ENTERPRISE, user_id=91_004,
              enterprise_ids=frozenset({works[0].id, works[-1].id})),
        *(Actor(label=f"bureau {b}", role=Role.BASE_ADMIN, user_id=91_200 + b,
                base_ids=frozenset({b})) for b in bases),
        Actor(label="read-only buyer", role=Role.BUYER, user_id=buyers[0].id,
              organisation="Org A", scopes=frozenset({"read"})),
    ]


def test_lists_agree_with_the_policy(session: Session) -> None:
    events, works, buyers, bases = _world(session)
    event = events[0]
    all_events = list(session.scalars(select(Event)))
    all_regs = list(session.scalars(select(Registration).where(
        Registration.event_id == event.id)))
    all_requests = list(session.scalars(select(MeetingRequest).where(
        MeetingRequest.event_id == event.id)))
    assert len(all_requests) >= 10
    bases_of = frozenset(event.base_ids)
    for actor in _actors(works, buyers, bases):
        set_actor(session, actor)
        listed = {e.id for e in service.list_events(session=session)}
        assert listed == {e.id for e in all_events if may_see_event(
            actor, published=e.published, organiser_base_ids=frozenset(e.base_ids))}, actor
        regs = {r.id for r in registrations.list_registrations(session=session,
                                                               event_id=event.id)}
        assert regs == {r.id for r in all_regs if may_see_registration(
            actor, service.party_of(r), bases_of)}, actor
        requests = {r.id for r in meetings.list_meeting_requests(session=session,
                                                                 event_id=event.id)}
        assert requests == {r.id for r in all_requests if may_see_meeting_request(
            actor, service.party_of(r.requester), service.party_of(r.recipient),
            bases_of)}, actor
        if actor.role in (Role.BUYER, Role.ENTERPRISE):
            assert requests, f"{actor.label} sees none of its own requests"
    set_actor(session, SYSTEM)
