"""The organisers' settings of an event: its capacity and what happens past it (a waiting
list, or a refusal), the registration deadline and — for a docking day — the caps on meeting
requests and meetings per participant, automatic acceptance and the slot plan (slot length,
day start, sessions one a line as "slots; break after in minutes", tables). An empty number is
"no limit". Through the one form flow: every wrong field beside it in the reader's language,
what was typed kept, a stale version shown again with what is stored."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.events import schemas, service
from tradebase.events.models import Event
from tradebase.events.schemas import EventKind, OverCapacity
from tradebase.web.deps import DbSession
from tradebase.web.i18n import N_, localized, request_language
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import (
    Form,
    apply,
    line_records,
    posted_version,
    read_form,
    validate,
)
from tradebase.web.pages.messages import add_messages
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()

LIMITS = ("capacity", "max_requests", "max_meetings")
PLAN = ("slot_minutes", "day_start", "sessions", "tables")
FIELDS = (*LIMITS, "over_capacity", "registration_deadline", "auto_accept", *PLAN)

OVER_CAPACITY = {
    OverCapacity.WAITLIST.value: N_("Put further registrations on a waiting list"),
    OverCapacity.REFUSE.value: N_("Refuse further registrations"),
}

add_messages({
    "events.slot_plan": N_("The slots do not fit in the day (they run past midnight): use "
                           "fewer or shorter slots, or start earlier."),
    "events.plan_incomplete": N_("Give the slot length, the start of the day, the sessions "
                                 "and the tables, or leave all four empty."),
    "events.deadline": N_("Registration must close before the event ends."),
    "events.dates": N_("The event ends before it starts."),
    "string_pattern_mismatch:day_start": N_("Write the time as HH:MM, e.g. 09:00."),
})


def _stored_form(event: Event) -> Form:
    def text(value: object) -> str:
        return "" if value is None else str(value)
    values = {name: text(getattr(event, name)) for name in LIMITS}
    values |= {"over_capacity": event.over_capacity,
               "registration_deadline": text(event.registration_deadline),
               "auto_accept": "on" if event.auto_accept else "",
               "slot_minutes": text(event.slot_minutes), "day_start": text(event.day_start),
               "tables": text(event.tables), "version": str(event.version),
               "sessions": "\n".join(f"{s.get('slots', '')}; {s.get('break_after', 0)}"
                                     for s in event.sessions)}
    return Form(values=values)


def _page(request: Request, event: Event, form: Form, status_code: int = 200) -> HTMLResponse:
    gettext = gettext_for(request)
    return render(request, "event_settings.html", {
        "event": event, "title": localized(event, "title", request_language(request)),
        "form": form, "docking_day": event.kind == EventKind.DOCKING_DAY.value,
        "over_options": [(value, gettext(label)) for value, label in OVER_CAPACITY.items()],
        "slots": service.slots(event), "saved": request.query_params.get("saved") == "1",
    }, status_code=status_code)


def _plan(form: Form, gettext: Any) -> tuple[bool, schemas.SlotPlan | None]:
    """The slot plan typed (None: all four fields empty, the plan cleared); False when it
    is wrong, its errors beside its fields."""
    if not any(form.value(name) for name in PLAN):
        return True, None
    sessions = line_records(form.value("sessions"), ("slots", "break_after"))
    checked = Form(values={name: form.value(name) for name in ("slot_minutes", "day_start",
                                                               "tables")})
    plan = validate(schemas.SlotPlan, checked, gettext, default_field="sessions",
                    extra={"sessions": sessions})
    for name, message in checked.errors.items():
        form.errors.setdefault(name, message)
    return plan is not None, plan


@router.get("/events/{event_id:int}/settings", response_class=HTMLResponse)
def settings_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    event = service.organised_event(db, event_id)
    return _page(request, event, _stored_form(event))


@router.post("/events/{event_id:int}/settings", response_class=HTMLResponse)
def save_settings(event_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    gettext = gettext_for(request)
    event = service.organised_event(db, event_id)
    form = read_form(posted, FIELDS)
    form.values["auto_accept"] = "on" if form.value("auto_accept") else ""
    docking_day = event.kind == EventKind.DOCKING_DAY.value
    data: dict[str, Any] = {name: form.value(name) or None for name in
                            ("capacity", "registration_deadline")}
    data["over_capacity"] = form.value("over_capacity") or None
    plan_ok, plan = True, None
    if docking_day:
        data |= {name: form.value(name) or None for name in ("max_requests", "max_meetings")}
        data["auto_accept"] = bool(form.value("auto_accept"))
        plan_ok, plan = _plan(form, gettext)
        data["slot_plan"] = plan.model_dump() if plan is not None else None
    checked = Form()
    update = validate(schemas.EventUpdate, checked, gettext, default_field="capacity",
                      extra=data)
    for name, message in checked.errors.items():
        form.errors.setdefault("sessions" if name == "slot_plan" else name, message)
    done = None
    if update is not None and plan_ok and not form.errors:
        done = apply(db, form, gettext, lambda: service.update_event(
            session=db, event_id=event_id, data=update,
            expected_version=posted_version(posted)), default_field="capacity")
    if done is None:
        if form.stale:
            fresh = service.organised_event(db, event_id)
            stale = _stored_form(fresh)
            stale.problem, stale.status_code, stale.stale = form.problem, 409, True
            return _page(request, fresh, stale, status_code=409)
        form.values["version"] = str(posted.get("version") or event.version)
        return _page(request, event, form, status_code=form.status_code)
    return RedirectResponse(f"/events/{event_id}/settings?saved=1", status_code=303)
