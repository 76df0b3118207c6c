"""Pages of supply-and-demand docking: a buyer's requests and their matches, enquiries and
their answers, cooperation intentions, orders, and a base's docking dashboard.

Thin like the API: read the form, call ``docking.service``, redirect or render. Who may see
or do what is decided in the service (``accounts/policy.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.policy import RequestParties, Role, acts_for_buyer, acts_for_enterprise
from tradebase.docking import schemas, service
from tradebase.docking.models import Enquiry
from tradebase.registry.models import Product
from tradebase.registry.service import get_base
from tradebase.web.api.docking import listing_index
from tradebase.web.deps import DbSession
from tradebase.web.pages.docking_split import split_over_matches
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form, checked, posted_fields
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import render

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


@router.get("/docking", response_class=HTMLResponse)
def docking_home(request: Request, db: DbSession) -> HTMLResponse:
    """A buyer's requests and the new-request form; an enterprise's enquiries."""
    actor = request.state.actor
    context = {
        "requests": service.list_requests(session=db),
        "enquiries": service.list_enquiries(session=db),
        "can_post": actor.role in (Role.BUYER, Role.ADMIN),
        "base_ids": sorted(actor.base_ids),
        "form": Form(values={"unit": "pcs"}),
    }
    return render(request, "docking.html", context)


REQUEST_FIELDS = ("text", "quantity", "unit", "destination", "wanted_by", "max_lead_time_days",
                  "certifications", "target_price", "currency", "hs_code")


@router.post("/docking/requests", response_class=HTMLResponse)
def post_request(request: Request, db: DbSession, posted: Posted) -> Response:
    data = checked(
        schemas.RequestCreate, posted_fields(posted, REQUEST_FIELDS, lists=_LISTS)
    )
    made = service.create_request(session=db, index=listing_index(request), data=data)
    return RedirectResponse(f"/docking/requests/{made.id}", status_code=303)


@router.get("/docking/requests/{request_id:int}", response_class=HTMLResponse)
def request_page(request_id: int, request: Request, db: DbSession) -> HTMLResponse:
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
    enquired = {e.enterprise_id: e for e in buyer_request.enquiries}
    context = {
        "r": buyer_request, "is_buyer": is_buyer, "matches": matches, "analysis": analysis,
        "enquired": enquired,
    }
    return render(request, "docking_request.html", context)


@router.get("/docking/requests/{request_id:int}/split", response_class=HTMLResponse)
def split_page(request_id: int, request: Request, db: DbSession) -> HTMLResponse:
    """Split the request over the factories the matching found (capacity docking); its
    buyer only, like the matches."""
    matches = service.match_request(session=db, index=listing_index(request),
                                    request_id=request_id)
    buyer_request = service.get_request(session=db, request_id=request_id)
    products = {p.id: p for p in (db.get(Product, c.product_id) for c in matches
                                  if c.product_id is not None) if p is not None}
    plan = split_over_matches(
        buyer_request, matches, products, buyer_request.enquiries, today=datetime.now(UTC).date(),
        time_limit=float(request.app.state.settings.solver_time_limit),
    )
    return render(request, "docking_split.html", {"r": buyer_request, "plan": plan})


@router.post("/docking/requests/{request_id:int}/hs", response_class=HTMLResponse)
def confirm_hs(request_id: int, db: DbSession, posted: Posted) -> Response:
    data = checked(schemas.HsConfirm, {"hs_code": str(posted.get("hs_code") or "") or None})
    service.confirm_hs(session=db, request_id=request_id, hs_code=data.hs_code)
    return RedirectResponse(f"/docking/requests/{request_id}", status_code=303)


@router.post("/docking/requests/{request_id:int}/enquiries", response_class=HTMLResponse)
def send_enquiry(request_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    data = checked(schemas.EnquiryCreate, {"sku": str(posted.get("sku") or ""), "send": True})
    service.shortlist(session=db, request_id=request_id, sku=data.sku, send=True,
                      index=listing_index(request))
    return RedirectResponse(f"/docking/requests/{request_id}#enquiries", status_code=303)


@router.get("/docking/enquiries/{enquiry_id:int}", response_class=HTMLResponse)
def enquiry_page(enquiry_id: int, request: Request, db: DbSession) -> HTMLResponse:
    enquiry = service.get_enquiry(session=db, enquiry_id=enquiry_id)
    context = {"e": enquiry, "r": enquiry.request, "form": Form(values={"unit": "pcs"}),
               "order_steps": [s.value for s in schemas.OrderStatus],
               **_actor_sides(request, enquiry)}
    return render(request, "docking_enquiry.html", context)


def _back(enquiry_id: int) -> RedirectResponse:
    return RedirectResponse(f"/docking/enquiries/{enquiry_id}", status_code=303)


@router.post("/docking/enquiries/{enquiry_id:int}/answer", response_class=HTMLResponse)
def answer(enquiry_id: int, db: DbSession, posted: Posted) -> Response:
    data = checked(schemas.EnquiryAnswer,
                    posted_fields(posted, ("price", "currency", "lead_time_days", "note")))
    service.answer_enquiry(session=db, enquiry_id=enquiry_id, data=data)
    return _back(enquiry_id)


@router.post("/docking/enquiries/{enquiry_id:int}/decline", response_class=HTMLResponse)
def decline(enquiry_id: int, db: DbSession, posted: Posted) -> Response:
    data = checked(schemas.EnquiryDecline, posted_fields(posted, ("note",)))
    service.decline_enquiry(session=db, enquiry_id=enquiry_id, data=data)
    return _back(enquiry_id)


@router.post("/docking/enquiries/{enquiry_id:int}/intentions", response_class=HTMLResponse)
def propose(enquiry_id: int, db: DbSession, posted: Posted) -> Response:
    names = ("quantity", "unit", "value", "currency", "start_date", "delivery_date")
    data = checked(schemas.IntentionCreate, posted_fields(posted, names))
    service.propose_intention(session=db, enquiry_id=enquiry_id, data=data)
    return _back(enquiry_id)


@router.post("/docking/intentions/{intention_id:int}/accept", response_class=HTMLResponse)
def accept(intention_id: int, db: DbSession) -> Response:
    intention = service.accept_intention(session=db, intention_id=intention_id)
    return _back(intention.enquiry_id)


@router.post("/docking/orders/{order_id:int}/status", response_class=HTMLResponse)
def order_status(order_id: int, db: DbSession, posted: Posted) -> Response:
    data = checked(schemas.OrderUpdate, posted_fields(posted, ("status",)))
    order = service.update_order(session=db, order_id=order_id, status=data.status)
    return _back(order.intention.enquiry_id)


@router.get("/docking/bases/{base_id:int}/dashboard", response_class=HTMLResponse)
def dashboard(base_id: int, request: Request, db: DbSession) -> HTMLResponse:
    board = service.dashboard(session=db, base_id=base_id)
    base = get_base(session=db, base_id=base_id)
    return render(request, "docking_dashboard.html", {"board": board, "base": base})
