"""Group meetings of a docking day: the stored requests for one meeting of a buyer with all
the factories of its capacity-docking split, the groups they give the scheduler, the group
meetings a run places (draft, then published with the schedule) and the groups it leaves
out with the reason, and who reads them.

The request is made above this layer (``splitting/event_groups.py``, which knows the split
and checks ``policy.may_ask_group_meeting``); here an event's groups are built, stored,
published and read. A group goes to the scheduler only when its buyer and every factory have
an approved registration; otherwise it is left out as ``member_not_approved``. Who sees a
group meeting is ``policy.may_see_group_meeting``. Services take ``session`` keyword-only and
never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import EventParty, may_see_group_meeting
from tradebase.errors import Conflict
from tradebase.events import scheduler
from tradebase.events.group_models import EventGroupMeeting, GroupMeetingRequest
from tradebase.events.models import Event, Registration
from tradebase.events.service import get_event, organiser_bases, party_of

DRAFT, PUBLISHED, CANCELLED = "draft", "published", "cancelled"
REQUESTED, WITHDRAWN = "requested", "withdrawn"
NOT_APPROVED = "member_not_approved"
LEFT_OUT = ("member_not_approved", "no_shared_slot", "member_cap", "no_interpreter",
            "no_free_slot")
"""Why a run left a group out: a member without an approved registration, or the engine's
codes (``events/_groups.LEFT_OUT``)."""
_PREFIX = "group-"


def engine_id(group: GroupMeetingRequest) -> str:
    return f"{_PREFIX}{group.id}"


def add_request(*, session: Session, event: Event, docking_request_id: int,
                buyer: Registration, enterprise_ids: Sequence[int], objective: str,
                priority: int = 3) -> GroupMeetingRequest:
    """Store the request (the caller checked ``policy.may_ask_group_meeting``); asking again
    for the same split at the same event renews the one request with the factories now."""
    if buyer.event_id != event.id or buyer.kind != "buyer":
        raise Conflict("the buyer is not registered for this event", field="event_id",
                       code="events.group_buyer_not_registered")
    if len(set(enterprise_ids)) < 2:
        raise Conflict("a group meeting needs at least two factories of the split",
                       field="event_id", code="events.group_too_small")
    row = session.scalar(select(GroupMeetingRequest).where(
        GroupMeetingRequest.event_id == event.id,
        GroupMeetingRequest.docking_request_id == docking_request_id))
    if row is None:
        row = GroupMeetingRequest(event_id=event.id, docking_request_id=docking_request_id)
        session.add(row)
    row.buyer_registration_id = buyer.id
    row.buyer = buyer
    row.enterprise_ids = sorted(set(enterprise_ids))
    row.objective = objective
    row.priority = priority
    row.status = REQUESTED
    row.left_out = None
    row.requested_by = current_actor(session).user_id
    session.flush()
    return row


def withdraw_request(*, session: Session, group: GroupMeetingRequest) -> GroupMeetingRequest:
    """Withdraw it (the caller checked the policy): the next run leaves it out and the next
    publication cancels its meeting."""
    group.status = WITHDRAWN
    session.flush()
    return group


@dataclass(frozen=True)
class EventGroups:
    """An event's groups for the scheduler, the request of each, and its members' ids."""

    groups: tuple[scheduler.Group, ...]
    requests: dict[str, GroupMeetingRequest]
    not_ready: tuple[GroupMeetingRequest, ...]


def event_groups(session: Session, event: Event, approved: Sequence[Registration]
                 ) -> EventGroups:
    """The groups of the event's active requests whose buyer and factories are all approved
    (the buyer first, then the factories by enterprise id), and those that are not."""
    ids = {r.id for r in approved}
    by_enterprise = {r.enterprise_id: r for r in approved if r.enterprise_id is not None}
    groups: list[scheduler.Group] = []
    requests: dict[str, GroupMeetingRequest] = {}
    not_ready: list[GroupMeetingRequest] = []
    for row in session.scalars(select(GroupMeetingRequest).where(
            GroupMeetingRequest.event_id == event.id,
            GroupMeetingRequest.status == REQUESTED).order_by(GroupMeetingRequest.id)):
        factories = [by_enterprise.get(e) for e in row.enterprise_ids]
        if row.buyer_registration_id not in ids or any(f is None for f in factories):
            not_ready.append(row)
            continue
        members = (str(row.buyer_registration_id),
                   *(str(f.id) for f in factories if f is not None))
        groups.append(scheduler.Group(engine_id(row), members, row.priority))
        requests[engine_id(row)] = row
    return EventGroups(tuple(groups), requests, tuple(not_ready))


def rows(session: Session, event: Event, status: str) -> list[EventGroupMeeting]:
    return list(session.scalars(select(EventGroupMeeting).where(
        EventGroupMeeting.event_id == event.id, EventGroupMeeting.status == status)
        .order_by(EventGroupMeeting.slot, EventGroupMeeting.table_no, EventGroupMeeting.id)))


def as_engine(row: EventGroupMeeting) -> scheduler.GroupMeeting:
    return scheduler.GroupMeeting(engine_id(row.group), tuple(str(m) for m in row.member_ids),
                                  row.slot, row.table_no)


def store_draft(session: Session, event: Event, built: EventGroups,
                result: scheduler.Schedule) -> list[EventGroupMeeting]:
    """Replace the draft's group meetings with the run's, and note why each group the run
    could not place was left out."""
    session.execute(delete(EventGroupMeeting).where(EventGroupMeeting.event_id == event.id,
                                                    EventGroupMeeting.status == DRAFT))
    drafts = [EventGroupMeeting(event_id=event.id, group=built.requests[gm.group],
                                group_request_id=built.requests[gm.group].id, slot=gm.slot,
                                table_no=gm.table, member_ids=[int(m) for m in gm.members],
                                status=DRAFT)
              for gm in result.group_meetings]
    session.add_all(drafts)
    for row in built.requests.values():
        row.left_out = None
    for out in result.groups_left_out:
        built.requests[out.group].left_out = out.code or "no_free_slot"
    for row in built.not_ready:
        row.left_out = NOT_APPROVED
    session.flush()
    return drafts


@dataclass(frozen=True)
class PublishedGroups:
    published: list[EventGroupMeeting]
    cancelled: list[EventGroupMeeting]
    unchanged: list[EventGroupMeeting]


def publish_draft(session: Session, event: Event, now: datetime) -> PublishedGroups:
    """The draft's group meetings become the published ones: an unchanged one stays, a new or
    moved one is published (the old row cancelled), one the draft dropped is cancelled."""
    current = {row.group_request_id: row for row in rows(session, event, PUBLISHED)}
    done = PublishedGroups([], [], [])
    placed: set[int] = set()
    for row in rows(session, event, DRAFT):
        placed.add(row.group_request_id)
        old = current.get(row.group_request_id)
        if old is not None and (old.slot, old.table_no, old.member_ids) == (
                row.slot, row.table_no, row.member_ids):
            session.delete(row)
            done.unchanged.append(old)
            continue
        if old is not None:
            old.status, old.cancelled_at = CANCELLED, now
        row.status, row.published_at = PUBLISHED, now
        done.published.append(row)
    for request_id, old in current.items():
        if request_id not in placed:
            old.status, old.cancelled_at = CANCELLED, now
            done.cancelled.append(old)
    session.flush()
    return done


# --- reading -------------------------------------------------------------------------------


def members_of(session: Session, row: EventGroupMeeting) -> list[Registration]:
    """The registrations at the table, the buyer first (as they were when scheduled)."""
    found = {r.id: r for r in session.scalars(
        select(Registration).where(Registration.id.in_(row.member_ids)))}
    return [found[i] for i in row.member_ids if i in found]


def _parties(session: Session, group: GroupMeetingRequest) -> list[EventParty]:
    """The buyer's party and each factory's (registered or not)."""
    return [party_of(group.buyer),
            *(EventParty("enterprise", enterprise_id=e) for e in group.enterprise_ids)]


def visible(session: Session, event: Event, rows_: Sequence[EventGroupMeeting]
            ) -> list[EventGroupMeeting]:
    """The group meetings of ``rows_`` the caller may see."""
    actor = current_actor(session)
    bases = organiser_bases(event)
    return [row for row in rows_ if may_see_group_meeting(
        actor, _parties(session, row.group), bases, published=row.status == PUBLISHED)]


def list_requests(*, session: Session, event_id: int) -> list[GroupMeetingRequest]:
    """The event's group meeting requests the caller may see (its organisers: all, with why
    the last run left one out; a member: its own)."""
    event = get_event(session=session, event_id=event_id)
    actor = current_actor(session)
    bases = organiser_bases(event)
    found = session.scalars(select(GroupMeetingRequest).where(
        GroupMeetingRequest.event_id == event.id).order_by(GroupMeetingRequest.id))
    return [g for g in found
            if may_see_group_meeting(actor, _parties(session, g), bases, published=True)]


def shown_meetings(*, session: Session, event: Event, status: str) -> list[EventGroupMeeting]:
    """The event's group meetings of ``status`` the caller may see."""
    return visible(session, event, rows(session, event, status))


def registration_meetings(session: Session, registration: Registration
                          ) -> list[EventGroupMeeting]:
    """The published and cancelled group meetings ``registration`` sits at, in id order (the
    caller checked it may read the registration's agenda)."""
    return [row for row in session.scalars(select(EventGroupMeeting).where(
        EventGroupMeeting.event_id == registration.event_id,
        EventGroupMeeting.status.in_((PUBLISHED, CANCELLED))).order_by(EventGroupMeeting.id))
        if registration.id in row.member_ids]


__all__ = [
    "CANCELLED",
    "DRAFT",
    "LEFT_OUT",
    "NOT_APPROVED",
    "PUBLISHED",
    "EventGroups",
    "PublishedGroups",
    "add_request",
    "as_engine",
    "event_groups",
    "list_requests",
    "members_of",
    "publish_draft",
    "registration_meetings",
    "rows",
    "shown_meetings",
    "store_draft",
    "visible",
    "withdraw_request",
]
