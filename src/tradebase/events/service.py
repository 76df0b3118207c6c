"""Events: creating and changing them, who sees them, their slot times, and a campaign's
progress counted from its events.

Services take ``session`` keyword-only and never commit. Who may see or run an event is
decided by ``accounts/policy.py`` (``organises_event``, ``may_see_event``); the list of events
filters in SQL by the same ``EventScope``. An unpublished event is, to anyone but its
organisers, not found — exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize, current_actor
from tradebase.accounts.policy import (
    EventParty,
    EventScope,
    Permission,
    event_scope,
    may_see_event,
    organises_event,
)
from tradebase.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from tradebase.events import gazetteer, schemas
from tradebase.events.models import Event, EventBase, Registration
from tradebase.events.schemas import EventKind, EventStatus
from tradebase.events.slots import Slot, slot_times
from tradebase.registry.models import Base
from tradebase.registry.versioning import check_version, load_for_update

_PLAIN_FIELDS = (
    "title_zh", "title_en", "description_zh", "description_en", "place", "city", "country",
    "starts_on", "ends_on", "timezone", "languages", "capacity", "over_capacity",
    "registration_deadline", "status", "published", "auto_accept", "max_requests",
    "max_meetings", "visitors", "value", "currency", "target_text", "target_cities",
    "target_countries", "target_visitors", "target_value", "geonameid",
)


def organiser_bases(event: Event) -> frozenset[int]:
    return frozenset(event.base_ids)


def party_of(registration: Registration) -> EventParty:
    """The plain party a registration speaks for (``policy.EventParty``)."""
    return EventParty(kind=registration.kind, enterprise_id=registration.enterprise_id,
                      organisation=registration.organisation,
                      user_id=registration.registered_by)


def _visible(scope: EventScope) -> ColumnElement[bool]:
    """SQL: the events ``may_see_event`` admits for the scope."""
    if scope.everything:
        return true()
    organised = Event.id.in_(select(EventBase.event_id)
                             .where(EventBase.base_id.in_(scope.base_ids)))
    return or_(Event.published.is_(True), organised) if scope.base_ids else (
        Event.published.is_(True))


def list_events(*, session: Session, kind: EventKind | None = None,
                parent_id: int | None = None) -> list[Event]:
    """The events the caller may see (published ones, and those it organises), soonest
    first."""
    stmt = select(Event).where(_visible(event_scope(current_actor(session))))
    if kind is not None:
        stmt = stmt.where(Event.kind == kind.value)
    if parent_id is not None:
        stmt = stmt.where(Event.parent_id == parent_id)
    return list(session.scalars(stmt.order_by(Event.starts_on.is_(None), Event.starts_on,
                                              Event.id)))


def get_event(*, session: Session, event_id: int) -> Event:
    """The event, if the caller may see it; else not found."""
    event = session.get(Event, event_id)
    if event is None or not may_see_event(current_actor(session), published=event.published,
                                          organiser_base_ids=organiser_bases(event)):
        raise NotFound(f"Event {event_id} not found")
    return event


def organised_event(session: Session, event_id: int, *, lock: bool = False) -> Event:
    """The event, if the caller runs it (with the ``write`` scope); a visible event it does
    not run is forbidden, an invisible one not found."""
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to run an event")
    event = get_event(session=session, event_id=event_id)
    if lock:
        event = load_for_update(session, Event, event.id, "Event")
    if not actor.can_write or not organises_event(actor, organiser_bases(event)):
        raise Forbidden(f"only the organisers of event {event_id} may do this")
    return event


def _check_bases(session: Session, base_ids: list[int]) -> list[int]:
    ids = sorted(set(base_ids))
    found = set(session.scalars(select(Base.id).where(Base.id.in_(ids))))
    missing = [b for b in ids if b not in found]
    if missing:
        raise InvalidInput(f"no base has the id {missing[0]}", field="base_ids",
                           code="events.unknown_base", params={"base_id": missing[0]})
    for base_id in ids:  # the creator organises for every base it names
        authorize(session, Permission.ORGANISE_EVENT, base_id=base_id)
    return ids


def _check_parent(session: Session, event: Event, parent_id: int | None) -> None:
    if parent_id is None:
        event.parent_id = None
        return
    parent = session.get(Event, parent_id)
    if parent is None or parent.kind != EventKind.CAMPAIGN:
        raise InvalidInput(f"event {parent_id} is not a campaign", field="parent_id",
                           code="events.not_a_campaign", params={"event_id": parent_id})
    if event.kind == EventKind.CAMPAIGN:
        raise InvalidInput("a campaign does not belong to another campaign",
                           field="parent_id", code="events.nested_campaign")
    actor = current_actor(session)
    if not organises_event(actor, organiser_bases(parent)):
        raise Forbidden(f"only the organisers of campaign {parent_id} add events to it",
                        field="parent_id")
    event.parent_id = parent.id


def _apply(session: Session, event: Event, data: schemas.EventFields) -> None:
    given = data.model_fields_set
    for name in _PLAIN_FIELDS:
        if name in given:
            value = getattr(data, name)
            if name in ("over_capacity", "status") and value is None:
                continue
            setattr(event, name, value.value if hasattr(value, "value") else value)
    if "parent_id" in given:
        _check_parent(session, event, data.parent_id)
    if "slot_plan" in given:
        plan = data.slot_plan
        event.slot_minutes = plan.slot_minutes if plan else None
        event.day_start = plan.day_start if plan else None
        event.sessions = [s.model_dump() for s in plan.sessions] if plan else []
        event.tables = plan.tables if plan else None
    if "geonameid" in given and data.geonameid is not None and (
            gazetteer.place_by_id(data.geonameid) is None):
        raise InvalidInput(f"the gazetteer has no place {data.geonameid}", field="geonameid",
                           code="events.unknown_place", params={"geonameid": data.geonameid})
    if event.starts_on and event.ends_on and event.ends_on < event.starts_on:
        raise InvalidInput("the event ends before it starts", field="ends_on",
                           code="events.dates")
    if (event.registration_deadline and event.ends_on
            and event.registration_deadline > event.ends_on):
        raise InvalidInput("registration closes after the event has ended",
                           field="registration_deadline", code="events.deadline")


def create_event(*, session: Session, data: schemas.EventCreate) -> Event:
    """A new event of the bases named (the caller administers each of them)."""
    actor = current_actor(session)
    base_ids = _check_bases(session, data.base_ids)
    event = Event(kind=data.kind.value, created_by=actor.user_id,
                  base_rows=[EventBase(base_id=b) for b in base_ids])
    _apply(session, event, data)
    if event.status is None:
        event.status = EventStatus.DRAFT.value
    session.add(event)
    session.flush()
    return event


def update_event(*, session: Session, event_id: int, data: schemas.EventUpdate,
                 expected_version: int | None = None) -> Event:
    event = organised_event(session, event_id, lock=True)
    check_version(event, expected_version, "Event")
    if data.base_ids is not None:
        ids = _check_bases(session, data.base_ids)
        kept = [row for row in event.base_rows if row.base_id in ids]
        event.base_rows = kept + [EventBase(event_id=event.id, base_id=b) for b in ids
                                  if b not in {row.base_id for row in kept}]
    if data.status is not None and data.status != event.status:
        _check_status(EventStatus(event.status), data.status)
    _apply(session, event, data)
    session.flush()
    return event


_NEXT_STATUS = {
    EventStatus.DRAFT: {EventStatus.OPEN, EventStatus.CANCELLED},
    EventStatus.OPEN: {EventStatus.CLOSED, EventStatus.CANCELLED, EventStatus.DRAFT},
    EventStatus.CLOSED: {EventStatus.OPEN, EventStatus.HELD, EventStatus.CANCELLED},
    EventStatus.HELD: set(),
    EventStatus.CANCELLED: set(),
}


def _check_status(current: EventStatus, wanted: EventStatus) -> None:
    if wanted not in _NEXT_STATUS[current]:
        raise Conflict(f"an event {current.value} cannot become {wanted.value}",
                       field="status", code="events.status",
                       params={"current": current.value, "wanted": wanted.value})


def slots(event: Event) -> list[Slot]:
    """The event's meeting slots as times (empty without a slot plan)."""
    if not event.slot_minutes or not event.day_start or not event.sessions:
        return []
    return slot_times(event.day_start, event.slot_minutes, event.sessions)


# --- campaigns -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    campaign: Event
    events: int
    cities: list[str]
    countries: list[str]
    visitors: int
    value: dict[str, float]


def campaign_progress(*, session: Session, campaign_id: int) -> Progress:
    """What a campaign reached, counted from its events that were not cancelled: distinct
    cities (a city is its name and its country, case-blind), distinct countries, visitors and
    value by currency. Events the caller may not see are counted too: the totals are the
    campaign's, and show no event's details."""
    campaign = get_event(session=session, event_id=campaign_id)
    if campaign.kind != EventKind.CAMPAIGN:
        raise InvalidInput(f"event {campaign_id} is not a campaign", field="event_id",
                           code="events.not_a_campaign", params={"event_id": campaign_id})
    children = list(session.scalars(
        select(Event).where(Event.parent_id == campaign.id,
                            Event.status != EventStatus.CANCELLED.value)))
    cities: dict[tuple[str, str], str] = {}
    countries: set[str] = set()
    value: dict[str, float] = {}
    for child in children:
        if child.city.strip():
            key = (child.city.strip().casefold(), child.country or "")
            cities.setdefault(key, child.city.strip())
        if child.country:
            countries.add(child.country)
        if child.value is not None:
            currency = child.currency or "CNY"
            value[currency] = value.get(currency, 0.0) + child.value
    return Progress(
        campaign=campaign, events=len(children),
        cities=sorted(cities.values(), key=str.casefold), countries=sorted(countries),
        visitors=sum(child.visitors or 0 for child in children), value=value,
    )
