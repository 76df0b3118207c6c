"""Registrations of enterprises and buyer organisations for an event: registering (offers
and seeks prefilled from the catalog and the open docking requests), editing, the organisers'
decision within the event's capacity (a waitlist, or a refusal), and the list as CSV or XLSX.

Who may register, see and change a registration is ``accounts/policy.py``'s
(``may_register``, ``may_see_registration``, ``may_edit_registration``); the list filters in
SQL by the same ``EventScope`` (``own_registrations``).
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import (
    EventParty,
    EventScope,
    Role,
    event_scope,
    may_edit_registration,
    may_register,
    may_see_registration,
    organises_event,
)
from tradebase.docking.models import BuyerRequest
from tradebase.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from tradebase.events import notices, schemas
from tradebase.events.models import Event, MeetingRequest, Registration
from tradebase.events.schemas import (
    EventStatus,
    MeetingStatus,
    OverCapacity,
    PartyKind,
    RegistrationStatus,
)
from tradebase.events.service import (
    get_event,
    organised_event,
    organiser_bases,
    party_of,
    slots,
)
from tradebase.registry.models import Enterprise, Product
from tradebase.registry.transfer.files import Cell, write_table
from tradebase.registry.versioning import check_version, load_for_update

PREFILLED = 20  # catalog listings or open requests taken into a new registration
ACTIVE = (RegistrationStatus.PENDING.value, RegistrationStatus.APPROVED.value,
          RegistrationStatus.WAITLISTED.value)
EXPORT_COLUMNS = ("id", "kind", "name", "organisation", "enterprise_id", "status", "booth",
                  "attendees", "languages", "offers", "seeks", "available_slots",
                  "registered_at")


def _now() -> datetime:
    return datetime.now(UTC)


def own_registrations(scope: EventScope) -> ColumnElement[bool]:
    """SQL: the registrations the scope speaks for (``EventScope.acts_for``)."""
    clauses: list[ColumnElement[bool]] = []
    is_buyer = Registration.kind == PartyKind.BUYER.value
    if scope.enterprise_ids:
        clauses.append((Registration.kind == PartyKind.ENTERPRISE.value)
                       & Registration.enterprise_id.in_(sorted(scope.enterprise_ids)))
    if scope.user_id is not None:
        clauses.append(is_buyer & (Registration.registered_by == scope.user_id))
    if scope.organisation:
        clauses.append(is_buyer & (Registration.organisation == scope.organisation))
    return or_(*clauses) if clauses else false()


def _slot_list(event: Event, wanted: list[int] | None) -> list[int] | None:
    if wanted is None:
        return None
    count = len(slots(event))
    if count == 0:
        raise InvalidInput("this event has no meeting slots", field="available_slots",
                           code="events.no_slots")
    bad = [s for s in wanted if s >= count]
    if bad:
        raise InvalidInput(f"slot {bad[0]} is out of range: the event has slots 0 to "
                           f"{count - 1}", field="available_slots",
                           code="events.slot_out_of_range",
                           params={"slot": bad[0], "slots": count})
    return sorted(set(wanted))


def _catalog(session: Session, enterprise_id: int) -> list[dict[str, Any]]:
    products = session.scalars(select(Product).where(Product.enterprise_id == enterprise_id)
                               .order_by(Product.id).limit(PREFILLED))
    return [{"text": p.title, "sku": p.sku} for p in products]


def _open_requests(session: Session, party: EventParty) -> list[dict[str, Any]]:
    owner = BuyerRequest.buyer_id == party.user_id
    if party.organisation:
        owner = or_(owner, BuyerRequest.organisation == party.organisation)
    requests = session.scalars(select(BuyerRequest).where(owner, BuyerRequest.status == "open")
                               .order_by(BuyerRequest.id.desc()).limit(PREFILLED))
    return [{"text": r.text, "request_id": r.id, "quantity": r.quantity} for r in requests]


def prefilled(*, session: Session, enterprise_id: int | None) -> list[dict[str, Any]]:
    """What a new registration's form shows before anything is typed: an enterprise's offers
    from its catalog, the caller's (a buyer's) seeks from its open docking requests."""
    if enterprise_id is not None:
        return _catalog(session, enterprise_id)
    actor = current_actor(session)
    if actor.role is not Role.BUYER:
        return []
    return _open_requests(session, EventParty(kind="buyer", organisation=actor.organisation,
                                              user_id=actor.user_id))


def _party(session: Session, data: schemas.RegistrationCreate
           ) -> tuple[EventParty, Enterprise | None]:
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to register for an event")
    if data.enterprise_id is not None:
        enterprise = session.get(Enterprise, data.enterprise_id)
        if enterprise is None:
            raise NotFound(f"Enterprise {data.enterprise_id} not found", field="enterprise_id")
        return EventParty(kind="enterprise", enterprise_id=enterprise.id), enterprise
    if actor.role is not Role.BUYER:
        raise InvalidInput("name the enterprise to register (enterprise_id): only a buyer "
                           "registers its own organisation", field="enterprise_id",
                           code="events.enterprise_needed")
    return EventParty(kind="buyer", organisation=actor.organisation,
                      user_id=actor.user_id), None


def _check_open(session: Session, event: Event) -> None:
    """Registration is open: the event is open and its deadline has not passed. Its
    organisers may still add registrations (a delegation) until it is held."""
    if organises_event(current_actor(session), organiser_bases(event)):
        if event.status in (EventStatus.HELD.value, EventStatus.CANCELLED.value):
            raise Conflict(f"the event is {event.status}: nobody registers any more",
                           code="events.registration_closed")
        return
    if event.status != EventStatus.OPEN.value:
        raise Conflict(f"the event is {event.status}: registration is not open",
                       code="events.registration_closed", params={"status": event.status})
    if event.registration_deadline and datetime.now(UTC).date() > event.registration_deadline:
        raise Conflict(f"registration closed on {event.registration_deadline.isoformat()}",
                       field="registration_deadline", code="events.deadline_passed",
                       params={"deadline": event.registration_deadline.isoformat()})


def check_changeable(session: Session, event: Event) -> None:
    """A registration's side changes it until the registration deadline, while the event is
    neither held nor cancelled; its organisers until the event is held."""
    if event.status in (EventStatus.HELD.value, EventStatus.CANCELLED.value):
        raise Conflict(f"the event is {event.status}: its registrations no longer change",
                       code="events.registration_closed", params={"status": event.status})
    if organises_event(current_actor(session), organiser_bases(event)):
        return
    if event.registration_deadline and _now().date() > event.registration_deadline:
        raise Conflict(f"registration closed on {event.registration_deadline.isoformat()}: "
                       "the registration no longer changes", field="registration_deadline",
                       code="events.deadline_passed",
                       params={"deadline": event.registration_deadline.isoformat()})


def choices(*, session: Session, registration: Registration) -> list[dict[str, Any]]:
    """What a registration may take into its offers (an enterprise: its catalog) or seeks
    (a buyer: its organisation's open docking requests), each as an offer's fields."""
    if registration.enterprise_id is not None:
        return _catalog(session, registration.enterprise_id)
    return _open_requests(session, party_of(registration))


def _approved(session: Session, event_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event_id,
        Registration.status == RegistrationStatus.APPROVED.value)) or 0


def _full(session: Session, event: Event) -> bool:
    return event.capacity is not None and _approved(session, event.id) >= event.capacity


def register(*, session: Session, event_id: int,
             data: schemas.RegistrationCreate) -> Registration:
    """Register an enterprise or the caller's buyer organisation (pending the organisers'
    approval). An event that is full and refuses more says so now."""
    event = get_event(session=session, event_id=event_id)
    event = load_for_update(session, Event, event.id, "Event")  # one registration at a time
    party, enterprise = _party(session, data)
    actor = current_actor(session)
    if not may_register(actor, party, enterprise_base_id=enterprise.base_id if enterprise
                        else None, organiser_base_ids=organiser_bases(event)):
        raise Forbidden("you may register only your own enterprise or organisation",
                        field="enterprise_id")
    _check_open(session, event)
    if event.over_capacity == OverCapacity.REFUSE.value and _full(session, event):
        raise Conflict(f"the event is full: its {event.capacity} places are taken",
                       field="capacity", code="events.full",
                       params={"capacity": event.capacity or 0})
    same = select(Registration.id).where(Registration.event_id == event.id,
                                         Registration.status.in_(ACTIVE))
    if party.kind == "enterprise":
        same = same.where(Registration.enterprise_id == party.enterprise_id)
    elif party.organisation:
        same = same.where(Registration.organisation == party.organisation)
    else:
        same = same.where(Registration.registered_by == party.user_id)
    if session.scalar(same) is not None:
        raise Conflict("registered for this event already", code="events.registered")
    stale = (session.scalar(select(Registration).where(
        Registration.event_id == event.id, Registration.enterprise_id == party.enterprise_id))
        if party.kind == "enterprise" else None)
    if stale is not None:  # a declined or cancelled registration registers again
        session.delete(stale)
        session.flush()
    registration = Registration(
        event_id=event.id, kind=party.kind, enterprise_id=party.enterprise_id,
        organisation=party.organisation, registered_by=actor.user_id,
        status=RegistrationStatus.PENDING.value, booth=data.booth or "",
        attendees=[a.model_dump() for a in data.attendees or []],
        available_slots=_slot_list(event, data.available_slots),
    )
    if enterprise is not None:
        registration.offers = ([o.model_dump(exclude_none=True) for o in data.offers]
                               if data.offers is not None else _catalog(session, enterprise.id))
        registration.seeks = [o.model_dump(exclude_none=True) for o in data.seeks or []]
    else:
        registration.seeks = ([o.model_dump(exclude_none=True) for o in data.seeks]
                              if data.seeks is not None else _open_requests(session, party))
        registration.offers = [o.model_dump(exclude_none=True) for o in data.offers or []]
    session.add(registration)
    session.flush()
    return registration


def get_registration(*, session: Session, registration_id: int) -> Registration:
    """The registration, if the caller is its side or organises its event; else not
    found."""
    if not current_actor(session).is_authenticated:
        raise Unauthenticated("log in to see registrations")
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound(f"Registration {registration_id} not found")
    event = session.get(Event, registration.event_id)
    assert event is not None
    if not may_see_registration(current_actor(session), party_of(registration),
                                organiser_bases(event)):
        raise NotFound(f"Registration {registration_id} not found")
    return registration


def editable_registration(*, session: Session, registration_id: int) -> Registration:
    """The registration, for its side or its event's organisers to change; another reader
    who may see it is refused."""
    registration = get_registration(session=session, registration_id=registration_id)
    event = session.get(Event, registration.event_id)
    assert event is not None
    if not may_edit_registration(current_actor(session), party_of(registration),
                                 organiser_bases(event)):
        raise Forbidden(f"only its side or the organisers change registration "
                        f"{registration_id}")
    return registration


def list_registrations(*, session: Session, event_id: int) -> list[Registration]:
    """Every registration of the event for its organisers; the caller's own for anyone
    else (in SQL, from the same ``EventScope``)."""
    event = get_event(session=session, event_id=event_id)
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to see registrations")
    stmt = select(Registration).where(Registration.event_id == event.id)
    if not organises_event(actor, organiser_bases(event)):
        stmt = stmt.where(own_registrations(event_scope(actor)))
    return list(session.scalars(stmt.order_by(Registration.id)))


def _withdraw_open_requests(session: Session, registration: Registration, cause: str) -> None:
    """Its open meeting requests are withdrawn; the other side of each is told (once: a
    withdrawn request is never open again)."""
    withdrawn = list(session.scalars(select(MeetingRequest).where(
        or_(MeetingRequest.requester_id == registration.id,
            MeetingRequest.recipient_id == registration.id),
        MeetingRequest.status.in_((MeetingStatus.REQUESTED.value,
                                   MeetingStatus.ACCEPTED.value)))
        .order_by(MeetingRequest.id)))
    for request in withdrawn:
        request.status = MeetingStatus.WITHDRAWN.value
        request.answered_at = _now()
    session.flush()
    for request in withdrawn:
        notices.withdrawn_with(session=session, request=request, registration=registration,
                               cause=cause)


def _promote_waitlist(session: Session, event: Event) -> None:
    """A place came free: the oldest waitlisted registration takes it (and is told)."""
    if event.capacity is None or _full(session, event):
        return
    waiting = session.scalars(select(Registration).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.WAITLISTED.value)
        .order_by(Registration.decided_at, Registration.id)).first()
    if waiting is not None:
        waiting.status = RegistrationStatus.APPROVED.value
        waiting.decided_at = _now()
        session.flush()
        notices.decided(session=session, event=event, registration=waiting)


def update_registration(*, session: Session, registration_id: int,
                        data: schemas.RegistrationUpdate,
                        expected_version: int | None = None) -> Registration:
    """Its side (or an organiser) changes attendees, offers, seeks, slots or booth, or
    cancels it (its open meeting requests are withdrawn, a waitlisted party moves up)."""
    registration = get_registration(session=session, registration_id=registration_id)
    event = load_for_update(session, Event, registration.event_id, "Event")
    registration = load_for_update(session, Registration, registration.id, "Registration")
    if not may_edit_registration(current_actor(session), party_of(registration),
                                 organiser_bases(event)):
        raise Forbidden(f"only its side or the organisers change registration "
                        f"{registration_id}")
    check_version(registration, expected_version, "Registration")
    if registration.status in (RegistrationStatus.CANCELLED.value,
                               RegistrationStatus.DECLINED.value):
        raise Conflict(f"the registration is {registration.status}",
                       code="events.registration_final", params={"status": registration.status})
    if not data.cancel:  # cancelling stays possible; changing ends with registration
        check_changeable(session, event)
    given = data.model_fields_set
    for name in ("attendees", "offers", "seeks"):
        if name in given and getattr(data, name) is not None:
            setattr(registration, name, [item.model_dump(exclude_none=True)
                                         for item in getattr(data, name)])
    if "available_slots" in given:
        registration.available_slots = _slot_list(event, data.available_slots)
    if "booth" in given and data.booth is not None:
        registration.booth = data.booth
    if data.cancel:
        was_approved = registration.status == RegistrationStatus.APPROVED.value
        registration.status = RegistrationStatus.CANCELLED.value
        _withdraw_open_requests(session, registration, "cancelled")
        session.flush()
        if was_approved:
            _promote_waitlist(session, event)
    session.flush()
    return registration


def decide(*, session: Session, registration_id: int, approve: bool) -> Registration:
    """The organisers approve (within the capacity: else waitlisted, or refused when the
    event refuses more) or decline a registration."""
    registration = get_registration(session=session, registration_id=registration_id)
    event = organised_event(session, registration.event_id, lock=True)
    registration = load_for_update(session, Registration, registration.id, "Registration")
    if registration.status == RegistrationStatus.CANCELLED.value:
        raise Conflict("the registration was cancelled by its side",
                       code="events.registration_final", params={"status": "cancelled"})
    was_approved = registration.status == RegistrationStatus.APPROVED.value
    before = registration.status
    if approve and not was_approved:
        if _full(session, event):
            if event.over_capacity == OverCapacity.REFUSE.value:
                raise Conflict(f"the event is full: its {event.capacity} places are taken",
                               field="capacity", code="events.full",
                               params={"capacity": event.capacity or 0})
            registration.status = RegistrationStatus.WAITLISTED.value
        else:
            registration.status = RegistrationStatus.APPROVED.value
    elif not approve:
        registration.status = RegistrationStatus.DECLINED.value
        _withdraw_open_requests(session, registration, "declined")
    registration.decided_at = _now()
    session.flush()
    if registration.status != before:  # told once: deciding the same again says nothing
        notices.decided(session=session, event=event, registration=registration)
    if was_approved and not approve:
        _promote_waitlist(session, event)
        session.flush()
    return registration


# --- the list as a file --------------------------------------------------------------------


def _items(items: list[dict[str, Any]]) -> str:
    return "; ".join(str(item.get("text", "")) for item in items)


def export_rows(registrations: list[Registration]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for r in registrations:
        rows.append([
            r.id, r.kind, r.name, r.organisation, r.enterprise_id, r.status, r.booth,
            "; ".join(f"{a.get('name', '')} ({a.get('role', '')})" if a.get("role")
                      else str(a.get("name", "")) for a in r.attendees),
            ", ".join(sorted({lang for a in r.attendees for lang in a.get("languages", [])})),
            _items(r.offers), _items(r.seeks),
            "all" if r.available_slots is None else " ".join(map(str, r.available_slots)),
            r.created_at.isoformat(timespec="seconds") if r.created_at else "",
        ])
    return rows


def export(*, session: Session, event_id: int, fmt: str) -> bytes:
    """The event's registrations as CSV (UTF-8 with a BOM, formulas neutralised) or XLSX:
    its organisers only."""
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput(f"{fmt} is not a file format here: csv or xlsx", field="format",
                           code="events.format", params={"format": fmt})
    if not current_actor(session).is_authenticated:
        raise Unauthenticated("log in to export registrations")
    event = get_event(session=session, event_id=event_id)
    if not organises_event(current_actor(session), organiser_bases(event)):
        raise Forbidden(f"only the organisers of event {event_id} export its registrations")
    registrations = list(session.scalars(select(Registration).where(
        Registration.event_id == event.id).order_by(Registration.id)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"registrations.{fmt}"
        write_table(path, EXPORT_COLUMNS, export_rows(registrations), fmt,
                    sheet="registrations")
        return path.read_bytes()
