"""The SQL filters of the docking and procurement lists agree with the predicates of
``accounts/policy.py`` (issue 8): for every kind of actor, a list holds exactly the objects the
predicate admits, so a visibility rule lives in one place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import product as pairs

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import set_actor
from tradebase.accounts.models import User
from tradebase.accounts.policy import (
    ANONYMOUS,
    SYSTEM,
    Actor,
    RequestParties,
    Role,
    docking_scope,
    may_see_enquiry,
    may_see_request,
    may_view_round,
)
from tradebase.allocation import round_schemas as rs
from tradebase.allocation import rounds
from tradebase.docking import service
from tradebase.docking.models import BuyerRequest, Enquiry
from tradebase.registry.models import Base, Enterprise

STATUSES = ("shortlisted", "sent", "answered", "declined")


def _world(session: Session) -> tuple[list[Enterprise], list[User]]:
    """Requests of three buyers (two of one organisation) with enquiries in every status to
    enterprises of two bases, and a round of each base."""
    bases = list(session.scalars(select(Base).order_by(Base.id).limit(2)))
    works = [e for b in bases for e in session.scalars(
        select(Enterprise).where(Enterprise.base_id == b.id).order_by(Enterprise.id).limit(2))]
    buyers = [User(email=f"f{i}@example.com", password_hash="x", role="buyer",
                   organisation=org) for i, org in enumerate(("Org A", "Org A", "Org B"))]
    session.add_all(buyers)
    session.flush()
    for n, (buyer, status) in enumerate(pairs(buyers, STATUSES)):
        request = BuyerRequest(buyer_id=buyer.id, organisation=buyer.organisation,
                               text=f"request {n}", quantity=10, certifications=[],
                               hidden_at=datetime.now(UTC) if n % 5 == 0 else None)
        session.add(request)
        for k, works_ in enumerate(works):
            if (n + k) % 3:  # a different set of factories for each request
                session.add(Enquiry(request=request, enterprise_id=works_.id,
                                    status=STATUSES[(n + k) % 4] if k else status,
                                    reasons=[]))
    for base in bases:
        rounds.open_round(session=session, data=rs.RoundCreate(
            base_id=base.id, title=f"R {base.id}", closes_on=date(2027, 3, 1),
            materials=[rs.MaterialIn(name="mesh")]))
    session.flush()
    return works, buyers


def _actors(works: list[Enterprise], buyers: list[User]) -> list[Actor]:
    bases = sorted({w.base_id for w in works if w.base_id is not None})
    return [
        SYSTEM,
        Actor(label="admin", role=Role.ADMIN, user_id=90_001),
        Actor(label="officer", role=Role.OFFICER, user_id=90_002),
        *(Actor(label=f"buyer {b.id}", role=Role.BUYER, user_id=b.id,
                organisation=b.organisation) for b in buyers),
        *(Actor(label=f"works {w.id}", role=Role.ENTERPRISE, user_id=90_100 + w.id,
                enterprise_ids=frozenset({w.id})) for w in works),
        Actor(label="two works", role=Role.ENTERPRISE, user_id=90_003,
              enterprise_ids=frozenset({works[0].id, works[-1].id})),
        *(Actor(label=f"bureau {b}", role=Role.BASE_ADMIN, user_id=90_200 + b,
                base_ids=frozenset({b})) for b in bases),
        Actor(label="read-only buyer", role=Role.BUYER, user_id=buyers[0].id,
              organisation="Org A", scopes=frozenset({"read"})),
    ]


def _parties(request: BuyerRequest) -> RequestParties:
    sent = [e for e in request.enquiries if e.status != "shortlisted"]
    return RequestParties(
        buyer_id=request.buyer_id, organisation=request.organisation,
        enterprise_ids=frozenset(e.enterprise_id for e in sent),
        base_ids=frozenset(e.enterprise.base_id for e in sent if e.enterprise.base_id),
        hidden=request.hidden_at is not None,  # hidden by a moderator (issue 9)
    )


def test_the_lists_of_requests_and_enquiries_agree_with_the_predicates(
    session: Session,
) -> None:
    works, buyers = _world(session)
    requests = list(session.scalars(select(BuyerRequest)))
    enquiries = list(session.scalars(select(Enquiry)))
    for actor in _actors(works, buyers):
        set_actor(session, actor)
        listed = {r.id for r in service.list_requests(session=session)}
        admitted = {r.id for r in requests if may_see_request(actor, _parties(r))}
        assert listed == admitted, actor.label
        inbox = {e.id for e in service.list_enquiries(session=session)}
        scope = docking_scope(actor)  # the inbox: the enterprise side of may_see_enquiry
        received = {e.id for e in enquiries if e.status != "shortlisted"
                    and scope.receives(e.enterprise_id, e.enterprise.base_id)
                    and may_see_enquiry(actor, _parties(e.request),
                                        enterprise_id=e.enterprise_id,
                                        base_id=e.enterprise.base_id, sent=True)}
        assert inbox == received, actor.label
        for request in requests:
            if request.id in admitted:
                shown = {e.id for e in service.visible_enquiries(session=session,
                                                                 request=request)}
                assert shown == {
                    e.id for e in request.enquiries
                    if may_see_enquiry(actor, _parties(request), enterprise_id=e.enterprise_id,
                                       base_id=e.enterprise.base_id,
                                       sent=e.status != "shortlisted")
                }, actor.label
    set_actor(session, ANONYMOUS)


def test_the_list_of_rounds_agrees_with_may_view_round(session: Session) -> None:
    works, buyers = _world(session)
    all_rounds = list(session.scalars(select(rounds.ProcurementRound)))
    for actor in _actors(works, buyers):
        set_actor(session, actor)
        members = frozenset(w.base_id for w in works
                            if w.id in actor.enterprise_ids and w.base_id is not None)
        listed = {r.id for r in rounds.list_rounds(session=session)}
        assert listed == {r.id for r in all_rounds
                          if may_view_round(actor, r.base_id, members)}, actor.label
    set_actor(session, SYSTEM)
