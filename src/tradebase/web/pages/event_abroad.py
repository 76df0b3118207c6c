"""Pages of exhibitions abroad and campaigns: the organisers' delegation page (each exhibitor's
hall, booth and products shown), the leads page of a fair (the organisers' and each
exhibitor's own: record a lead, turn it into a docking request or keep it as a contact), and
the organisers' choice of a campaign city among its namesakes. The public parts — the
delegation, a campaign's progress and map — are on the event's page (``events.py``).
Thin: ``events/delegation.py``, ``leads.py`` and ``reach.py`` decide."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from tradebase.errors import InvalidInput
from tradebase.events import delegation, leads, registrations, schemas, service
from tradebase.events.abroad_schemas import Booth, LeadCreate, LeadFields, LeadStatus
from tradebase.events.models import Lead, Registration
from tradebase.events.schemas import PartyKind, RegistrationStatus
from tradebase.registry.models import Product
from tradebase.web.api.docking import listing_index
from tradebase.web.deps import DbSession
from tradebase.web.i18n import N_, localized, request_language
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import (
    Form,
    apply,
    posted_version,
    read_form,
    refreshed,
    validate,
)
from tradebase.web.pages.messages import add_messages
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()

add_messages({
    "events.not_an_exhibition": N_("This event is not an exhibition: it has no delegation."),
    "events.not_an_exhibitor": N_("Only an enterprise of the delegation has a booth."),
    "events.not_its_product": N_("Product %(product_id)s is not in this exhibitor's catalog."),
    "events.lead_exhibitor": N_("Choose an exhibitor of this event's delegation."),
    "events.lead_state": N_("This lead was turned into a request or kept as a contact "
                            "already."),
    "events.lead_wants": N_("Say what the buyer wants before it becomes a request."),
    "events.unknown_place": N_("The gazetteer has no place %(geonameid)s."),
    "events.cancelled": N_("The event is cancelled."),
})

LEAD_STATUS = {
    LeadStatus.NEW.value: N_("to follow up"),
    LeadStatus.REQUEST.value: N_("docking request"),
    LeadStatus.CONTACT.value: N_("buyer contact"),
}
LEAD_FIELDS = ("registration_id", "buyer_name", "organisation", "country", "contact",
               "wants", "quantity", "unit")
BOOTH_FIELDS = ("hall", "booth")


def _exhibitors(db: DbSession, event_id: int) -> list[Registration]:
    """The delegation's exhibitors the caller may record leads for (the organisers: all; an
    enterprise's member: its own)."""
    return [r for r in registrations.list_registrations(session=db, event_id=event_id)
            if r.kind == PartyKind.ENTERPRISE.value
            and r.status == RegistrationStatus.APPROVED.value]


def _leads_page(request: Request, db: DbSession, event_id: int, form: Form | None = None,
                status_code: int = 200) -> HTMLResponse:
    event = service.get_event(session=db, event_id=event_id)
    found = leads.list_leads(session=db, event_id=event_id)
    exhibitors = _exhibitors(db, event_id)
    if form is None:
        form = Form(values={"registration_id": str(exhibitors[0].id) if exhibitors else "",
                            "unit": "pcs"})
    lang = request_language(request)
    return render(request, "event_leads.html", {
        "event": event, "title": localized(event, "title", lang), "leads": found,
        "counts": leads.lead_counts(found), "form": form, "lead_status": LEAD_STATUS,
        "exhibitor_options": [(str(r.id), r.name) for r in exhibitors],
    }, status_code=status_code)


@router.get("/events/{event_id:int}/leads", response_class=HTMLResponse)
def leads_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    return _leads_page(request, db, event_id)


@router.post("/events/{event_id:int}/leads", response_class=HTMLResponse)
def record_lead(event_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    gettext = gettext_for(request)
    form = read_form(posted, LEAD_FIELDS)
    data = validate(LeadCreate, form, gettext, default_field="buyer_name", omit_empty=True)
    made = None
    if data is not None:
        made = apply(db, form, gettext, lambda: leads.record_lead(
            session=db, event_id=event_id, data=data), default_field="buyer_name")
    if made is None:
        return _leads_page(request, db, event_id, form, status_code=form.status_code)
    return RedirectResponse(f"/events/{event_id}/leads#lead-{made.id}", status_code=303)


@router.post("/events/leads/{lead_id:int}/request", response_class=HTMLResponse)
def lead_to_request(lead_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    """A lead's button: it becomes a docking request sent to its exhibitor."""
    done = leads.to_request(session=db, index=listing_index(request), lead_id=lead_id,
                            expected_version=posted_version(posted))
    return RedirectResponse(f"/events/{done.event_id}/leads#lead-{done.id}", status_code=303)


@router.post("/events/leads/{lead_id:int}/contact", response_class=HTMLResponse)
def lead_to_contact(lead_id: int, db: DbSession, posted: Posted) -> Response:
    """A lead's button: it stays a buyer contact."""
    done = leads.keep_as_contact(session=db, lead_id=lead_id,
                                 expected_version=posted_version(posted))
    return RedirectResponse(f"/events/{done.event_id}/leads#lead-{done.id}", status_code=303)


LEAD_EDIT_FIELDS = ("buyer_name", "organisation", "country", "contact", "wants", "quantity",
                    "unit")


def _lead_form(lead: Lead) -> Form:
    return Form(values={
        "buyer_name": lead.buyer_name, "organisation": lead.organisation,
        "country": lead.country or "", "contact": lead.contact, "wants": lead.wants,
        "quantity": "" if lead.quantity is None else str(lead.quantity), "unit": lead.unit,
        "version": str(lead.version)})


def _lead_edit_page(request: Request, db: DbSession, lead: Lead, form: Form,
                    status_code: int = 200) -> HTMLResponse:
    event = service.get_event(session=db, event_id=lead.event_id)
    return render(request, "event_lead_edit.html", {
        "event": event, "title": localized(event, "title", request_language(request)),
        "lead": lead, "form": form, "lead_status": LEAD_STATUS}, status_code=status_code)


@router.get("/events/leads/{lead_id:int}/edit", response_class=HTMLResponse)
def lead_edit_page(lead_id: int, request: Request, db: DbSession) -> HTMLResponse:
    """A lead's edit form: the organisers and the exhibitor that met the buyer."""
    lead = leads.get_lead(session=db, lead_id=lead_id)
    return _lead_edit_page(request, db, lead, _lead_form(lead))


@router.post("/events/leads/{lead_id:int}/edit", response_class=HTMLResponse)
def edit_lead(lead_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    gettext = gettext_for(request)
    form = read_form(posted, LEAD_EDIT_FIELDS)
    form.values["version"] = str(posted.get("version") or "")
    data = validate(LeadFields, form, gettext, default_field="buyer_name", omit_empty=True)
    done = None
    if data is not None:
        done = apply(db, form, gettext, lambda: leads.update_lead(
            session=db, lead_id=lead_id, data=data, expected_version=posted_version(posted)),
            default_field="buyer_name")
    if done is None:
        lead = leads.get_lead(session=db, lead_id=lead_id)
        if form.stale:
            form = refreshed(form, _lead_form(lead))
        return _lead_edit_page(request, db, lead, form, status_code=form.status_code)
    return RedirectResponse(f"/events/{done.event_id}/leads#lead-{done.id}", status_code=303)


@router.post("/events/leads/{lead_id:int}/delete", response_class=HTMLResponse)
def delete_lead(lead_id: int, db: DbSession, posted: Posted) -> Response:
    """A lead's delete button (a docking request it became stays)."""
    event_id = leads.delete_lead(session=db, lead_id=lead_id,
                                 expected_version=posted_version(posted))
    return RedirectResponse(f"/events/{event_id}/leads#lead-list", status_code=303)


# --- the organisers' delegation page -------------------------------------------------------


def _catalogs(db: DbSession, exhibitors: list[delegation.Exhibitor]) -> dict[int, list[Product]]:
    ids = {e.registration.enterprise_id for e in exhibitors} - {None}
    found: dict[int, list[Product]] = {}
    for product in db.scalars(select(Product).where(Product.enterprise_id.in_(ids))
                              .order_by(Product.title)):
        found.setdefault(product.enterprise_id, []).append(product)
    return found


def _delegation_page(request: Request, db: DbSession, event_id: int,
                     forms: dict[int, Form] | None = None, status_code: int = 200
                     ) -> HTMLResponse:
    event = service.organised_event(db, event_id)
    exhibitors = delegation.delegation(session=db, event_id=event_id)
    forms = dict(forms or {})
    for e in exhibitors:
        r = e.registration
        forms.setdefault(r.id, Form(values={"hall": r.hall, "booth": r.booth,
                                            "version": str(r.version)},
                                    prefix=f"r{r.id}-"))
    return render(request, "event_delegation.html", {
        "event": event, "title": localized(event, "title", request_language(request)),
        "exhibitors": exhibitors, "forms": forms, "catalogs": _catalogs(db, exhibitors),
    }, status_code=status_code)


@router.get("/events/{event_id:int}/delegation", response_class=HTMLResponse)
def delegation_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    return _delegation_page(request, db, event_id)


@router.post("/events/registrations/{registration_id:int}/booth", response_class=HTMLResponse)
def set_booth(registration_id: int, request: Request, db: DbSession,
              posted: Posted) -> Response:
    registration = registrations.get_registration(session=db, registration_id=registration_id)
    event_id = service.organised_event(db, registration.event_id).id  # refusals: error page
    gettext = gettext_for(request)
    form = read_form(posted, BOOTH_FIELDS)
    form.prefix = f"r{registration_id}-"
    ticked = [str(v) for v in posted.getlist("products_shown")]
    shown: list[Any] = [int(v) if v.isdecimal() and len(v) < 10 else v for v in ticked]
    data = validate(Booth, form, gettext, default_field="booth",
                    extra={"products_shown": shown})
    done = None
    if data is not None:
        done = apply(db, form, gettext, lambda: delegation.set_booth(
            session=db, registration_id=registration_id, data=data,
            expected_version=posted_version(posted)), default_field="booth")
    if done is None:
        for name in [n for n in form.errors if n.startswith("products_shown")]:
            form.errors["booth"] = form.errors.pop(name)  # the boxes sit under the booth
        return _delegation_page(request, db, event_id, {registration_id: form},
                                status_code=form.status_code)
    return RedirectResponse(f"/events/{event_id}/delegation#exhibitor-{registration_id}",
                            status_code=303)


# --- a campaign city: the organisers choose among its namesakes -----------------------------


@router.post("/events/{event_id:int}/place", response_class=HTMLResponse)
def choose_place(event_id: int, db: DbSession, posted: Posted) -> Response:
    """An ambiguous city's button: this namesake is the one meant (the event's
    ``geonameid``); back to the campaign's page."""
    text = str(posted.get("geonameid") or "")
    if not text.isdecimal() or not 1 <= int(text) < 2**31:
        raise InvalidInput("choose one of the places listed", field="geonameid",
                           code="events.unknown_place", params={"geonameid": text[:12]})
    event = service.update_event(session=db, event_id=event_id,
                                 data=schemas.EventUpdate(geonameid=int(text)))
    back = event.parent_id or event.id
    return RedirectResponse(f"/events/{back}#campaign-map", status_code=303)
