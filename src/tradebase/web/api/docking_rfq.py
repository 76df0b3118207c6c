"""REST endpoints of the request-for-quotation workflow. Thin: parse, call the service, shape."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from pydantic import BaseModel

from tradebase.docking import attachments, rfq, schemas, service
from tradebase.docking import rfq_schemas as rs
from tradebase.docking.terms import SORT_KEYS, QuoteRow
from tradebase.storage import Storage, local_storage
from tradebase.web.api.docking import listing_index, request_out
from tradebase.web.api.versioning import IfMatch, guarded, tagged
from tradebase.web.deps import DbSession, IdPath

router = APIRouter(prefix="/api/v1/docking", tags=["docking"])

RequestShown = schemas.BuyerRequestOut | schemas.RequestOut
SortKey = Literal["price", "landed", "moq", "lead_time_days", "valid_until", "enterprise"]
assert set(SortKey.__args__) == set(SORT_KEYS)  # type: ignore[attr-defined]


class ReportOut(BaseModel):
    request_id: int
    enterprise_id: int
    reported: bool = True


class SuspensionOut(BaseModel):
    request_id: int
    author_suspended: bool = True
    suspension_id: int | None = None  # to lift it: DELETE /suspensions/{suspension_id}


def file_storage(request: Request) -> Storage:
    """Where attachments live: the app's storage (tests put a memory one there), else the
    directory of ``TRADEBASE_STORAGE_DIR``."""
    storage = getattr(request.app.state, "storage", None)
    if storage is None:
        storage = request.app.state.storage = local_storage(
            request.app.state.settings.storage_dir)
    return storage


def quote_out(row: QuoteRow) -> rs.QuoteOut:
    return rs.QuoteOut(
        enquiry_id=row.enquiry_id, enterprise_id=row.enterprise_id, enterprise=row.enterprise,
        price=row.price, currency=row.currency, incoterm=row.incoterm,
        landed_price=row.landed, landed_basis=row.landed_basis.value, moq=row.moq,
        lead_time_days=row.lead_time_days, valid_until=row.valid_until, note=row.note,
        shortlisted=row.shortlisted, accepted=row.accepted, status=row.status,
    )


@router.patch("/requests/{request_id}", response_model=schemas.BuyerRequestOut)
def edit_request(
    request_id: IdPath, data: rs.RequestEdit, request: Request, db: DbSession,
    response: Response, if_match: IfMatch = None,
) -> object:
    """The buyer changes the fields given (an open request only); the enterprises it went
    to see which fields changed. ``If-Match`` (optional) as for orders."""

    def change(expected: int | None) -> object:
        return rfq.edit_request(session=db, request_id=request_id, data=data,
                                index=listing_index(request), expected_version=expected)

    return tagged(response, guarded(if_match, schemas.BuyerRequestOut.model_validate, change))


@router.post("/requests/{request_id}/close", response_model=schemas.BuyerRequestOut)
def close_request(request_id: IdPath, db: DbSession) -> object:
    """No more quotes; the buyer may still accept one it has."""
    return rfq.close_request(session=db, request_id=request_id)


@router.post("/requests/{request_id}/withdraw", response_model=schemas.BuyerRequestOut)
def withdraw_request(request_id: IdPath, db: DbSession) -> object:
    return rfq.withdraw_request(session=db, request_id=request_id)


@router.post("/requests/{request_id}/publish", response_model=rs.OpenRequestOut)
def publish(request_id: IdPath, request: Request, db: DbSession) -> object:
    """Publish as an open request: every enterprise with a matching listing gets it."""
    reached = rfq.publish_open_request(
        session=db, index=listing_index(request), request_id=request_id,
        per_day=request.app.state.settings.open_requests_per_day,
    )
    published = service.get_request(session=db, request_id=request_id).published_at
    assert published is not None
    return rs.OpenRequestOut(
        request_id=request_id, published_at=published,
        enterprise_ids=sorted(e.enterprise_id for e in reached),
        enquiries=[schemas.EnquiryOut.model_validate(e) for e in reached],
    )


@router.get("/requests/{request_id}/quotes", response_model=list[rs.QuoteOut])
def compare_quotes(
    request_id: IdPath, db: DbSession, sort: SortKey = "price",
    order: Annotated[Literal["asc", "desc"], Query()] = "asc",
) -> object:
    """Every quote of the request side by side (its buyer only); landed price for DDP, duty
    excluded for DAP and DPU, none otherwise; currencies are not converted."""
    rows = rfq.compare_quotes(session=db, request_id=request_id, sort=sort,
                              descending=order == "desc")
    return [quote_out(row) for row in rows]


@router.post("/enquiries/{enquiry_id}/shortlist", response_model=schemas.EnquiryOut)
def shortlist_quote(enquiry_id: IdPath, data: rs.QuoteShortlist, db: DbSession) -> object:
    return rfq.shortlist_quote(session=db, enquiry_id=enquiry_id, shortlisted=data.shortlisted)


@router.post("/enquiries/{enquiry_id}/accept", response_model=schemas.EnquiryOut)
def accept_quote(enquiry_id: IdPath, db: DbSession) -> object:
    """The buyer accepts the quote: the request is awarded."""
    return rfq.accept_quote(session=db, enquiry_id=enquiry_id)


@router.post("/requests/{request_id}/report", response_model=ReportOut)
def report_request(request_id: IdPath, data: rs.ReportIn, db: DbSession) -> object:
    """An enterprise the request reached reports it as spam."""
    report = rfq.report_request(session=db, request_id=request_id, reason=data.reason)
    return ReportOut(request_id=report.request_id, enterprise_id=report.enterprise_id)


@router.post("/requests/{request_id}/hide", response_model=RequestShown)
def hide_request(request_id: IdPath, db: DbSession) -> object:
    """A base administrator of a base the request reached (or a platform administrator)
    hides it from the enterprises."""
    return request_out(db, rfq.hide_request(session=db, request_id=request_id))


@router.post("/requests/{request_id}/suspend-author", response_model=SuspensionOut)
def suspend_author(request_id: IdPath, data: rs.ReportIn, db: DbSession) -> object:
    suspension = rfq.suspend_author(session=db, request_id=request_id, reason=data.reason)
    return SuspensionOut(request_id=request_id, suspension_id=suspension.id)


@router.delete("/suspensions/{suspension_id}", status_code=204)
def lift_suspension(suspension_id: IdPath, db: DbSession) -> Response:
    """Lift a suspension: an administrator of a base the request it was made over reached
    (``may_lift_suspension``); its buyer may post again."""
    rfq.lift_suspension(session=db, suspension_id=suspension_id)
    return Response(status_code=204)


@router.post("/requests/{request_id}/attachments", response_model=schemas.AttachmentOut,
             status_code=201)
def add_attachment(
    request_id: IdPath, request: Request, db: DbSession,
    file: Annotated[UploadFile, File(description="PDF, PNG, JPEG, XLSX or CSV")],
) -> object:
    """Attach a file to the buyer's open request (size and type checked by content)."""
    settings = request.app.state.settings
    data = file.file.read(settings.attachment_max_bytes + 1)
    return attachments.add_attachment(
        session=db, storage=file_storage(request), request_id=request_id,
        filename=file.filename or "", data=data, max_bytes=settings.attachment_max_bytes,
        max_count=settings.attachments_per_request,
    )


@router.get("/requests/{request_id}/attachments/{attachment_id}")
def get_attachment(
    request_id: IdPath, attachment_id: IdPath, request: Request, db: DbSession
) -> Response:
    """The file, for whoever may see the request (downloaded, never shown inline)."""
    attachment, data = attachments.get_attachment(
        session=db, storage=file_storage(request), request_id=request_id,
        attachment_id=attachment_id)
    return attachment_response(attachment.filename, attachment.content_type, data)


def attachment_response(filename: str, content_type: str, data: bytes) -> Response:
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in filename)
    return Response(data, media_type=content_type, headers={
        "Content-Disposition": f'attachment; filename="{safe}"',
        "X-Content-Type-Options": "nosniff",
    })
