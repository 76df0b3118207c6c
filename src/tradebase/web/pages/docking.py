"""Pages of supply-and-demand docking: a buyer's requests and their matches, enquiries and
their answers, cooperation intentions, orders, and a base's docking dashboard.

Thin like the API: read the form, call ``docking.service``, redirect or render. Who may see
or do what is decided in the service (``accounts/policy.py``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TypeVar

from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.policy import RequestParties, Role, acts_for_buyer, acts_for_enterprise
from tradebase.docking import attachments, rfq, schemas, service, threads
from tradebase.docking.attachments import UnsupportedAttachment
from tradebase.docking.models import Enquiry
from tradebase.docking.words import request_words
from tradebase.errors import InvalidInput, TooLarge
from tradebase.events import outcome_totals
from tradebase.registry.service import get_base
from tradebase.splitting import event_groups
from tradebase.splitting import service as splits
from tradebase.splitting.objectives import Objective
from tradebase.web.api.docking import listing_index
from tradebase.web.api.docking_rfq import file_storage
from tradebase.web.deps import DbSession
from tradebase.web.i18n import localized, request_language
from tradebase.web.pages.docking_rfq import (
    REQUEST_FIELDS,
    request_extras,
    request_form_data,
    term_options,
)
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form, apply, read_form, validate
from tradebase.web.pages.messages import say, say_error
from tradebase.web.pages.rfq_labels import LABELS
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, is_htmx, render
from tradebase.web.pages.threads import file_limits, page_uploads, refused_upload, thread_context

router = page_router()
S = TypeVar("S", bound=BaseModel)

_LISTS = frozenset({"certifications"})


def _actor_sides(request: Request, enquiry: Enquiry) -> dict[str, bool]:
    actor = request.state.actor
    parties = RequestParties(buyer_id=enquiry.request.buyer_id,
                             organisation=enquiry.request.organisation)
    return {
        "is_buyer": actor.can_write and acts_for_buyer(actor, parties),
        "is_enterprise": actor.can_write and acts_for_enterprise(actor, enquiry.enterprise_id),
    }


def _home(request: Request, db: DbSession, form: Form, status_code: int = 200) -> HTMLResponse:
    actor = request.state.actor
    requests = service.list_requests(session=db)
    enquiries = service.list_enquiries(session=db)
    context = {
        "requests": requests, "enquiries": enquiries,
        "unread_messages": threads.unread_counts(session=db, enquiries=enquiries),
        "unread_requests": threads.unread_by_request(session=db, requests=requests),
        "can_post": actor.role in (Role.BUYER, Role.ADMIN),
        "base_ids": sorted(actor.base_ids),
        "form": form, "labels": LABELS, "options": term_options(gettext_for(request)),
    }
    return render(request, "docking.html", context, status_code=status_code)


@router.get("/docking", response_class=HTMLResponse)
def docking_home(request: Request, db: DbSession) -> HTMLResponse:
    """A buyer's requests and the new-request form; an enterprise's enquiries."""
    return _home(request, db, Form(values={"unit": "pcs", "samples": "none"}))


@router.post("/docking/requests", response_class=HTMLResponse)
def post_request(request: Request, db: DbSession, posted: Posted) -> Response:
    """The new-request form: every wrong field is shown beside it, with what was typed."""
    gettext = gettext_for(request)
    form = read_form(posted, (*REQUEST_FIELDS, "hs_code"))
    if posted.get("action") == "read":
        # "Read my text": the fields left empty are filled from the text for the buyer to
        # check and confirm; nothing is saved yet.
        read = service.prefill(text=form.value("text"))
        for name, value in read.items():
            if not form.value(name):
                form.values[name] = value
        form.read_fields = tuple(read)
        return _home(request, db, form, status_code=200)
    data = request_form_data(schemas.RequestCreate, form, gettext)
    made = None
    if data is not None:
        made = apply(db, form, gettext, lambda: service.create_request(
            session=db, index=listing_index(request), data=data), default_field="text")
    if made is None:
        return _home(request, db, form, status_code=form.status_code)
    return RedirectResponse(f"/docking/requests/{made.id}", status_code=303)


@router.get("/docking/requests/{request_id:int}", response_class=HTMLResponse)
def request_page(request_id: int, request: Request, db: DbSession) -> HTMLResponse:
    """The request page; reached back from its attachment form past the request body limit
    (``?upload_refused=1``), it says so beside the file input."""
    form = refused_upload(request, Form(), "rfq.attachment_size")
    return _request_page(request, db, request_id, form)


def _request_page(request: Request, db: DbSession, request_id: int, attachment_form: Form,
                  status_code: int = 200) -> HTMLResponse:
    """The request, its matches (for its buyer), enquiries and files; ``attachment_form``
    holds a refused file's message, said beside the file input."""
    buyer_request = service.get_request(session=db, request_id=request_id)
    actor = request.state.actor
    parties = RequestParties(buyer_id=buyer_request.buyer_id,
                             organisation=buyer_request.organisation)
    is_buyer = actor.can_write and acts_for_buyer(actor, parties)
    index = listing_index(request)
    matches: list[service.Candidate] = []
    analysis = None
    if is_buyer:
        matches = service.match_request(session=db, index=index, request_id=request_id)
        analysis = service.analyse(session=db, index=index, text=buyer_request.text)
    enquiries = service.visible_enquiries(session=db, request=buyer_request)
    context = {
        "r": buyer_request, "is_buyer": is_buyer, "matches": matches, "analysis": analysis,
        "listings": service.listings_of(session=db, candidates=matches),
        "enquiries": enquiries, "asked": {sku for e in enquiries for sku in (e.skus or [])},
        "enquired": {e.enterprise_id: e for e in enquiries},
        "unread_messages": threads.unread_counts(session=db, enquiries=enquiries),
        **request_extras(request, db, buyer_request), "attachment_form": attachment_form,
        "upload_refusal_said": "file" in attachment_form.errors,
        "file_limits": file_limits(request),
    }
    return render(request, "docking_request.html", context, status_code=status_code)


@router.post("/docking/requests/{request_id:int}/attachments", response_class=HTMLResponse)
def attach(request_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    """Attach a file (multipart form). A file refused (none, empty, too large, of a type not
    accepted, one too many) is said beside the file input of the request page, in the page's
    language, and nothing is stored; one who may not change the request gets the error page."""
    rfq.changeable_request(db, request_id)
    settings = request.app.state.settings
    gettext = gettext_for(request)
    form = Form()
    upload = posted.get("file")
    done = None
    if not isinstance(upload, UploadFile) or not (upload.filename or upload.size):
        form.errors["file"] = say("rfq.attachment_missing", {}, gettext)
    else:
        try:
            done = apply(db, form, gettext, lambda: attachments.add_attachment(
                session=db, storage=file_storage(request), request_id=request_id,
                filename=upload.filename or "",
                data=upload.file.read(settings.attachment_max_bytes + 1),
                max_bytes=settings.attachment_max_bytes,
                max_count=settings.attachments_per_request), default_field="file")
        except UnsupportedAttachment as exc:  # not of an accepted type: beside the input too
            db.rollback()
            form.errors["file"] = say_error(exc, gettext)
            form.status_code = exc.status_code
    if done is None:
        return _request_page(request, db, request_id, form, status_code=form.status_code)
    return RedirectResponse(f"/docking/requests/{request_id}#attachments", status_code=303)


@router.get("/docking/requests/{request_id:int}/split", response_class=HTMLResponse)
def split_page(request_id: int, request: Request, db: DbSession) -> HTMLResponse:
    """Split the request over the enterprises that make the product it confirmed (capacity
    docking); its buyer only, like the matches. ``?objective=`` is the buyer's choice."""
    return _split_page(request, db, request_id, _objective(request.query_params.get("objective")),
                       Form())


def _split_page(request: Request, db: DbSession, request_id: int,
                objective: Objective | None, form: Form, status_code: int = 200
                ) -> HTMLResponse:
    plan = splits.split_request(
        session=db, index=listing_index(request), request_id=request_id, objective=objective,
        today=datetime.now(UTC).date(),
        time_limit=float(request.app.state.settings.solver_time_limit),
    )
    lang = request_language(request)
    events = [(e.id, localized(e, "title", lang))
              for e in event_groups.group_meeting_events(session=db)]
    return render(request, "docking_split.html", {
        "r": plan.request, "plan": plan, "group_events": events, "group_form": form,
        "group_asked": request.query_params.get("group_asked")}, status_code=status_code)


@router.post("/docking/requests/{request_id:int}/split/group-meeting",
             response_class=HTMLResponse)
def ask_group_meeting(request_id: int, request: Request, db: DbSession, posted: Posted
                      ) -> Response:
    """Bring the split to a docking day: one meeting with all its factories (the one form
    flow; a refusal is said beside the event field)."""
    gettext = gettext_for(request)
    form = read_form(posted, ("event_id", "objective"))
    data = validate(event_groups.GroupMeetingAsk, form, gettext, default_field="event_id",
                    omit_empty=True)
    done = None
    if data is not None:
        done = apply(db, form, gettext, lambda: event_groups.ask_group_meeting(
            session=db, index=listing_index(request), request_id=request_id,
            objective=data.objective, event_id=data.event_id, today=datetime.now(UTC).date(),
            time_limit=float(request.app.state.settings.solver_time_limit)),
            default_field="event_id")
    if done is None:
        return _split_page(request, db, request_id, _objective(form.values.get("objective")),
                           form, status_code=form.status_code)
    return RedirectResponse(
        f"/docking/requests/{request_id}/split?objective={done.objective}"
        f"&group_asked={done.event_id}#split-group-meeting", status_code=303)


@router.post("/docking/requests/{request_id:int}/split/enquiries", response_class=HTMLResponse)
def send_split_enquiries(
    request_id: int, request: Request, db: DbSession, posted: Posted
) -> Response:
    """One enquiry for each share of the split the buyer saw, to its enterprise."""
    splits.enquire_split(
        session=db, index=listing_index(request), request_id=request_id,
        objective=_objective(str(posted.get("objective") or "")),
        today=datetime.now(UTC).date(),
        time_limit=float(request.app.state.settings.solver_time_limit),
    )
    return RedirectResponse(f"/docking/requests/{request_id}#enquiries", status_code=303)


def _objective(value: str | None) -> Objective | None:
    """The objective named by a link or form; anything else means the default."""
    try:
        return Objective(value) if value else None
    except ValueError:
        return None


@router.post("/docking/requests/{request_id:int}/hs", response_class=HTMLResponse)
def confirm_hs(request_id: int, db: DbSession, posted: Posted) -> Response:
    """The HS code the buyer confirms from the proposals (buttons); a value that is not an HS
    code is the 422 page."""
    written = str(posted.get("hs_code") or "").strip() or None
    if written is not None and not re.fullmatch(r"\d{4}(\d{2})?", written):
        raise InvalidInput("an HS code has 4 or 6 digits", field="hs_code",
                           code="string_pattern_mismatch")
    service.confirm_hs(session=db, request_id=request_id, hs_code=written)
    return RedirectResponse(f"/docking/requests/{request_id}", status_code=303)


@router.post("/docking/requests/{request_id:int}/enquiries", response_class=HTMLResponse)
def send_enquiry(request_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    """A match's "send an enquiry" button."""
    sku = str(posted.get("sku") or "").strip()
    if not sku:
        raise InvalidInput("choose a listing", field="sku", code="request.choose_listing")
    service.shortlist(session=db, request_id=request_id, sku=sku, send=True,
                      index=listing_index(request),
                      enquiries_per_day=request.app.state.settings.enquiries_per_day)
    return RedirectResponse(f"/docking/requests/{request_id}#enquiries", status_code=303)


INTENTION_FIELDS = ("quantity", "unit", "value", "currency", "start_date", "delivery_date")


def _intention_form(values: dict[str, str] | None = None) -> Form:
    return Form(values=values or {"unit": "pcs"}, prefix="intention-")


def _enquiry_page(request: Request, db: DbSession, enquiry: Enquiry, quote_form: Form,
                  status_code: int = 200, message_form: Form | None = None,
                  intention_form: Form | None = None) -> HTMLResponse:
    words = request_words(session=db, index=listing_index(request), request=enquiry.request,
                          lang=request_language(request))
    context = {"e": enquiry, "r": enquiry.request, "words": words,
               "form": intention_form or _intention_form(),
               "quote_form": quote_form, "sku_options": [(s, s) for s in enquiry.skus or []],
               "order_steps": [s.value for s in schemas.OrderStatus],
               **_actor_sides(request, enquiry), **request_extras(request, db, enquiry.request),
               **thread_context(request, db, enquiry, message_form)}
    return render(request, "docking_enquiry.html", context, status_code=status_code)


def _quote_form(enquiry: Enquiry) -> Form:
    return Form(values={"sku": enquiry.sku or "", "incoterm": enquiry.request.incoterm or ""})


@router.get("/docking/enquiries/{enquiry_id:int}", response_class=HTMLResponse)
def enquiry_page(enquiry_id: int, request: Request, db: DbSession) -> HTMLResponse:
    """The enquiry and its thread; opening it marks the other side's messages read. Reached
    back from the message form past the request body limit (``?upload_refused=1``), it says
    so beside the form's file input."""
    enquiry = service.get_enquiry(session=db, enquiry_id=enquiry_id)
    threads.mark_read(session=db, enquiry_id=enquiry_id)
    message_form = refused_upload(request, Form(), "upload.files_size")
    return _enquiry_page(request, db, enquiry, _quote_form(enquiry), message_form=message_form)


@router.post("/docking/enquiries/{enquiry_id:int}/messages", response_class=HTMLResponse)
def post_message(enquiry_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    """The thread's form (text and files): a refusal is shown beside its field, with the
    text as typed (files are chosen again); success goes back to the thread."""
    gettext = gettext_for(request)
    form = Form(values={"text": str(posted.get("text") or "")})
    limit = request.app.state.settings.attachment_max_bytes
    try:
        done = apply(db, form, gettext, lambda: threads.post_message(
            session=db, storage=file_storage(request), enquiry_id=enquiry_id,
            text=form.value("text"), attachments=page_uploads(posted, limit),
            max_bytes=limit), default_field="text")
    except (TooLarge, UnsupportedAttachment) as exc:  # a file refused: beside the file input
        db.rollback()
        form.errors["file"] = say_error(exc, gettext)
        form.status_code, done = exc.status_code, None
    enquiry = service.get_enquiry(session=db, enquiry_id=enquiry_id)
    if is_htmx(request) and request.headers.get("hx-target") == "thread":
        # the thread alone, in place: a fresh form after success, the refusal otherwise
        context = {"e": enquiry, "r": enquiry.request,
                   **request_extras(request, db, enquiry.request),
                   **thread_context(request, db, enquiry, form if done is None else None)}
        return render(request, "partials/thread.html", context,
                      status_code=form.status_code if done is None else 200)
    if done is None:
        return _enquiry_page(request, db, enquiry, _quote_form(enquiry),
                             status_code=form.status_code, message_form=form)
    return RedirectResponse(f"/docking/enquiries/{enquiry_id}#thread", status_code=303)


def _back(enquiry_id: int) -> RedirectResponse:
    return RedirectResponse(f"/docking/enquiries/{enquiry_id}", status_code=303)


QUOTE_FIELDS = ("price", "currency", "lead_time_days", "note", "incoterm", "moq",
                "valid_until", "sku")


@router.post("/docking/enquiries/{enquiry_id:int}/answer", response_class=HTMLResponse)
def answer(enquiry_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    """The quote form: wrong fields are shown beside them, with what was typed."""
    gettext = gettext_for(request)
    enquiry = service.get_enquiry(session=db, enquiry_id=enquiry_id)
    form = read_form(posted, QUOTE_FIELDS)
    data = request_form_data(schemas.EnquiryAnswer, form, gettext, default_field="price")
    done = None
    if data is not None:
        done = apply(db, form, gettext, lambda: service.answer_enquiry(
            session=db, enquiry_id=enquiry_id, data=data), default_field="price")
    if done is None:
        return _enquiry_page(request, db, enquiry, form, status_code=form.status_code)
    return _back(enquiry_id)


@router.post("/docking/enquiries/{enquiry_id:int}/decline", response_class=HTMLResponse)
def decline(enquiry_id: int, db: DbSession, posted: Posted) -> Response:
    """The decline button (with an optional note, cut to its limit)."""
    note = str(posted.get("note") or "").strip()[:2000]
    service.decline_enquiry(session=db, enquiry_id=enquiry_id,
                            data=schemas.EnquiryDecline(note=note))
    return _back(enquiry_id)


@router.post("/docking/enquiries/{enquiry_id:int}/intentions", response_class=HTMLResponse)
def propose(enquiry_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    """The intention form: wrong fields are shown beside them, with what was typed."""
    gettext = gettext_for(request)
    enquiry = service.get_enquiry(session=db, enquiry_id=enquiry_id)
    form = read_form(posted, INTENTION_FIELDS)
    form.prefix = "intention-"
    data = validate(schemas.IntentionCreate, form, gettext, default_field="quantity",
                    omit_empty=True)
    done = None
    if data is not None:
        done = apply(db, form, gettext, lambda: service.propose_intention(
            session=db, enquiry_id=enquiry_id, data=data), default_field="quantity")
    if done is None:
        return _enquiry_page(request, db, enquiry, _quote_form(enquiry),
                             status_code=form.status_code, intention_form=form)
    return _back(enquiry_id)


@router.post("/docking/intentions/{intention_id:int}/accept", response_class=HTMLResponse)
def accept(intention_id: int, db: DbSession) -> Response:
    intention = service.accept_intention(session=db, intention_id=intention_id)
    return _back(intention.enquiry_id)


@router.post("/docking/orders/{order_id:int}/status", response_class=HTMLResponse)
def order_status(order_id: int, db: DbSession, posted: Posted) -> Response:
    """The order's status select: a value it does not offer is the 422 page."""
    status = str(posted.get("status") or "")
    if status not in {step.value for step in schemas.OrderStatus}:
        raise InvalidInput("choose one of the order's statuses", field="status",
                           code="literal_error")
    order = service.update_order(session=db, order_id=order_id,
                                 status=schemas.OrderStatus(status))
    return _back(order.intention.enquiry_id)


@router.get("/docking/bases/{base_id:int}/dashboard", response_class=HTMLResponse)
def dashboard(base_id: int, request: Request, db: DbSession) -> HTMLResponse:
    board = service.dashboard(session=db, base_id=base_id)
    base = get_base(session=db, base_id=base_id)
    lang = request_language(request)
    events = [{"totals": t, "title": localized(t.event, "title", lang)}
              for t in outcome_totals.base_events(session=db, base_id=base_id)]
    return render(request, "docking_dashboard.html", {"board": board, "base": base,
                                                      "events": events})
