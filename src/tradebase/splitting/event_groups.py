"""A capacity-docking split brought to a docking day: its buyer asks the event for one
meeting with all the factories of the split. Above ``events`` (registrations, group
meetings) and the split itself (``splitting.service``); services take ``session``
keyword-only and never commit.

The buyer chooses among the docking days still to come that it has registered for; an open
docking day it has not registered for yet registers it first, by the event's own rules
(deadline, capacity, waiting list). The factories are the split's shares (the split the
buyer sees for the same objective); a factory not registered and approved keeps the group
out of the schedule until it is, and the organisers see why. Who may ask is
``policy.may_ask_group_meeting``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import RequestParties, event_scope, may_ask_group_meeting
from tradebase.docking.index_store import ListingIndex
from tradebase.errors import Conflict, Forbidden
from tradebase.events import group_meetings, registrations
from tradebase.events.group_models import GroupMeetingRequest
from tradebase.events.models import Event, Registration
from tradebase.events.schemas import EventKind, EventStatus, PartyKind, RegistrationCreate
from tradebase.events.service import get_event, organiser_bases
from tradebase.splitting.objectives import Objective
from tradebase.splitting.service import split_request

_CLOSED = (EventStatus.HELD.value, EventStatus.CANCELLED.value)


class GroupMeetingAsk(BaseModel):
    """The split page's form: the docking day, and the split's objective the buyer saw."""

    model_config = ConfigDict(extra="forbid")

    event_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    objective: Objective | None = None


def _own_buyer_registration(session: Session, event_id: int) -> Registration | None:
    scope = event_scope(current_actor(session))
    return session.scalar(select(Registration).where(
        Registration.event_id == event_id, Registration.kind == PartyKind.BUYER.value,
        Registration.status.in_(registrations.ACTIVE),
        registrations.own_registrations(scope)).order_by(Registration.id))


def group_meeting_events(*, session: Session) -> list[Event]:
    """The docking days to come the caller (a buyer) is registered for, soonest first."""
    scope = event_scope(current_actor(session))
    found = session.scalars(select(Event).join(Registration, Registration.event_id == Event.id)
                            .where(Event.kind == EventKind.DOCKING_DAY.value,
                                   Event.status.not_in(_CLOSED),
                                   Registration.kind == PartyKind.BUYER.value,
                                   Registration.status.in_(registrations.ACTIVE),
                                   registrations.own_registrations(scope))
                            .order_by(Event.starts_on, Event.id)).unique()
    return list(found)


def ask_group_meeting(
    *, session: Session, index: ListingIndex, request_id: int, objective: Objective | None,
    event_id: int, today: date, time_limit: float, priority: int = 3,
) -> GroupMeetingRequest:
    """Ask the docking day ``event_id`` for one meeting of the request's buyer with every
    factory of its split (the one ``split_request`` shows for ``objective``)."""
    plan = split_request(session=session, index=index, request_id=request_id,
                         objective=objective, today=today, time_limit=time_limit)
    event = get_event(session=session, event_id=event_id)
    request = plan.request
    parties = RequestParties(buyer_id=request.buyer_id, organisation=request.organisation)
    if not may_ask_group_meeting(current_actor(session), parties, organiser_bases(event)):
        raise Forbidden("only the request's buyer or the event's organisers may ask for a "
                        "group meeting", field="event_id")
    if event.kind != EventKind.DOCKING_DAY.value:
        raise Conflict("only a docking day has group meetings", field="event_id",
                       code="events.not_docking_day")
    if event.status in _CLOSED:
        raise Conflict(f"the event is {event.status}: its schedule no longer changes",
                       field="event_id", code="events.schedule_closed",
                       params={"status": event.status})
    buyer = _own_buyer_registration(session, event.id)
    if buyer is None:
        buyer = registrations.register(session=session, event_id=event.id,
                                       data=RegistrationCreate())
    return group_meetings.add_request(
        session=session, event=event, docking_request_id=request.id, buyer=buyer,
        enterprise_ids=[share.enterprise.id for share in plan.shares],
        objective=plan.objective.value, priority=priority)


__all__ = ["GroupMeetingAsk", "ask_group_meeting", "group_meeting_events"]
