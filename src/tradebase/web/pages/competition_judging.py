"""A judge's page of a competition: only the entries assigned to it (its categories, none it
has a conflict of interest with), a scoring form per entry with one field per criterion (its
own scores filled in: sealed from everyone else until the organisers close judging), and a
button to declare a conflict of interest with an entry. Thin: ``events/competitions.py``
decides and refuses; the scoring form goes through the one form flow."""

from __future__ import annotations

import re
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.errors import Forbidden, InvalidInput, Unauthenticated
from tradebase.events import competition_schemas as cs
from tradebase.events import competitions
from tradebase.events.competition_models import (
    CompetitionCriterion,
    CompetitionEntry,
    CompetitionJudge,
)
from tradebase.events.models import Event
from tradebase.web.deps import DbSession
from tradebase.web.i18n import request_language
from tradebase.web.pages.competition import page_context
from tradebase.web.pages.competition_words import (
    CONFLICT_REASONS,
    criterion_name,
    entrant_label,
)
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form, apply, validate
from tradebase.web.pages.messages import say
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()

_SCORE_FIELD = re.compile(r"scores\[(\d+)\]\.(value|comment)")


def _seat(request: Request, db: DbSession, event_id: int) -> tuple[Event, CompetitionJudge]:
    """The competition and the caller's seat as its judge."""
    event = competitions.competition_event(db, event_id)
    if not request.state.actor.is_authenticated:
        raise Unauthenticated("log in to judge")
    judge = competitions.judge_of(db, event)
    if judge is None:
        raise Forbidden(f"only the judges of event {event_id} judge its entries")
    return event, judge


def _assigned(db: DbSession, event: Event, judge: CompetitionJudge) -> list[CompetitionEntry]:
    every = competitions.all_entries(db, event)
    assigned = set(competitions.assigned_entries(db, judge, every))
    return [e for e in every if e.id in assigned]


def _applying(criteria: list[CompetitionCriterion], entry: CompetitionEntry
              ) -> list[CompetitionCriterion]:
    return [c for c in criteria if c.category_id in (None, entry.category_id)]


def _filled(db: DbSession, event_id: int, judge: CompetitionJudge, entry_id: int) -> Form:
    """The scoring form of an entry, filled with the judge's own scores."""
    values: dict[str, str] = {}
    for score in competitions.scores(db, event_id):
        if score.judge_id == judge.id and score.entry_id == entry_id:
            values[f"score_{score.criterion_id}"] = f"{score.sealed_value:g}"
            values[f"comment_{score.criterion_id}"] = score.sealed_comment
    return Form(values=values, prefix=f"entry-{entry_id}-")


def _page(request: Request, db: DbSession, event: Event, judge: CompetitionJudge,
          posted: tuple[int, Form] | None = None, status_code: int = 200) -> HTMLResponse:
    lang = request_language(request)
    gettext = gettext_for(request)
    criteria = competitions.criteria(db, event.id)
    rows: list[dict[str, Any]] = []
    for entry in _assigned(db, event, judge):
        form = posted[1] if posted and posted[0] == entry.id else _filled(
            db, event.id, judge, entry.id)
        rows.append({"entry": entry, "entrant": entrant_label(entry, gettext, lang),
                     "form": form,
                     "criteria": [(c, criterion_name(c, lang))
                                  for c in _applying(criteria, entry)]})
    conflicts = []
    titles = {e.id: e.title for e in competitions.all_entries(db, event)}
    for conflict in judge.conflicts:
        conflicts.append({"conflict": conflict, "title": titles.get(conflict.entry_id or 0, "")})
    return render(request, "competition_judging.html", {
        **page_context(request, db, event), "judge": judge, "rows": rows,
        "conflicts": conflicts, "conflict_reasons": CONFLICT_REASONS,
        "open": competitions.state(db, event).status == cs.JudgingStatus.OPEN.value,
    }, status_code=status_code)


@router.get("/events/{event_id:int}/competition/judging", response_class=HTMLResponse)
def judging_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    event, judge = _seat(request, db, event_id)
    return _page(request, db, event, judge)


@router.post("/events/{event_id:int}/competition/judging/{entry_id:int}",
             response_class=HTMLResponse)
def score_entry(event_id: int, entry_id: int, request: Request, db: DbSession,
                posted: Posted) -> Response:
    """The judge's scores of one entry, one field a criterion (an empty one is not given)."""
    event, judge = _seat(request, db, event_id)
    gettext = gettext_for(request)
    entry = next((e for e in _assigned(db, event, judge) if e.id == entry_id), None)
    if entry is None:
        raise Forbidden(f"entry {entry_id} is not assigned to judge {judge.id}",
                        code="competition.not_assigned", params={"entry_id": entry_id})
    applying = _applying(competitions.criteria(db, event_id), entry)
    form = Form(values={}, prefix=f"entry-{entry_id}-")
    for c in applying:
        for name in (f"score_{c.id}", f"comment_{c.id}"):
            form.values[name] = str(posted.get(name) or "").strip()
    given: list[tuple[CompetitionCriterion, cs.ScoreIn]] = []
    for c in applying:
        if not form.value(f"score_{c.id}"):
            continue
        one = Form(values={"value": form.value(f"score_{c.id}"),
                           "comment": form.value(f"comment_{c.id}")})
        score = validate(cs.ScoreIn, one, gettext, default_field="value",
                         extra={"entry_id": entry_id, "criterion_id": c.id})
        for name, message in one.errors.items():
            form.errors[f"{'comment' if name == 'comment' else 'score'}_{c.id}"] = message
        if score is not None and score.value > c.max_score:  # said with the others at once
            form.errors[f"score_{c.id}"] = say("competition.score_range",
                                               {"max": f"{c.max_score:g}"}, gettext)
        elif score is not None:
            given.append((c, score))
    if not given and not form.errors and applying:
        form.errors[f"score_{applying[0].id}"] = say("competition.no_scores", {}, gettext)
    done = None
    if not form.errors and given:
        data = cs.ScoresIn(scores=[s for _, s in given])
        done = apply(db, form, gettext, lambda: competitions.submit_scores(db, event_id, data),
                     default_field=f"score_{given[0][0].id}")
        for name in [n for n in form.errors if _SCORE_FIELD.fullmatch(n)]:
            found = _SCORE_FIELD.fullmatch(name)
            assert found is not None
            kind = "comment" if found[2] == "comment" else "score"
            form.errors[f"{kind}_{given[int(found[1])][0].id}"] = form.errors.pop(name)
    if done is None:
        if not form.errors and not form.problem and not applying:
            raise InvalidInput("the category has no criteria yet", field="criteria",
                               code="competition.no_scores")
        return _page(request, db, event, judge, (entry_id, form), status_code=form.status_code)
    return RedirectResponse(f"/events/{event_id}/competition/judging#entry-{entry_id}",
                            status_code=303)


@router.post("/events/{event_id:int}/competition/judging/{entry_id:int}/conflict",
             response_class=HTMLResponse)
def declare_conflict(event_id: int, entry_id: int, request: Request, db: DbSession,
                     posted: Posted) -> Response:
    """The judge declares a conflict of interest with an entry (its note cut to its limit):
    the entry leaves its list and a score it gave it is withdrawn."""
    _event, judge = _seat(request, db, event_id)
    note = str(posted.get("note") or "").strip()[:1000]
    competitions.declare_conflict(db, event_id, judge.id,
                                  cs.ConflictIn(entry_id=entry_id, note=note))
    return RedirectResponse(f"/events/{event_id}/competition/judging#conflicts",
                            status_code=303)
