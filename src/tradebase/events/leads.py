"""Leads collected at a fair: a buyer an exhibitor of the delegation met (name, country,
contact, what it wants). A lead becomes a docking request — the docking workflow's own
request and enquiry to the exhibitor, through ``docking/direct.record_met_request`` — or stays
a buyer contact. Leads are private to the event's organisers and the exhibitor that
collected them (``policy.may_see_lead``); the list filters in SQL by the same ``EventScope``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import event_scope, may_edit_lead, may_record_lead, may_see_lead
from tradebase.docking import direct
from tradebase.docking.index_store import ListingIndex
from tradebase.docking.schemas import RequestCreate
from tradebase.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from tradebase.events.abroad_schemas import LeadCreate, LeadFields, LeadStatus
from tradebase.events.delegation import check_exhibiting
from tradebase.events.models import Event, Lead, Registration
from tradebase.events.registrations import own_registrations
from tradebase.events.schemas import EventStatus, PartyKind, RegistrationStatus
from tradebase.events.service import get_event, organiser_bases, party_of
from tradebase.registry.versioning import check_version, load_for_update


@dataclass(frozen=True)
class LeadCounts:
    leads: int
    requests: int
    contacts: int

    @property
    def waiting(self) -> int:
        return self.leads - self.requests - self.contacts


def _signed_in(session: Session) -> None:
    if not current_actor(session).is_authenticated:
        raise Unauthenticated("log in to see the leads of a fair")


def _visible(session: Session, event: Event) -> ColumnElement[bool]:
    """SQL: the leads of ``event`` the caller may see (``may_see_lead``)."""
    scope = event_scope(current_actor(session))
    if scope.organises(organiser_bases(event)):
        return true()
    return Lead.registration_id.in_(select(Registration.id).where(
        Registration.event_id == event.id, own_registrations(scope)))


def list_leads(*, session: Session, event_id: int) -> list[Lead]:
    """The leads of a fair the caller may see: the organisers every lead, an exhibitor its
    own; newest first."""
    _signed_in(session)
    event = get_event(session=session, event_id=event_id)
    check_exhibiting(event)
    return list(session.scalars(select(Lead).where(Lead.event_id == event.id,
                                                   _visible(session, event))
                                .order_by(Lead.created_at.desc(), Lead.id.desc())))


def lead_counts(leads: list[Lead]) -> LeadCounts:
    return LeadCounts(
        leads=len(leads),
        requests=sum(1 for lead in leads if lead.status == LeadStatus.REQUEST.value),
        contacts=sum(1 for lead in leads if lead.status == LeadStatus.CONTACT.value))


def get_lead(*, session: Session, lead_id: int) -> Lead:
    """The lead, if the caller may see it; else not found."""
    _signed_in(session)
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(f"Lead {lead_id} not found")
    event = get_event(session=session, event_id=lead.event_id)
    if not may_see_lead(current_actor(session), party_of(lead.registration),
                        organiser_bases(event)):
        raise NotFound(f"Lead {lead_id} not found")
    return lead


def _writable(session: Session, lead: Lead) -> None:
    event = get_event(session=session, event_id=lead.event_id)
    if not may_record_lead(current_actor(session), party_of(lead.registration),
                           organiser_bases(event)):
        raise Forbidden(f"only the organisers and the exhibitor that met the buyer may change "
                        f"lead {lead.id}")


def record_lead(*, session: Session, event_id: int, data: LeadCreate) -> Lead:
    """A buyer met at the fair by exhibitor ``data.registration_id`` (an approved enterprise
    of the delegation): recorded by the organisers or by that exhibitor."""
    _signed_in(session)
    event = get_event(session=session, event_id=event_id)
    check_exhibiting(event)
    registration = session.get(Registration, data.registration_id)
    if (registration is None or registration.event_id != event.id
            or registration.kind != PartyKind.ENTERPRISE.value
            or registration.status != RegistrationStatus.APPROVED.value):
        raise InvalidInput("choose an exhibitor of this event's delegation",
                           field="registration_id", code="events.lead_exhibitor")
    actor = current_actor(session)
    if not may_record_lead(actor, party_of(registration), organiser_bases(event)):
        if may_see_lead(actor, party_of(registration), organiser_bases(event)):
            raise Forbidden("this token may only read")
        raise Forbidden("only the organisers and the exhibitor itself record its leads",
                        field="registration_id")
    if event.status == EventStatus.CANCELLED.value:
        raise Conflict("the event is cancelled: it collects no leads", field="event_id",
                       code="events.cancelled")
    lead = Lead(event_id=event.id, registration_id=registration.id,
                buyer_name=data.buyer_name.strip(), organisation=data.organisation.strip(),
                country=data.country, contact=data.contact.strip(), wants=data.wants.strip(),
                quantity=data.quantity, unit=data.unit.strip(), status=LeadStatus.NEW.value,
                recorded_by=actor.user_id)
    session.add(lead)
    session.flush()
    return lead


def _open_lead(session: Session, lead_id: int, expected_version: int | None) -> Lead:
    lead = get_lead(session=session, lead_id=lead_id)
    _writable(session, lead)
    lead = load_for_update(session, Lead, lead.id, "Lead")
    check_version(lead, expected_version, "Lead")
    if lead.status != LeadStatus.NEW.value:
        raise Conflict(f"lead {lead.id} is a {lead.status} already", field="status",
                       code="events.lead_state", params={"status": lead.status})
    return lead


def to_request(*, session: Session, index: ListingIndex, lead_id: int,
               expected_version: int | None = None) -> Lead:
    """The lead becomes a docking request of the buyer's organisation, sent to the exhibitor
    that met it (``docking/direct.record_met_request``, which checks its own permission:
    the exhibitor's members and its base's administrators); the lead keeps its id."""
    lead = _open_lead(session, lead_id, expected_version)
    if not lead.wants:
        raise InvalidInput("say what the buyer wants before it becomes a request",
                           field="wants", code="events.lead_wants")
    enterprise_id = lead.registration.enterprise_id
    if enterprise_id is None:  # an enterprise registration always names it
        raise InvalidInput("the lead's exhibitor is not an enterprise", field="registration_id")
    data = RequestCreate(text=lead.wants, quantity=lead.quantity, unit=lead.unit,
                         destination=lead.country)
    request = direct.record_met_request(session=session, index=index, data=data,
                                        organisation=lead.organisation or lead.buyer_name,
                                        enterprise_id=enterprise_id)
    lead.docking_request_id = request.id
    lead.status = LeadStatus.REQUEST.value
    session.flush()
    return lead


def keep_as_contact(*, session: Session, lead_id: int,
                    expected_version: int | None = None) -> Lead:
    """The lead stays a buyer contact of the exhibitor (no request now)."""
    lead = _open_lead(session, lead_id, expected_version)
    lead.status = LeadStatus.CONTACT.value
    session.flush()
    return lead


def _editable(session: Session, lead_id: int, expected_version: int | None) -> Lead:
    lead = get_lead(session=session, lead_id=lead_id)
    event = get_event(session=session, event_id=lead.event_id)
    if not may_edit_lead(current_actor(session), party_of(lead.registration),
                         organiser_bases(event)):
        raise Forbidden(f"only the organisers and the exhibitor that met the buyer may change "
                        f"lead {lead.id}")
    lead = load_for_update(session, Lead, lead.id, "Lead")
    check_version(lead, expected_version, "Lead")
    return lead


def update_lead(*, session: Session, lead_id: int, data: LeadFields,
                expected_version: int | None = None) -> Lead:
    """Correct what the lead says of the buyer (the exhibitor that met it stays). A lead
    turned into a docking request is that request's now: its text is changed there."""
    lead = _editable(session, lead_id, expected_version)
    if lead.status == LeadStatus.REQUEST.value:
        raise Conflict(f"lead {lead.id} is a docking request now: change the request",
                       field="buyer_name", code="events.lead_state",
                       params={"status": lead.status})
    lead.buyer_name = data.buyer_name.strip()
    lead.organisation = data.organisation.strip()
    lead.country = data.country
    lead.contact = data.contact.strip()
    lead.wants = data.wants.strip()
    lead.quantity = data.quantity
    lead.unit = data.unit.strip()
    session.flush()
    return lead


def delete_lead(*, session: Session, lead_id: int, expected_version: int | None = None
                ) -> int:
    """Delete the lead (recorded by mistake, or twice); a docking request it became stays.
    Returns its event's id."""
    lead = _editable(session, lead_id, expected_version)
    event_id = lead.event_id
    session.delete(lead)
    session.flush()
    return event_id


__all__ = ["LeadCounts", "delete_lead", "get_lead", "keep_as_contact", "lead_counts",
           "list_leads", "record_lead", "to_request", "update_lead"]
