""""Send an enquiry" from a product page, an enterprise's page or a free-capacity offer: one
form, prefilled from what the buyer looked at, that posts a request and sends its enquiry
about one listing of that enterprise (``docking/direct.py``). Thin: read, call, render.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.docking import direct, schemas
from tradebase.docking.direct import EnquirySubject
from tradebase.web.api.docking import listing_index
from tradebase.web.deps import DbSession
from tradebase.web.i18n import request_language
from tradebase.web.pages.docking_rfq import REQUEST_FIELDS, request_form_data, term_options
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form, apply, read_form
from tradebase.web.pages.messages import say
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()


def _subject(db: DbSession, request: Request) -> tuple[EnquirySubject, str]:
    """What the form is about, from the query (``product_id``, ``enterprise_id`` or
    ``offer_id``), and the form's action keeping that query."""
    query = {name: request.query_params[name] for name in ("product_id", "enterprise_id",
                                                           "offer_id")
             if request.query_params.get(name, "").isdigit()}
    subject = direct.enquiry_subject(
        session=db, **{name: int(value) for name, value in query.items()})
    return subject, "/enquiries/new?" + urlencode(query)


def _render(request: Request, subject: EnquirySubject, form: Form, action: str,
            status_code: int = 200) -> HTMLResponse:
    lang = request_language(request)
    context = {"subject": subject, "form": form, "action": action,
               "listing_options": [(p.sku, f"{p.title_in(lang)} ({p.sku})")
                                   for p in subject.listings],
               "options": term_options(gettext_for(request))}
    return render(request, "enquire.html", context, status_code=status_code)


@router.get("/enquiries/new", response_class=HTMLResponse)
def enquiry_form(request: Request, db: DbSession) -> HTMLResponse:
    direct.check_may_enquire(session=db)
    subject, action = _subject(db, request)
    return _render(request, subject, Form(values=subject.prefill()), action)


@router.post("/enquiries/new", response_class=HTMLResponse)
def send_enquiry(request: Request, db: DbSession, posted: Posted) -> Response:
    direct.check_may_enquire(session=db)
    gettext = gettext_for(request)
    subject, action = _subject(db, request)
    form = read_form(posted, (*REQUEST_FIELDS, "hs_code", "sku"))
    sku = form.value("sku")
    if not sku:
        form.errors["sku"] = say("request.choose_listing", {}, gettext)
    fields = Form(values={k: v for k, v in form.values.items() if k != "sku"})
    data = request_form_data(schemas.RequestCreate, fields, gettext)
    form.errors.update(fields.errors)
    sent = None
    if data is not None and sku:
        sent = apply(db, form, gettext, lambda: direct.enquire(
            session=db, index=listing_index(request), data=data,
            enterprise_id=subject.enterprise.id, sku=sku,
            enquiries_per_day=request.app.state.settings.enquiries_per_day,
        ), default_field="text")
    if sent is None:
        return _render(request, subject, form, action, status_code=form.status_code)
    return RedirectResponse(f"/docking/requests/{sent.request_id}#enquiries", status_code=303)
