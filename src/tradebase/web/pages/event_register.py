"""The registration form of an event, for an enterprise's member or a buyer: attendees (one a
line: name; role; languages), what it offers or seeks (one a line, prefilled from the catalog
or the open docking requests) and the slots it is available as check boxes with their times.
Through the one form flow: every wrong field beside it, what was typed kept."""

from __future__ import annotations

import re
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.policy import Role
from tradebase.errors import Forbidden, Unauthenticated
from tradebase.events import registrations, schemas
from tradebase.events.service import get_event, slots
from tradebase.registry.models import Enterprise
from tradebase.web.deps import DbSession
from tradebase.web.i18n import localized, request_language
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form, apply, line_records, read_form, validate
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()

FIELDS = ("enterprise_id", "attendees", "items")
_LANGS = re.compile(r"[\s,，、/]+")


def attendee_records(text: str) -> list[dict[str, Any]]:
    found = line_records(text, ("name", "role", "languages"))
    for item in found:
        if "languages" in item:
            item["languages"] = [x.lower() for x in _LANGS.split(item["languages"]) if x]
    return found


def item_lines(text: str) -> list[dict[str, Any]]:
    return [{"text": line.strip()} for line in text.splitlines() if line.strip()]


def _party_only(request: Request) -> None:
    """An enterprise's member or a buyer registers here (organisers send a delegation
    through the API)."""
    role = request.state.actor.role
    if role is None:
        raise Unauthenticated("log in to register for an event")
    if role not in (Role.ENTERPRISE, Role.BUYER):
        raise Forbidden("an enterprise's member or a buyer registers for an event here")


def _page(request: Request, db: DbSession, event_id: int, form: Form | None = None,
          status_code: int = 200) -> HTMLResponse:
    event = get_event(session=db, event_id=event_id)
    actor = request.state.actor
    enterprises = [e for e in (db.get(Enterprise, i) for i in sorted(actor.enterprise_ids))
                   if e is not None] if actor.role is Role.ENTERPRISE else []
    if form is None:
        first = enterprises[0].id if enterprises else None
        prefilled = registrations.prefilled(session=db, enterprise_id=first)
        form = Form(values={"enterprise_id": str(first or ""), "attendees": "",
                            "items": "\n".join(i["text"] for i in prefilled),
                            "slots": ""})
    lang = request_language(request)
    ticked = set(form.values.get("slots", "").split())
    return render(request, "event_register.html", {
        "event": event, "title": localized(event, "title", lang), "form": form,
        "enterprise_options": [(str(e.id), localized(e, "name", lang)) for e in enterprises],
        "buyer": actor.role is Role.BUYER, "slots": slots(event), "ticked": ticked,
    }, status_code=status_code)


@router.get("/events/{event_id:int}/register", response_class=HTMLResponse)
def register_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    _party_only(request)
    return _page(request, db, event_id)


@router.post("/events/{event_id:int}/register", response_class=HTMLResponse)
def register(event_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    _party_only(request)
    gettext = gettext_for(request)
    form = read_form(posted, FIELDS)
    chosen = [str(v) for v in posted.getlist("slots")]
    form.values["slots"] = " ".join(chosen)
    buyer = request.state.actor.role is Role.BUYER
    items = item_lines(form.value("items"))
    extra: dict[str, Any] = {
        "attendees": attendee_records(form.value("attendees")),
        "available_slots": [int(v) if v.isdigit() else v for v in chosen] or None,
        ("seeks" if buyer else "offers"): items,
    }
    typed = Form(values={"enterprise_id": form.value("enterprise_id")} if not buyer else {})
    data = validate(schemas.RegistrationCreate, typed, gettext, default_field="attendees",
                    omit_empty=True, extra=extra)
    form.errors.update(typed.errors)
    for name in ("offers", "seeks"):
        if name in form.errors:
            form.errors["items"] = form.errors.pop(name)
    if "available_slots" in form.errors:
        form.errors["slots"] = form.errors.pop("available_slots")
    made = None
    if data is not None:
        made = apply(db, form, gettext, lambda: registrations.register(
            session=db, event_id=event_id, data=data), default_field="attendees")
        if "available_slots" in form.errors:
            form.errors["slots"] = form.errors.pop("available_slots")
    if made is None:
        return _page(request, db, event_id, form, status_code=form.status_code)
    return RedirectResponse(f"/events/{event_id}/meetings", status_code=303)
