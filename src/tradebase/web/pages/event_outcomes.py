"""The outcomes page of a docking day: each published meeting the caller may see (the
organisers: all; a participant: its own) with what it produced, a form to record it (an
intention signed is the docking workflow's intention) and, later, its follow-up; for the
organisers the event's totals and the button that publishes them. Through the one form flow:
every wrong field beside it, what was typed kept. Thin: ``events/outcomes.py`` and
``events/outcome_totals.py`` decide."""

from __future__ import annotations

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.policy import organises_event
from tradebase.events import outcome_totals, outcomes
from tradebase.events.models import EventMeeting
from tradebase.events.outcome_models import MeetingOutcome
from tradebase.events.outcome_schemas import (
    FollowUpRecord,
    FollowUpStage,
    IntentionTerms,
    OutcomeRecord,
    OutcomeResult,
)
from tradebase.events.service import get_event, organiser_bases, slots
from tradebase.web.deps import DbSession
from tradebase.web.i18n import N_, localized, request_language
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form, apply, posted_version, read_form, validate
from tradebase.web.pages.messages import add_messages
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()

add_messages({
    "events.outcome_not_scheduled": N_("Only a meeting of the published schedule has an "
                                       "outcome."),
    "events.outcome_intention_missing": N_("An intention signed needs its quantity, unit, "
                                           "value and currency."),
    "events.outcome_intention_unexpected": N_("Only a signed intention has a quantity, value "
                                              "and currency."),
    "events.outcome_has_intention": N_("The meeting signed a cooperation intention: it is "
                                       "followed up in docking, not undone here."),
    "events.outcome_supplier": N_("The supplier is one of the meeting's enterprises."),
    "events.outcome_supplier_needed": N_("Both sides are enterprises: say which one "
                                         "supplies."),
    "events.outcome_no_supplier": N_("Neither side of the meeting is an enterprise that "
                                     "could supply."),
    "events.outcome_missing": N_("Record what the meeting produced first."),
    "events.outcome_unpublished": N_("The organisers have not published this event's "
                                     "outcome yet."),
})

RESULT_LABELS = {
    OutcomeResult.NO_INTEREST.value: N_("no interest"),
    OutcomeResult.FOLLOW_UP.value: N_("to be followed up"),
    OutcomeResult.SAMPLE_ORDER.value: N_("sample order"),
    OutcomeResult.INTENTION.value: N_("cooperation intention signed"),
}
STAGE_LABELS = {
    FollowUpStage.NO_CONTACT.value: N_("no further contact"),
    FollowUpStage.NEGOTIATION.value: N_("negotiation"),
    FollowUpStage.CONTRACT.value: N_("contract"),
    FollowUpStage.ORDER.value: N_("order"),
}
OUTCOME_FIELDS = ("result", "note", "quantity", "unit", "value", "currency",
                  "supplier_registration_id", "version")
FOLLOW_UP_FIELDS = ("stage", "follow_up_note", "version")


def _outcome_form(meeting_id: int, outcome: MeetingOutcome | None) -> Form:
    form = Form(prefix=f"m{meeting_id}-")
    if outcome is None:
        form.values = {"result": "", "unit": "pcs", "currency": "CNY"}
        return form
    i = outcome.intention
    form.values = {
        "result": outcome.result, "note": outcome.note, "version": str(outcome.version),
        "quantity": str(i.quantity) if i else "", "unit": i.unit if i else "pcs",
        "value": f"{i.value:g}" if i else "", "currency": i.currency if i else "CNY",
        "supplier_registration_id": "",
    }
    return form


def _follow_up_form(meeting_id: int, outcome: MeetingOutcome | None) -> Form:
    form = Form(prefix=f"f{meeting_id}-")
    if outcome is not None:
        stage = outcomes.follow_up_of(outcome)
        form.values = {"stage": stage.value if stage else "",
                       "follow_up_note": outcome.follow_up_note,
                       "version": str(outcome.version)}
    return form


def _page(request: Request, db: DbSession, event_id: int, *, failed: Form | None = None,
          failed_meeting: int | None = None, status_code: int = 200) -> HTMLResponse:
    event = get_event(session=db, event_id=event_id)
    organises = organises_event(request.state.actor, organiser_bases(event))
    plan = slots(event)
    rows = []
    for view in outcomes.list_outcomes(session=db, event_id=event_id):
        m = view.meeting
        outcome_form = _outcome_form(m.id, view.outcome)
        follow_form = _follow_up_form(m.id, view.outcome)
        if failed is not None and failed_meeting == m.id:
            if failed.prefix.startswith("m"):
                outcome_form = failed
            else:
                follow_form = failed
        a, b = m.request.requester, m.request.recipient
        rows.append({
            "meeting": m, "outcome": view.outcome,
            "slot": plan[m.slot] if m.slot < len(plan) else None,
            "stage": outcomes.follow_up_of(view.outcome) if view.outcome else None,
            "form": outcome_form, "follow_form": follow_form,
            "suppliers": ([(str(r.id), r.name) for r in (a, b)]
                          if a.enterprise_id and b.enterprise_id else []),
        })
    gettext = gettext_for(request)
    return render(request, "event_outcomes.html", {
        "event": event, "title": localized(event, "title", request_language(request)),
        "rows": rows, "organises": organises,
        "totals": outcome_totals.count(db, event) if organises else None,
        "result_labels": RESULT_LABELS, "stage_labels": STAGE_LABELS,
        "result_options": [(k, gettext(v)) for k, v in RESULT_LABELS.items()],
        "stage_options": [(k, gettext(v)) for k, v in STAGE_LABELS.items()],
    }, status_code=status_code)


@router.get("/events/{event_id:int}/outcomes", response_class=HTMLResponse)
def outcomes_page(event_id: int, request: Request, db: DbSession) -> HTMLResponse:
    return _page(request, db, event_id)


def _intention_errors(form: Form) -> None:
    """A service's refusal about the intention as a whole or its supplier, beside the
    field the page shows."""
    if "intention" in form.errors:
        form.errors["quantity"] = form.errors.pop("intention")
    if "intention.supplier_registration_id" in form.errors:
        form.errors["supplier_registration_id"] = form.errors.pop(
            "intention.supplier_registration_id")


@router.post("/events/meetings/{meeting_id:int}/outcome", response_class=HTMLResponse)
def record_outcome(meeting_id: int, request: Request, db: DbSession,
                   posted: Posted) -> Response:
    outcomes.get_outcome(session=db, meeting_id=meeting_id)  # visible, or not found
    event_id = _event_of(db, meeting_id)
    gettext = gettext_for(request)
    form = read_form(posted, OUTCOME_FIELDS)
    form.prefix = f"m{meeting_id}-"
    checked = Form(values={"result": form.value("result"), "note": form.value("note")})
    record = validate(OutcomeRecord, checked, gettext, default_field="result")
    form.errors.update(checked.errors)
    terms = None
    if form.value("result") == OutcomeResult.INTENTION.value:
        typed = Form(values={k: form.value(k) for k in ("quantity", "unit", "value",
                                                        "currency",
                                                        "supplier_registration_id")})
        terms = validate(IntentionTerms, typed, gettext, default_field="quantity",
                         omit_empty=True)
        form.errors.update(typed.errors)
    done = None
    if record is not None and not form.errors:
        data = record.model_copy(update={"intention": terms})
        done = apply(db, form, gettext, lambda: outcomes.record_outcome(
            session=db, meeting_id=meeting_id, data=data,
            expected_version=posted_version(posted)), default_field="result")
        _intention_errors(form)
    if done is None:
        return _page(request, db, event_id, failed=form, failed_meeting=meeting_id,
                     status_code=form.status_code)
    return RedirectResponse(f"/events/{event_id}/outcomes#meeting-{meeting_id}",
                            status_code=303)


def _event_of(db: DbSession, meeting_id: int) -> int:
    row = db.get(EventMeeting, meeting_id)
    assert row is not None  # get_outcome found it visible
    return row.event_id


@router.post("/events/meetings/{meeting_id:int}/follow-up", response_class=HTMLResponse)
def record_follow_up(meeting_id: int, request: Request, db: DbSession,
                     posted: Posted) -> Response:
    outcomes.get_outcome(session=db, meeting_id=meeting_id)  # visible, or not found
    event_id = _event_of(db, meeting_id)
    gettext = gettext_for(request)
    form = read_form(posted, FOLLOW_UP_FIELDS)
    form.prefix = f"f{meeting_id}-"
    checked = Form(values={"stage": form.value("stage"),
                           "note": form.value("follow_up_note")})
    data = validate(FollowUpRecord, checked, gettext, default_field="stage")
    if "note" in checked.errors:
        checked.errors["follow_up_note"] = checked.errors.pop("note")
    form.errors.update(checked.errors)
    done = None
    if data is not None:
        done = apply(db, form, gettext, lambda: outcomes.record_follow_up(
            session=db, meeting_id=meeting_id, data=data,
            expected_version=posted_version(posted)), default_field="stage")
    if done is None:
        return _page(request, db, event_id, failed=form, failed_meeting=meeting_id,
                     status_code=form.status_code)
    return RedirectResponse(f"/events/{event_id}/outcomes#meeting-{meeting_id}",
                            status_code=303)


@router.post("/events/{event_id:int}/outcomes/publish", response_class=HTMLResponse)
def publish_totals(event_id: int, db: DbSession) -> Response:
    """The organisers' button: the totals become public and the bases' indicator facts."""
    outcome_totals.publish(session=db, event_id=event_id)
    return RedirectResponse(f"/events/{event_id}/outcomes", status_code=303)
