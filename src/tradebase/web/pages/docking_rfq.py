"""Pages of the request-for-quotation workflow: the request form's terms, editing, closing,
withdrawing and publishing a request, an enterprise's inbox, the comparison of quotes,
shortlisting and acceptance, spam reports and moderation, attachments.

Thin like the API: read the form, call ``docking.rfq``, redirect or render. Who may see or do
what is decided in the services (``accounts/policy.py``); the predicates are only read here
to show the buttons a person may press.
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.policy import (
    acts_for_buyer,
    may_moderate_request,
    may_report_request,
)
from tradebase.docking import attachments, rfq, schemas, service, threads
from tradebase.docking import rfq_schemas as rs
from tradebase.docking.models import BuyerRequest
from tradebase.docking.terms import SORT_KEYS
from tradebase.web.api.docking import listing_index
from tradebase.web.api.docking_rfq import attachment_response, file_storage, quote_out
from tradebase.web.deps import DbSession
from tradebase.web.i18n import request_language
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form, apply, posted_version, read_form, validate
from tradebase.web.pages.messages import Gettext
from tradebase.web.pages.rfq_labels import LABELS
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()
S = TypeVar("S", bound=BaseModel)

REQUEST_FIELDS = (
    "text", "quantity", "unit", "destination", "wanted_by", "max_lead_time_days",
    "certifications", "target_price", "currency", "incoterm", "incoterm_place",
    "payment_terms", "payment_note", "packaging", "packaging_note", "samples",
    "quote_deadline", "expires_on", "anonymous_until_accepted",
)
_FLAGS = frozenset({"anonymous_until_accepted"})  # check boxes: posted "on", or not at all


def request_form_data(
    schema: type[S], form: Form, gettext: Gettext, *, default_field: str = "text"
) -> S | None:
    """``form`` checked by ``schema`` (empty fields are not given); errors go beside their
    fields in ``form``, which keeps what was typed."""
    given = Form(values={k: v for k, v in form.values.items() if v and k not in _FLAGS})
    flags = {name: form.value(name) in ("on", "1", "true") for name in _FLAGS
             if name in schema.model_fields}
    data = validate(schema, given, gettext, default_field=default_field, extra=flags)
    form.errors.update(given.errors)
    return data


def term_options(gettext: Gettext) -> dict[str, list[tuple[str, str]]]:
    """The choices of the request form's selects, in the interface language."""
    return {name: [(value, gettext(label)) for value, label in LABELS[name].items()]
            for name in ("incoterm", "payment_terms", "packaging", "samples")}


def request_extras(request: Request, db: DbSession, buyer_request: BuyerRequest
                   ) -> dict[str, Any]:
    """What the request and enquiry pages show beside the request: the labels of its terms,
    who asks (when the viewer may know), its changes, and the buttons the viewer may press."""
    actor = request.state.actor
    parties = service._parties(db, buyer_request)
    return {
        "labels": LABELS,
        "buyer_named": rfq.buyer_named(session=db, request=buyer_request),
        "reports": rfq.reports_of(session=db, request=buyer_request),
        "suspension": rfq.suspension_of(session=db, request=buyer_request),
        "may_moderate": may_moderate_request(actor, parties),
        "may_report": may_report_request(actor, parties),
        "acts_as_buyer": actor.can_write and acts_for_buyer(actor, parties),
        "options": term_options(gettext_for(request)),
    }


def _to_request(request_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/docking/requests/{request_id}{anchor}", status_code=303)


# --- editing, closing, withdrawing, publishing -----------------------------------------------


def _edit_form(buyer_request: BuyerRequest) -> Form:
    values = {name: "" if getattr(buyer_request, name) is None else str(
        getattr(buyer_request, name)) for name in REQUEST_FIELDS if name not in _FLAGS}
    values["certifications"] = "; ".join(buyer_request.certifications or [])
    values["anonymous_until_accepted"] = "on" if buyer_request.anonymous_until_accepted else ""
    values["version"] = str(buyer_request.version)
    return Form(values=values)


def _render_edit(request: Request, buyer_request: BuyerRequest, form: Form,
                 status_code: int = 200) -> HTMLResponse:
    context = {"r": buyer_request, "form": form,
               "options": term_options(gettext_for(request))}
    return render(request, "docking_request_edit.html", context, status_code=status_code)


@router.get("/docking/requests/{request_id:int}/edit", response_class=HTMLResponse)
def edit_page(request_id: int, request: Request, db: DbSession) -> HTMLResponse:
    buyer_request = rfq.changeable_request(db, request_id)
    return _render_edit(request, buyer_request, _edit_form(buyer_request))


@router.post("/docking/requests/{request_id:int}/edit", response_class=HTMLResponse)
def edit(request_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    """The whole form is checked as a new request would be, then applied as an edit: the
    enterprises it went to see which fields changed."""
    gettext = gettext_for(request)
    buyer_request = rfq.changeable_request(db, request_id)
    form = read_form(posted, (*REQUEST_FIELDS, "version"))
    form.values.pop("version", None)
    whole = request_form_data(schemas.RequestCreate, form, gettext)
    done = None
    if whole is not None:
        data = rs.RequestEdit.model_validate(whole.model_dump(exclude={"hs_code"}))
        done = apply(db, form, gettext, lambda: rfq.edit_request(
            session=db, request_id=request_id, data=data, index=listing_index(request),
            expected_version=posted_version(posted)), default_field="text")
    if done is None:
        form.values["version"] = str(buyer_request.version)
        return _render_edit(request, buyer_request, form, status_code=form.status_code)
    return _to_request(request_id)


@router.post("/docking/requests/{request_id:int}/close", response_class=HTMLResponse)
def close(request_id: int, db: DbSession) -> Response:
    rfq.close_request(session=db, request_id=request_id)
    return _to_request(request_id)


@router.post("/docking/requests/{request_id:int}/withdraw", response_class=HTMLResponse)
def withdraw(request_id: int, db: DbSession) -> Response:
    rfq.withdraw_request(session=db, request_id=request_id)
    return _to_request(request_id)


@router.post("/docking/requests/{request_id:int}/publish", response_class=HTMLResponse)
def publish(request_id: int, request: Request, db: DbSession) -> Response:
    """Publish as an open request: the enterprises whose listings match get it."""
    rfq.publish_open_request(session=db, index=listing_index(request), request_id=request_id,
                             per_day=request.app.state.settings.open_requests_per_day)
    return _to_request(request_id, "#enquiries")


# --- the enterprise's inbox ------------------------------------------------------------------


@router.get("/docking/inbox", response_class=HTMLResponse)
def inbox(request: Request, db: DbSession) -> HTMLResponse:
    """The enquiries sent to the viewer's enterprises (or its bases' enterprises), open
    requests marked."""
    enquiries = service.list_enquiries(session=db)
    return render(request, "docking_inbox.html", {
        "enquiries": enquiries, "labels": LABELS,
        "unread_messages": threads.unread_counts(session=db, enquiries=enquiries)})


# --- quotes: the comparison, shortlist, acceptance -------------------------------------------


@router.get("/docking/requests/{request_id:int}/quotes", response_class=HTMLResponse)
def quotes(request_id: int, request: Request, db: DbSession) -> HTMLResponse:
    """Every quote of the request side by side, sortable by any column (its buyer only)."""
    sort = request.query_params.get("sort", "price")
    sort = sort if sort in SORT_KEYS else "price"
    descending = request.query_params.get("order") == "desc"
    rows = rfq.compare_quotes(session=db, request_id=request_id, sort=sort,
                              descending=descending, lang=request_language(request))
    buyer_request = service.get_request(session=db, request_id=request_id)
    return render(request, "docking_quotes.html", {
        "r": buyer_request, "rows": [quote_out(row) for row in rows], "sort": sort,
        "descending": descending, "labels": LABELS,
    })


def _to_quotes(db: DbSession, enquiry_id: int) -> RedirectResponse:
    enquiry = service.get_enquiry(session=db, enquiry_id=enquiry_id)
    return RedirectResponse(f"/docking/requests/{enquiry.request_id}/quotes", status_code=303)


@router.post("/docking/enquiries/{enquiry_id:int}/shortlist", response_class=HTMLResponse)
def shortlist(enquiry_id: int, db: DbSession, posted: Posted) -> Response:
    wanted = str(posted.get("shortlisted") or "1") not in ("0", "false", "")
    rfq.shortlist_quote(session=db, enquiry_id=enquiry_id, shortlisted=wanted)
    return _to_quotes(db, enquiry_id)


@router.post("/docking/enquiries/{enquiry_id:int}/accept", response_class=HTMLResponse)
def accept(enquiry_id: int, db: DbSession) -> Response:
    rfq.accept_quote(session=db, enquiry_id=enquiry_id)
    return _to_quotes(db, enquiry_id)


# --- abuse -----------------------------------------------------------------------------------


def _reason(posted: Any) -> str:
    return rs.ReportIn(reason=str(posted.get("reason") or "").strip()[:2000]).reason


@router.post("/docking/requests/{request_id:int}/report", response_class=HTMLResponse)
def report(request_id: int, db: DbSession, posted: Posted) -> Response:
    rfq.report_request(session=db, request_id=request_id, reason=_reason(posted))
    return _to_request(request_id, "#moderation")


@router.post("/docking/requests/{request_id:int}/hide", response_class=HTMLResponse)
def hide(request_id: int, db: DbSession) -> Response:
    rfq.hide_request(session=db, request_id=request_id)
    return _to_request(request_id, "#moderation")


@router.post("/docking/requests/{request_id:int}/suspend-author", response_class=HTMLResponse)
def suspend_author(request_id: int, db: DbSession, posted: Posted) -> Response:
    rfq.suspend_author(session=db, request_id=request_id, reason=_reason(posted))
    return _to_request(request_id, "#moderation")


@router.post("/docking/suspensions/{suspension_id:int}/lift", response_class=HTMLResponse)
def lift_suspension(suspension_id: int, db: DbSession) -> Response:
    request_id = rfq.lift_suspension(session=db, suspension_id=suspension_id)
    if request_id is None:
        return RedirectResponse("/docking", status_code=303)
    return _to_request(request_id, "#moderation")


# --- attachments (adding one is on the request page: docking.py) ---------------------------


@router.get("/docking/requests/{request_id:int}/attachments/{attachment_id:int}")
def download(request_id: int, attachment_id: int, request: Request, db: DbSession) -> Response:
    attachment, data = attachments.get_attachment(
        session=db, storage=file_storage(request), request_id=request_id,
        attachment_id=attachment_id)
    return attachment_response(attachment.filename, attachment.content_type, data)
