"""The organisers' page of a competition: categories and criteria (add), every entry (edit,
delete), the judges with the entries assigned to each and those kept from it with the reason
(its own enterprise or entry, a declared conflict), recording a conflict, the tie-break, and
the buttons that close the judging and publish the results — with the ranking to check in
between. Thin: ``events/competitions.py`` decides; the three add forms go through the one
form flow, the buttons' refusals are the error page, said by their codes."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.models import User
from tradebase.accounts.policy import judge_conflict
from tradebase.errors import InvalidInput
from tradebase.events import competition_schemas as cs
from tradebase.events import competitions
from tradebase.events.competition_models import CompetitionEntry, CompetitionJudge
from tradebase.events.models import Event
from tradebase.events.service import organised_event
from tradebase.registry.models import Enterprise
from tradebase.web.deps import DbSession
from tradebase.web.i18n import localized, request_language
from tradebase.web.pages.competition import page_context
from tradebase.web.pages.competition_words import (
    CONFLICT_REASONS,
    entrant_label,
    with_results,
)
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form, apply, read_form, validate
from tradebase.web.pages.messages import say
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()

CATEGORY_FIELDS = ("name_zh", "name_en")
CRITERION_FIELDS = ("category_id", "name_zh", "name_en", "weight", "max_score")
JUDGE_FIELDS = ("email", "affiliation_id")


def _url(event_id: int, anchor: str = "") -> str:
    return f"/events/{event_id}/competition/manage{anchor}"


def _judge_rows(db: DbSession, event: Event, every: list[CompetitionEntry], lang: str
                ) -> list[dict[str, Any]]:
    """Each judge with the entries assigned to it and those kept from it, with why."""
    names = {c.id: localized(c, "name", lang) for c in competitions.categories(db, event.id)}
    rows = []
    for judge in competitions.judges(db, event.id):
        seat = competitions.seat(db, judge)
        mine = [e for e in every
                if judge.category_ids is None or e.category_id in judge.category_ids]
        kept = [(e, reason) for e in mine if (reason := judge_conflict(
            seat, entry_id=e.id, entry_enterprise_id=e.enterprise_id,
            entry_submitted_by=e.submitted_by)) is not None]
        kept_ids = {e.id for e, _ in kept}
        affiliation = db.get(Enterprise, judge.affiliation_id) if judge.affiliation_id else None
        rows.append({
            "judge": judge, "name": competitions.judge_name(db, judge),
            "affiliation": localized(affiliation, "name", lang) if affiliation else "",
            "categories": [names.get(i, str(i)) for i in judge.category_ids or []],
            "assigned": [e for e in mine if e.id not in kept_ids], "kept": kept,
        })
    return rows


def _page(request: Request, db: DbSession, event_id: int, forms: dict[str, Form] | None = None,
          status_code: int = 200) -> HTMLResponse:
    event = organised_event(db, event_id)
    lang = request_language(request)
    gettext = gettext_for(request)
    context = page_context(request, db, event)
    every = competitions.all_entries(db, event)
    current = context["state"]
    if current.status != cs.JudgingStatus.OPEN.value:
        result = competitions.result(db, event_id)
        context["categories"] = with_results(context["categories"], result.categories,
                                             current.tie_break, every, context["criteria"],
                                             gettext, lang)
    forms = forms or {}
    enterprises = {e.enterprise_id: e.entrant for e in every if e.enterprise_id is not None}
    return render(request, "competition_manage.html", {
        **context, "entrant": lambda e: entrant_label(e, gettext, lang),
        "entries": [{"entry": e, "entrant": entrant_label(e, gettext, lang)} for e in every],
        "judges": _judge_rows(db, event, every, lang), "conflict_reasons": CONFLICT_REASONS,
        "category_form": forms.get("category", Form(prefix="category-")),
        "criterion_form": forms.get("criterion", Form(values={"weight": "1",
                                                              "max_score": "10"},
                                                      prefix="criterion-")),
        "judge_form": forms.get("judge", Form(prefix="judge-")),
        "ticked": set(forms["judge"].value("categories").split()) if "judge" in forms
        else set(),
        "category_options": [(str(c.category.id), c.name) for c in context["categories"]],
        "affiliation_options": sorted(((str(k), v) for k, v in enterprises.items()),
                                      key=lambda o: o[1]),
        "open": current.status == cs.JudgingStatus.OPEN.value,
    }, status_code=status_code)


@router.get("/events/{event_id:int}/competition/manage", response_class=HTMLResponse)
def manage_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    competitions.competition_event(db, event_id)
    return _page(request, db, event_id)


def _prefixed(form: Form, prefix: str) -> Form:
    form.prefix = prefix
    return form


@router.post("/events/{event_id:int}/competition/manage/categories",
             response_class=HTMLResponse)
def add_category(event_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    gettext = gettext_for(request)
    form = _prefixed(read_form(posted, CATEGORY_FIELDS), "category-")
    data = validate(cs.CategoryIn, form, gettext, default_field="name_en")
    if data is not None and apply(db, form, gettext, lambda: competitions.add_category(
            db, event_id, data), default_field="name_en") is not None:
        return RedirectResponse(_url(event_id, "#categories"), status_code=303)
    return _page(request, db, event_id, {"category": form}, status_code=form.status_code)


@router.post("/events/{event_id:int}/competition/manage/criteria",
             response_class=HTMLResponse)
def add_criterion(event_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    gettext = gettext_for(request)
    form = _prefixed(read_form(posted, CRITERION_FIELDS), "criterion-")
    data = validate(cs.CriterionIn, form, gettext, default_field="name_en", omit_empty=True)
    if data is not None and apply(db, form, gettext, lambda: competitions.add_criterion(
            db, event_id, data), default_field="name_en") is not None:
        return RedirectResponse(_url(event_id, "#criteria"), status_code=303)
    return _page(request, db, event_id, {"criterion": form}, status_code=form.status_code)


@router.post("/events/{event_id:int}/competition/manage/judges", response_class=HTMLResponse)
def add_judge(event_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    """A judge by its e-mail address, its affiliation and the categories it judges (none
    ticked: every category)."""
    gettext = gettext_for(request)
    form = _prefixed(read_form(posted, JUDGE_FIELDS), "judge-")
    ticked = [str(v) for v in posted.getlist("categories")]
    form.values["categories"] = " ".join(ticked)
    user_id = db.scalars(select(User.id).where(
        User.email == form.value("email").lower())).first() if form.value("email") else None
    typed = Form(values={"affiliation_id": form.value("affiliation_id")})
    data = validate(cs.JudgeIn, typed, gettext, default_field="user_id", omit_empty=True,
                    extra={"user_id": user_id or 0,
                           "category_ids": [int(v) if v.isdigit() else v for v in ticked]
                           or None})
    form.errors.update({("email" if k == "user_id" else
                         "categories" if k.startswith("category_ids") else k): v
                        for k, v in typed.errors.items()})
    if user_id is None:
        form.errors["email"] = say("competition.unknown_user", {}, gettext)
    if data is not None and user_id is not None and apply(
            db, form, gettext, lambda: competitions.add_judge(db, event_id, data),
            default_field="email") is not None:
        return RedirectResponse(_url(event_id, "#judges"), status_code=303)
    for name in [n for n in form.errors if n == "user_id" or n.startswith("category_ids")]:
        form.errors["email" if name == "user_id" else "categories"] = form.errors.pop(name)
    return _page(request, db, event_id, {"judge": form}, status_code=form.status_code)


def _number(posted: Any, name: str) -> int:
    text = str(posted.get(name) or "")
    if not text.isdigit() or not 1 <= int(text) < 2**31:
        raise InvalidInput(f"{name} is not given", field=name, code="competition.unknown_entry")
    return int(text)


@router.post("/events/{event_id:int}/competition/manage/conflicts",
             response_class=HTMLResponse)
def record_conflict(event_id: int, db: DbSession, posted: Posted) -> Response:
    """The organisers record a conflict of interest of a judge with an entry (a judge
    declares its own on its page)."""
    organised_event(db, event_id)
    judge_id, entry_id = _number(posted, "judge_id"), _number(posted, "entry_id")
    if db.get(CompetitionJudge, judge_id) is None:
        raise InvalidInput(f"judge {judge_id} not found", field="judge_id",
                           code="competition.unknown_entry")
    competitions.declare_conflict(db, event_id, judge_id, cs.ConflictIn(entry_id=entry_id))
    return RedirectResponse(_url(event_id, "#judges"), status_code=303)


@router.post("/events/{event_id:int}/competition/manage/tie-break",
             response_class=HTMLResponse)
def set_tie_break(event_id: int, db: DbSession, posted: Posted) -> Response:
    choice = str(posted.get("tie_break") or "")
    if choice not in {t.value for t in cs.TieBreak}:
        raise InvalidInput(f"tie_break {choice!r} is not one we know", field="tie_break")
    competitions.set_tie_break(db, event_id, cs.CompetitionUpdate(tie_break=cs.TieBreak(choice)))
    return RedirectResponse(_url(event_id, "#judging"), status_code=303)


@router.post("/events/{event_id:int}/competition/manage/close", response_class=HTMLResponse)
def close(event_id: int, db: DbSession) -> Response:
    """Close the judging: the scores open to the organisers, the ranking to check."""
    competitions.close(db, event_id)
    return RedirectResponse(_url(event_id, "#results"), status_code=303)


@router.post("/events/{event_id:int}/competition/manage/publish",
             response_class=HTMLResponse)
def publish(event_id: int, db: DbSession, posted: Posted) -> Response:
    """Publish the ranking as it stands (and the judges' comments, if ticked)."""
    competitions.publish(db, event_id, cs.PublishIn(comments=posted.get("comments") == "on"))
    return RedirectResponse(f"/events/{event_id}/competition#results", status_code=303)
