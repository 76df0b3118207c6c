"""Pages of a competition: its public page (categories, the criteria with their weights and,
once published, the ranking of each category with its ties explained), the caller's own
entries, and the entry form (submit, edit) with the withdraw button. Thin: the services of
``events/competitions.py`` and ``events/competition_entries.py`` decide; the form goes
through the one form flow (every wrong field beside it, what was typed kept)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.policy import Role, may_submit_entry, organises_event, owns_entry
from tradebase.errors import Conflict, Forbidden, Unauthenticated
from tradebase.events import competition_entries as entries_service
from tradebase.events import competition_schemas as cs
from tradebase.events import competitions
from tradebase.events.competition_models import CompetitionEntry
from tradebase.events.models import Event
from tradebase.events.service import organiser_bases
from tradebase.registry.models import Enterprise
from tradebase.web.deps import DbSession
from tradebase.web.i18n import localized, request_language
from tradebase.web.pages.competition_words import (
    JUDGING_STATUS,
    PERSON_ROLES,
    category_views,
    entrant_label,
    with_results,
)
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form, apply, read_form, validate
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()

NEW_FIELDS = ("category_id", "entrant", "person_name", "person_role", "title", "description")
EDIT_FIELDS = ("category_id", "person_name", "person_role", "title", "description")


def _base(event_id: int) -> str:
    return f"/events/{event_id}/competition"


def page_context(request: Request, db: DbSession, event: Event) -> dict[str, Any]:
    """What every competition page shows: the event, its state, categories and criteria."""
    lang = request_language(request)
    current = competitions.state(db, event)
    criteria = competitions.criteria(db, event.id)
    return {
        "event": event, "title": localized(event, "title", lang), "state": current,
        "status_label": JUDGING_STATUS.get(current.status, current.status),
        "criteria": criteria,
        "categories": category_views(competitions.categories(db, event.id), criteria, lang),
        "organises": organises_event(request.state.actor, organiser_bases(event)),
        "deadline_passed": entries_service.deadline_passed(event),
    }


@router.get("/events/{event_id:int}/competition", response_class=HTMLResponse)
def competition_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    """The public page; a signed-in caller also sees its own entries and the way on."""
    event = competitions.competition_event(db, event_id)
    context = page_context(request, db, event)
    actor = request.state.actor
    gettext = gettext_for(request)
    lang = request_language(request)
    current = context["state"]
    visible = entries_service.entries(db, event_id)
    if current.status == cs.JudgingStatus.PUBLISHED.value:
        result = competitions.result(db, event_id)
        context["categories"] = with_results(context["categories"], result.categories,
                                             current.tie_break, visible, context["criteria"],
                                             gettext, lang)
    mine = [e for e in visible if owns_entry(actor, entries_service.owner(e))]
    judge = competitions.judge_of(db, event)
    return render(request, "competition.html", {
        **context, "published": current.status == cs.JudgingStatus.PUBLISHED.value,
        "mine": [{"entry": e, "entrant": entrant_label(e, gettext, lang),
                  "changeable": entries_service.may_change(db, e)} for e in mine],
        "entrant": lambda e: entrant_label(e, gettext, lang), "is_judge": judge is not None,
        "may_enter": (actor.can_write and actor.role not in (None, Role.OFFICER)
                      and current.status == cs.JudgingStatus.OPEN.value
                      and (context["organises"] or not context["deadline_passed"])),
    })


def _entrant_options(request: Request, db: DbSession) -> list[tuple[str, str]]:
    """Who the caller may enter as: a person (itself), or one of its enterprises."""
    actor = request.state.actor
    gettext = gettext_for(request)
    lang = request_language(request)
    options = [("", gettext("Myself, as a person"))]
    if actor.role is Role.ENTERPRISE:
        options += [(str(e.id), localized(e, "name", lang))
                    for e in (db.get(Enterprise, i) for i in sorted(actor.enterprise_ids))
                    if e is not None]
    return options


def _form_page(request: Request, db: DbSession, event: Event, form: Form, *,
               entry: CompetitionEntry | None = None, status_code: int = 200) -> HTMLResponse:
    lang = request_language(request)
    return render(request, "competition_entry.html", {
        **page_context(request, db, event), "form": form, "entry": entry,
        "category_options": [(str(c.id), localized(c, "name", lang))
                             for c in competitions.categories(db, event.id)],
        "entrant_options": _entrant_options(request, db) if entry is None else [],
        "role_options": [(key, gettext_for(request)(label))
                         for key, label in PERSON_ROLES.items()],
    }, status_code=status_code)


def _entering(db: DbSession, event_id: int, request: Request | None = None) -> Event:
    """The competition, if entries are still taken (else the error page says why); with
    ``request``, only for a signed-in caller (an entry's page is its side's business)."""
    event = competitions.competition_event(db, event_id)
    if request is not None and not request.state.actor.is_authenticated:
        raise Unauthenticated("log in to change an entry")
    current = competitions.state(db, event)
    if current.status != cs.JudgingStatus.OPEN.value:
        raise Conflict(f"judging of event {event_id} is {current.status}", field="status",
                       code="competition.judging_closed", params={"status": current.status})
    return event


@router.get("/events/{event_id:int}/competition/entries/new", response_class=HTMLResponse)
def new_entry_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    event = _entering(db, event_id)
    actor = request.state.actor
    if not actor.is_authenticated:
        raise Unauthenticated("log in to enter a competition")
    if not may_submit_entry(actor, kind="person", enterprise_id=None,
                            organiser_base_ids=organiser_bases(event)):
        raise Forbidden(f"you may not enter competition {event_id}",
                        code="competition.may_not_enter")
    first = competitions.categories(db, event_id)
    return _form_page(request, db, event, Form(values={
        "category_id": str(first[0].id) if first else "", "entrant": "",
        "person_name": actor.organisation if actor.role is not Role.ENTERPRISE else "",
        "person_role": "designer", "title": "", "description": ""}))


def _entry_data(form: Form) -> dict[str, Any]:
    """The typed entry as the schema reads it: no category or enterprise typed is not given."""
    data: dict[str, Any] = {"category_id": form.value("category_id") or None}
    if "entrant" in form.values:
        data["enterprise_id"] = form.value("entrant") or None
        if data["enterprise_id"] is not None:
            data["person_name"] = ""
    return data


@router.post("/events/{event_id:int}/competition/entries/new", response_class=HTMLResponse)
def new_entry(event_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    event = _entering(db, event_id)
    gettext = gettext_for(request)
    form = read_form(posted, NEW_FIELDS)
    typed = Form(values={k: form.value(k) for k in ("person_name", "person_role", "title",
                                                      "description")})
    if form.value("entrant"):
        typed.values["person_name"] = ""
    data = validate(cs.EntryIn, typed, gettext, default_field="person_name",
                    extra=_entry_data(form))
    form.errors.update(typed.errors)
    if "enterprise_id" in form.errors:
        form.errors["entrant"] = form.errors.pop("enterprise_id")
    made = None
    if data is not None:
        made = apply(db, form, gettext, lambda: entries_service.add_entry(db, event_id, data),
                     default_field="title")
        if "enterprise_id" in form.errors:
            form.errors["entrant"] = form.errors.pop("enterprise_id")
    if made is None:
        return _form_page(request, db, event, form, status_code=form.status_code)
    return RedirectResponse(f"{_base(event_id)}#my-entries", status_code=303)


@router.get("/events/{event_id:int}/competition/entries/{entry_id:int}/edit",
            response_class=HTMLResponse)
def edit_entry_page(event_id: int, entry_id: int, request: Request, db: DbSession
                    ) -> HTMLResponse:
    event = _entering(db, event_id, request)
    entry = entries_service.get_entry(db, event_id, entry_id)
    entries_service.changeable(db, event_id, entry_id)  # else the error page says why
    return _form_page(request, db, event, Form(values={
        "category_id": str(entry.category_id), "person_name": entry.person_name,
        "person_role": entry.person_role, "title": entry.title,
        "description": entry.description}), entry=entry)


@router.post("/events/{event_id:int}/competition/entries/{entry_id:int}/edit",
             response_class=HTMLResponse)
def edit_entry(event_id: int, entry_id: int, request: Request, db: DbSession, posted: Posted
               ) -> Response:
    event = _entering(db, event_id, request)
    entry = entries_service.get_entry(db, event_id, entry_id)
    gettext = gettext_for(request)
    form = read_form(posted, EDIT_FIELDS)
    typed = Form(values={k: form.value(k) for k in ("person_role", "title", "description")})
    if entry.kind == "person":
        typed.values["person_name"] = form.value("person_name")
    data = validate(cs.EntryUpdate, typed, gettext, default_field="title",
                    extra=_entry_data(form))
    form.errors.update(typed.errors)
    done = None
    if data is not None:
        done = apply(db, form, gettext, lambda: entries_service.update_entry(
            db, event_id, entry_id, data), default_field="title")
    if done is None:
        return _form_page(request, db, event, form, entry=entry, status_code=form.status_code)
    return RedirectResponse(f"{_base(event_id)}#my-entries", status_code=303)


@router.post("/events/{event_id:int}/competition/entries/{entry_id:int}/withdraw",
             response_class=HTMLResponse)
def withdraw_entry(event_id: int, entry_id: int, request: Request, db: DbSession,
                   posted: Posted) -> Response:
    """The entrant withdraws its entry; the organisers delete one (back to their page)."""
    entries_service.withdraw_entry(db, event_id, entry_id)
    back = "/manage#entries" if str(posted.get("back") or "") == "manage" else "#my-entries"
    return RedirectResponse(f"{_base(event_id)}{back}", status_code=303)
