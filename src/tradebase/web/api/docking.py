"""REST endpoints of supply-and-demand docking. Thin: parse, call the service, shape."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from tradebase.docking import rfq, schemas, service
from tradebase.docking.index_store import ListingIndex
from tradebase.docking.models import BuyerRequest, CapacityOffer
from tradebase.docking.records import RequestAnalysis
from tradebase.registry.hs_names import chinese_names
from tradebase.web.api.versioning import IfMatch, guarded, tagged
from tradebase.web.deps import DbSession, IdPath

router = APIRouter(prefix="/api/v1/docking", tags=["docking"])

_INDEX_LOCK = threading.Lock()


def listing_index(request: Request) -> ListingIndex:
    """This worker's matching index (one per application, refreshed before each use)."""
    with _INDEX_LOCK:
        index = getattr(request.app.state, "listing_index", None)
        if index is None:
            index = request.app.state.listing_index = ListingIndex()
    assert isinstance(index, ListingIndex)
    return index


def _name_zh(code: str | None) -> str | None:
    found = chinese_names().get(code) if code else None
    return found.name if found else None


def analysis_out(analysis: RequestAnalysis) -> schemas.AnalysisOut:
    hs = analysis.hs
    return schemas.AnalysisOut(
        language=analysis.language, language_confidence=analysis.language_confidence,
        concepts=list(analysis.concepts),
        hs=schemas.HsProposalOut(code=hs.code, description=hs.description, source=hs.source,
                                 candidates=list(hs.candidates),
                                 description_zh=_name_zh(hs.code)),
    )


def matches_out(candidates: list[service.Candidate]) -> list[schemas.MatchOut]:
    return [
        schemas.MatchOut(
            sku=c.result.sku, enterprise=c.result.enterprise, enterprise_id=c.enterprise_id,
            score=c.result.score, reasons=list(c.result.reasons),
            reason_codes=[schemas.ReasonOut.model_validate(r.as_json())
                          for r in c.result.reason_codes],
            hs_code=c.result.hs_code,
            needs_split=c.result.needs_split, deliverable=c.result.deliverable,
        )
        for c in candidates
    ]


RequestDetail = schemas.BuyerRequestDetailOut | schemas.RequestDetailOut


def request_out(db: DbSession, request: BuyerRequest) -> schemas.RequestOut:
    """The request; who asks only for those who may read it (``may_see_buyer_organisation``:
    the other schema has no such field)."""
    if rfq.buyer_named(session=db, request=request):
        return schemas.BuyerRequestOut.model_validate(request)
    return schemas.RequestOut.model_validate(request)


def request_detail_out(db: DbSession, request: BuyerRequest) -> RequestDetail:
    """The request with the enquiries the caller may read: all for its buyer, its own for an
    enterprise it was sent to (never a competitor's quote), and what changed since."""
    enquiries = service.visible_enquiries(session=db, request=request)
    more = {
        "enquiries": [schemas.EnquiryOut.model_validate(e) for e in enquiries],
        "changes": [schemas.ChangeOut.model_validate(c) for c in request.changes],
        "attachments": [schemas.AttachmentOut.model_validate(a) for a in request.attachments],
    }
    if rfq.buyer_named(session=db, request=request):
        return schemas.BuyerRequestDetailOut(
            **schemas.BuyerRequestOut.model_validate(request).model_dump(), **more)
    return schemas.RequestDetailOut(**schemas.RequestOut.model_validate(request).model_dump(),
                                    **more)


def _offer_out(offer: CapacityOffer) -> schemas.CapacityOfferOut:
    out = schemas.CapacityOfferOut.model_validate(offer)
    out.enterprise_name = offer.enterprise.display_name
    return out


# --- matching --------------------------------------------------------------------------------


@router.post("/analyse", response_model=schemas.AnalysisOut)
def analyse(data: schemas.AnalyseIn, request: Request, db: DbSession) -> object:
    """The language of a request's text and the HS code proposed for it."""
    return analysis_out(service.analyse(session=db, index=listing_index(request), text=data.text))


@router.post("/match", response_model=schemas.MatchesOut)
def match(data: schemas.MatchQuery, request: Request, db: DbSession) -> object:
    """Match a text (any language) and constraints against every catalog; nothing is saved."""
    index = listing_index(request)
    found = service.match(session=db, index=index, request=data.to_engine(), top_k=data.top)
    analysis = service.analyse(session=db, index=index, text=data.text)
    return schemas.MatchesOut(analysis=analysis_out(analysis), results=matches_out(found))


# --- requests --------------------------------------------------------------------------------


@router.get("/requests", response_model=list[schemas.RequestOut])
def list_requests(db: DbSession) -> object:
    """The requests the caller may see: its own (or its organisation's), or those sent to
    its enterprises or its bases' enterprises."""
    return service.list_requests(session=db)


@router.post("/requests", response_model=RequestDetail, status_code=201)
def create_request(data: schemas.RequestCreate, request: Request, db: DbSession) -> object:
    made = service.create_request(session=db, index=listing_index(request), data=data)
    return request_detail_out(db, made)


@router.get("/requests/{request_id}", response_model=RequestDetail)
def get_request(request_id: IdPath, db: DbSession) -> object:
    return request_detail_out(db, service.get_request(session=db, request_id=request_id))


@router.post("/requests/{request_id}/hs", response_model=schemas.BuyerRequestOut)
def confirm_hs(request_id: IdPath, data: schemas.HsConfirm, db: DbSession) -> object:
    """The buyer confirms (or clears) the request's HS code."""
    return service.confirm_hs(session=db, request_id=request_id, hs_code=data.hs_code)


@router.get("/requests/{request_id}/matches", response_model=list[schemas.MatchOut])
def request_matches(
    request_id: IdPath, request: Request, db: DbSession,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
) -> object:
    """The enterprises that can make what the request asks for (its buyer only)."""
    found = service.match_request(
        session=db, index=listing_index(request), request_id=request_id, top_k=top
    )
    return matches_out(found)


@router.post(
    "/requests/{request_id}/enquiries", response_model=schemas.EnquiryOut, status_code=201
)
def shortlist(
    request_id: IdPath, data: schemas.EnquiryCreate, request: Request, db: DbSession
) -> object:
    """Shortlist the enterprise of a listing for the request; ``send`` sends it the enquiry."""
    return service.shortlist(
        session=db, request_id=request_id, sku=data.sku, send=data.send,
        index=listing_index(request),
        enquiries_per_day=request.app.state.settings.enquiries_per_day,
    )


# --- enquiries, intentions, orders -----------------------------------------------------------


@router.get("/enquiries", response_model=list[schemas.EnquiryOut])
def list_enquiries(db: DbSession) -> object:
    """Enquiries sent to the caller's enterprises (or its bases' enterprises)."""
    return service.list_enquiries(session=db)


@router.get("/enquiries/{enquiry_id}", response_model=schemas.EnquiryOut)
def get_enquiry(enquiry_id: IdPath, db: DbSession) -> object:
    return service.get_enquiry(session=db, enquiry_id=enquiry_id)


@router.post("/enquiries/{enquiry_id}/send", response_model=schemas.EnquiryOut)
def send_enquiry(enquiry_id: IdPath, request: Request, db: DbSession) -> object:
    return service.send_enquiry(
        session=db, enquiry_id=enquiry_id,
        enquiries_per_day=request.app.state.settings.enquiries_per_day,
    )


@router.post("/enquiries/{enquiry_id}/answer", response_model=schemas.EnquiryOut)
def answer_enquiry(enquiry_id: IdPath, data: schemas.EnquiryAnswer, db: DbSession) -> object:
    """The enterprise quotes a price and a lead time."""
    return service.answer_enquiry(session=db, enquiry_id=enquiry_id, data=data)


@router.post("/enquiries/{enquiry_id}/decline", response_model=schemas.EnquiryOut)
def decline_enquiry(enquiry_id: IdPath, data: schemas.EnquiryDecline, db: DbSession) -> object:
    return service.decline_enquiry(session=db, enquiry_id=enquiry_id, data=data)


@router.post(
    "/enquiries/{enquiry_id}/intentions", response_model=schemas.IntentionOut, status_code=201
)
def propose_intention(
    enquiry_id: IdPath, data: schemas.IntentionCreate, db: DbSession
) -> object:
    """Either side proposes a cooperation intention; the other accepts it."""
    return service.propose_intention(session=db, enquiry_id=enquiry_id, data=data)


@router.post("/intentions/{intention_id}/accept", response_model=schemas.IntentionOut)
def accept_intention(intention_id: IdPath, db: DbSession) -> object:
    """The other side signs: the intention becomes an order (contract signed)."""
    return service.accept_intention(session=db, intention_id=intention_id)


@router.patch("/orders/{order_id}", response_model=schemas.OrderOut)
def update_order(
    order_id: IdPath, data: schemas.OrderUpdate, db: DbSession, response: Response,
    if_match: IfMatch = None,
) -> object:
    """contract_signed → in_production → shipped → delivered, or cancelled. ``If-Match``
    (optional) names the version the change is based on; a stale one is refused with 412."""

    def change(expected: int | None) -> object:
        return service.update_order(
            session=db, order_id=order_id, status=data.status, expected_version=expected
        )

    return tagged(response, guarded(if_match, schemas.OrderOut.model_validate, change))


# --- capacity and the dashboard --------------------------------------------------------------


@router.get("/capacity", response_model=list[schemas.CapacityOfferOut])
def search_capacity(
    db: DbSession,
    hs_code: Annotated[str | None, Query(pattern=r"^\d{2,6}$")] = None,
    month_from: Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None,
    month_to: Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] = None,
    min_capacity: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> object:
    """Free capacity by month that enterprises offer (buyers, officers, administrators)."""
    offers = service.search_capacity(session=db, hs_code=hs_code, month_from=month_from,
                                     month_to=month_to, min_capacity=min_capacity)
    return [_offer_out(offer) for offer in offers]


@router.post("/capacity", response_model=schemas.CapacityOfferOut, status_code=201)
def create_capacity_offer(data: schemas.CapacityOfferCreate, db: DbSession) -> object:
    return _offer_out(service.create_capacity_offer(session=db, data=data))


@router.get("/bases/{base_id}/dashboard", response_model=schemas.DashboardOut)
def dashboard(base_id: IdPath, db: DbSession) -> object:
    """Intentions of the base's enterprises, their value, and how many became contracts,
    orders and deliveries, beside the docking facts the base published."""
    board = service.dashboard(session=db, base_id=base_id)
    return schemas.DashboardOut(
        base_id=board.base_id, intentions=board.intentions, companies=board.companies,
        quantity=board.quantity, value=board.value, contracts=board.contracts,
        in_production=board.in_production, shipped=board.shipped, delivered=board.delivered,
        cancelled=board.cancelled,
        published=[
            {"metric": f.metric, "value": f.value, "currency": f.currency, "unit": f.unit,
             "year": f.year, "month": f.month, "qualifier": f.qualifier, "note": f.note}
            for f in board.published
        ],
    )
