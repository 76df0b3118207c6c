"""A registration's edit page, for its side (and the event's organisers): who attends (one a
line: name; role; languages), what it offers and seeks — ticked from its catalog (an
enterprise) or its open docking requests (a buyer), and typed one a line — and the slots it is
available, until the registration deadline. Through the one form flow: every wrong field
beside it, what was typed kept, a stale version shown again with what is stored."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.policy import organises_event
from tradebase.errors import Conflict
from tradebase.events import registrations, schemas
from tradebase.events.models import Registration
from tradebase.events.schemas import PartyKind
from tradebase.events.service import get_event, organiser_bases, slots
from tradebase.web.deps import DbSession
from tradebase.web.i18n import N_, localized, request_language
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.event_register import attendee_records, item_lines
from tradebase.web.pages.forms import Form, apply, posted_version, read_form, validate
from tradebase.web.pages.messages import add_messages, say_error
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()

FIELDS = ("attendees", "offers", "seeks")

add_messages({
    "events.deadline_passed": N_("Registration closed on %(deadline)s: the registration no "
                                 "longer changes."),
    "events.registration_closed": N_("The event is %(status)s: registrations no longer "
                                     "change."),
    "events.registration_final": N_("The registration is %(status)s: it no longer changes."),
    "events.slot_out_of_range": N_("Slot %(slot)s does not exist: the event has %(slots)s "
                                   "slots."),
    "events.no_slots": N_("This event has no meeting slots yet."),
    "events.slot_needed": N_("Tick at least one slot you are available."),
})


def _key(item: dict[str, Any]) -> str:
    """A catalog listing or an open request as a check box's value."""
    if item.get("sku"):
        return f"sku:{item['sku']}"
    if item.get("request_id"):
        return f"request:{item['request_id']}"
    return ""


def _primary(registration: Registration) -> str:
    """The list its choices go to: an enterprise offers its catalog, a buyer seeks."""
    return "offers" if registration.kind == PartyKind.ENTERPRISE.value else "seeks"


def _attendee_text(attendees: list[dict[str, Any]]) -> str:
    lines = []
    for a in attendees:
        parts = [str(a.get("name", "")), str(a.get("role", "")),
                 " ".join(a.get("languages", []))]
        while parts and not parts[-1]:
            parts.pop()
        lines.append("; ".join(parts))
    return "\n".join(lines)


def _stored_form(registration: Registration, choices: list[dict[str, Any]]) -> Form:
    """The form of what is stored: the items from the choices ticked (by their link, or by
    their text when typed on the registration form), the rest typed."""
    primary = _primary(registration)
    by_text = {str(item.get("text", "")): _key(item) for item in choices if _key(item)}
    keys = set(by_text.values())
    values = {"attendees": _attendee_text(registration.attendees),
              "version": str(registration.version)}
    ticked: list[str] = []
    for name in ("offers", "seeks"):
        typed = []
        for item in getattr(registration, name):
            key = _key(item) or by_text.get(str(item.get("text", "")), "")
            if name == primary and key in keys:
                ticked.append(key)
            else:
                typed.append(str(item.get("text", "")))
        values[name] = "\n".join(typed)
    values["catalog"] = " ".join(ticked)
    every = registration.available_slots
    values["slots"] = "" if every is None else " ".join(map(str, every))
    return Form(values=values)


def _items(lines: list[dict[str, Any]], stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Typed lines, keeping the link (listing, request, quantity) of a stored item whose
    text did not change; the same text once."""
    by_text = {str(item.get("text", "")): item for item in stored}
    seen: set[str] = set()
    found = []
    for line in lines:
        if line["text"] not in seen:
            seen.add(line["text"])
            found.append(dict(by_text.get(line["text"], line)))
    return found


def _page(request: Request, db: DbSession, registration: Registration, form: Form | None = None,
          status_code: int = 200) -> HTMLResponse:
    event = get_event(session=db, event_id=registration.event_id)
    choices = registrations.choices(session=db, registration=registration)
    if form is None:
        form = _stored_form(registration, choices)
    lang = request_language(request)
    locked = ""
    try:
        registrations.check_changeable(db, event)
        if registration.status in ("cancelled", "declined"):
            raise Conflict("final", code="events.registration_final",
                           params={"status": registration.status})
    except Conflict as exc:
        locked = say_error(exc, gettext_for(request))
    every = form.values.get("slots", "") == "" and registration.available_slots is None
    return render(request, "event_registration_edit.html", {
        "event": event, "title": localized(event, "title", lang), "form": form,
        "registration": registration, "primary": _primary(registration),
        "choices": [(_key(item), item) for item in choices if _key(item)],
        "catalog": set(form.values.get("catalog", "").split()),
        "slots": slots(event), "ticked": set(form.values.get("slots", "").split()),
        "every_slot": every, "locked": locked, "version": registration.version,
    }, status_code=status_code)


@router.get("/events/registrations/{registration_id:int}/edit", response_class=HTMLResponse)
def edit_page(registration_id: int, request: Request, db: DbSession) -> HTMLResponse:
    registration = registrations.editable_registration(session=db,
                                                       registration_id=registration_id)
    return _page(request, db, registration)


@router.post("/events/registrations/{registration_id:int}/edit", response_class=HTMLResponse)
def edit(registration_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    gettext = gettext_for(request)
    registration = registrations.editable_registration(session=db,
                                                       registration_id=registration_id)
    event = get_event(session=db, event_id=registration.event_id)
    form = read_form(posted, FIELDS)
    chosen_slots = _ticked(posted, "slots")
    chosen_items = _ticked(posted, "catalog")
    form.values["slots"] = " ".join(chosen_slots)
    form.values["catalog"] = " ".join(chosen_items)
    primary = _primary(registration)
    picked = {_key(item): item for item in
              registrations.choices(session=db, registration=registration)}
    lists: dict[str, list[dict[str, Any]]] = {}
    for name in ("offers", "seeks"):
        typed = _items(item_lines(form.value(name)), getattr(registration, name))
        if name == primary:
            taken = [dict(picked[key]) for key in chosen_items if key in picked]
            texts = {str(item.get("text", "")) for item in taken}
            typed = taken + [item for item in typed if _key(item) not in set(chosen_items)
                             and item["text"] not in texts]
        lists[name] = typed
    count = len(slots(event))
    available: list[int | str] | None = [int(v) if v.isdigit() else v for v in chosen_slots]
    if count and not chosen_slots:
        form.errors["slots"] = say_error(
            Conflict("tick at least one slot", code="events.slot_needed"), gettext)
    elif count and set(chosen_slots) == {str(i) for i in range(count)}:
        available = None  # every slot, as a new registration is
    checked = Form()
    data = validate(schemas.RegistrationUpdate, checked, gettext, default_field="attendees",
                    extra={"attendees": attendee_records(form.value("attendees")),
                           "available_slots": available, **lists})
    for name, message in checked.errors.items():
        form.errors.setdefault(name, message)
    done = None
    if data is not None and not form.errors:
        done = apply(db, form, gettext, lambda: registrations.update_registration(
            session=db, registration_id=registration_id, data=data,
            expected_version=posted_version(posted)), default_field="attendees")
    if "available_slots" in form.errors:
        form.errors["slots"] = form.errors.pop("available_slots")
    if done is None:
        if form.stale:
            fresh = registrations.editable_registration(session=db,
                                                        registration_id=registration_id)
            stale = _stored_form(fresh, list(picked.values()))
            stale.problem, stale.status_code, stale.stale = form.problem, 409, True
            return _page(request, db, fresh, stale, status_code=409)
        form.values["version"] = str(posted.get("version") or registration.version)
        return _page(request, db, registration, form, status_code=form.status_code)
    if organises_event(request.state.actor, organiser_bases(event)):
        return RedirectResponse(f"/events/{event.id}/schedule#registration-{registration_id}",
                                status_code=303)
    return RedirectResponse(f"/events/{event.id}/meetings", status_code=303)


def _ticked(posted: FormData, name: str) -> list[str]:
    return [text for value in posted.getlist(name) if (text := str(value).strip())]
