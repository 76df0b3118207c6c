"""A request for quotation: editing, closing and withdrawing a request, publishing it as an
open request, comparing, shortlisting and accepting quotes, reporting and moderating.

Above ``service.py`` (it reuses its visibility: ``get_request``, ``_parties``, the buyer's
check, and the same ``match``). Services take ``session`` keyword-only and never commit; who
may do what is a predicate of ``accounts/policy.py``; errors carry an ``rfq.*`` code.
Decisions: docs/plans/issue-9-rfq.md.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import (
    RequestParties,
    may_lift_suspension,
    may_moderate_request,
    may_report_request,
    may_see_buyer_organisation,
)
from tradebase.docking import notices, service
from tradebase.docking import rfq_rules as rules
from tradebase.docking.index_store import ListingIndex
from tradebase.docking.models import (
    BuyerRequest,
    Enquiry,
    RequestChange,
    RequestReport,
    Suspension,
)
from tradebase.docking.rfq_schemas import RequestEdit
from tradebase.docking.schemas import EnquiryStatus
from tradebase.docking.terms import (
    ChangeKind,
    EnquiryOrigin,
    QuoteRow,
    RequestStatus,
    dates_problem,
    price_problem,
    sort_quotes,
)
from tradebase.errors import Conflict, Forbidden, InvalidInput, NotFound
from tradebase.registry.models import Enterprise
from tradebase.registry.versioning import check_version, load_for_update

# Listings read when an open request is published: every match, as far as the engine ranks
# them (a request matching more listings than this is too vague to publish).
OPEN_REACH = 500


def _record(request: BuyerRequest, kind: ChangeKind, fields: list[str] | None = None) -> None:
    request.changes.append(RequestChange(kind=kind, fields=list(fields or []), at=rules.now()))


def changeable_request(session: Session, request_id: int) -> BuyerRequest:
    """The request, read under its lock, if the actor acts for its (unsuspended) buyer and
    it is still open."""
    request = service._buyer_request(session, request_id)
    load_for_update(session, BuyerRequest, request.id, "Request")  # one change at a time
    rules.check_open(request)
    rules.check_may_post(session, current_actor(session))
    return request


# --- the buyer's changes ---------------------------------------------------------------------


def edit_request(
    *, session: Session, request_id: int, data: RequestEdit,
    index: ListingIndex | None = None, expected_version: int | None = None,
) -> BuyerRequest:
    """Change the fields given; the enterprises it went to see which fields changed."""
    request = changeable_request(session, request_id)
    check_version(request, expected_version, "Request")
    changes = {name: value for name, value in data.changes().items()
               if getattr(request, name) != value}
    for name in ("quote_deadline", "expires_on"):
        if name in changes:
            rules.check_future(name, data.quote_deadline if name == "quote_deadline"
                               else data.expires_on)
    # The request as it would be, under the rules of its terms as when it was created.
    for problem in (
        dates_problem(
            data.quote_deadline if "quote_deadline" in changes else request.quote_deadline,
            data.expires_on if "expires_on" in changes else request.expires_on),
        price_problem(
            data.target_price if "target_price" in changes else request.target_price,
            data.currency if "currency" in changes else request.currency),
    ):
        if problem is not None:
            raise InvalidInput(problem.message, field=problem.field, code=problem.code)
    for name, value in changes.items():
        if name in ("text", "unit", "certifications") and value is None:
            continue  # required fields: not given means unchanged
        setattr(request, name, list(value) if isinstance(value, list) else value)
    if "text" in changes and index is not None:
        analysis = index.current(session.connection()).analyse(request.text)
        request.language, request.hs_proposed = analysis.language, analysis.hs.code
    if changes:
        _record(request, ChangeKind.EDITED, sorted(changes))
    session.flush()
    if changes:
        notices.request_changed(session=session, request=request, change=ChangeKind.EDITED)
    return request


def _end(session: Session, request_id: int, status: RequestStatus,
         kind: ChangeKind) -> BuyerRequest:
    request = changeable_request(session, request_id)
    request.status = status
    _record(request, kind)
    session.flush()
    notices.request_changed(session=session, request=request, change=kind)
    return request


def close_request(*, session: Session, request_id: int) -> BuyerRequest:
    """No more quotes; the buyer keeps the quotes it has and may still accept one."""
    return _end(session, request_id, RequestStatus.CLOSED, ChangeKind.CLOSED)


def withdraw_request(*, session: Session, request_id: int) -> BuyerRequest:
    """The buyer no longer wants it: nothing can be quoted or accepted any more."""
    return _end(session, request_id, RequestStatus.WITHDRAWN, ChangeKind.WITHDRAWN)


# --- open requests ---------------------------------------------------------------------------


def publish_open_request(
    *, session: Session, index: ListingIndex, request_id: int, per_day: int | None = None,
) -> list[Enquiry]:
    """Publish the request to every enterprise with a listing that matches it: the same
    ``match`` as the request page (same engine, same constraints). Each such enterprise gets
    one sent enquiry (origin "open") naming its matching listings, so the request is in its
    inbox (``list_enquiries``) and it may quote; an enterprise already asked keeps its
    enquiry, which gains the listings. Returns the enquiries of the enterprises reached."""
    request = changeable_request(session, request_id)
    if request.published_at is not None:
        raise Conflict(f"request {request.id} is published already",
                       code="rfq.published_already", params={"id": request.id})
    actor = current_actor(session)
    rules.check_open_request_cap(session, actor, per_day)
    found = service.match(session=session, index=index,
                          request=service.engine_request(request), top_k=OPEN_REACH)
    by_enterprise: dict[int, list[service.Candidate]] = defaultdict(list)
    for candidate in found:  # best first
        if candidate.enterprise_id is not None:
            by_enterprise[candidate.enterprise_id].append(candidate)
    existing = {e.enterprise_id: e for e in request.enquiries}
    now = rules.now()
    reached: list[Enquiry] = []
    for enterprise_id, candidates in by_enterprise.items():
        skus = [c.result.sku for c in candidates]
        enquiry = existing.get(enterprise_id)
        if enquiry is None:
            best = candidates[0].result
            enquiry = Enquiry(
                request_id=request.id, enterprise_id=enterprise_id, sku=skus[0], skus=skus,
                score=best.score, reasons=list(best.reasons),
                reason_codes=[reason.as_json() for reason in best.reason_codes],
                status=EnquiryStatus.SENT,
                origin=EnquiryOrigin.OPEN, sent_at=now,
            )
            session.add(enquiry)
            request.enquiries.append(enquiry)
        else:
            enquiry.skus = [*(enquiry.skus or []), *(s for s in skus if s not in
                                                     (enquiry.skus or []))]
            if enquiry.status == EnquiryStatus.SHORTLISTED:
                enquiry.status, enquiry.origin, enquiry.sent_at = (
                    EnquiryStatus.SENT, EnquiryOrigin.OPEN, now)
        reached.append(enquiry)
    request.published_at = now
    _record(request, ChangeKind.PUBLISHED)
    session.flush()
    notices.request_published(session=session, enquiries=reached)
    return reached


# --- quotes: comparison, shortlist, acceptance -----------------------------------------------


def _quote_row(enquiry: Enquiry, lang: str) -> QuoteRow:
    return QuoteRow(
        enquiry_id=enquiry.id, enterprise_id=enquiry.enterprise_id,
        enterprise=_enterprise_name(enquiry.enterprise, lang), price=enquiry.quote_price,
        currency=enquiry.quote_currency, incoterm=enquiry.quote_incoterm,
        moq=enquiry.quote_moq, lead_time_days=enquiry.quote_lead_time_days,
        valid_until=enquiry.quote_valid_until, note=enquiry.answer_note,
        shortlisted=enquiry.quote_shortlisted, accepted=enquiry.accepted_at is not None,
        status=enquiry.status,
    )


def _enterprise_name(enterprise: Enterprise, lang: str) -> str:
    if lang == "zh":
        return enterprise.name_zh or enterprise.display_name
    return enterprise.name_en or enterprise.display_name


def compare_quotes(
    *, session: Session, request_id: int, sort: str = "price", descending: bool = False,
    lang: str = "en",
) -> list[QuoteRow]:
    """Every quote of the request side by side, for its buyer only (``terms.sort_quotes``:
    currencies are not converted)."""
    request = service._buyer_request(session, request_id)
    rows = [_quote_row(e, lang) for e in request.enquiries if e.quote_price is not None]
    return sort_quotes(rows, sort, descending=descending)


def _buyers_quote(session: Session, enquiry_id: int) -> Enquiry:
    enquiry = service.get_enquiry(session=session, enquiry_id=enquiry_id)
    service._buyer_request(session, enquiry.request_id)
    load_for_update(session, Enquiry, enquiry.id, "Enquiry")
    if enquiry.status != EnquiryStatus.ANSWERED or enquiry.quote_price is None:
        raise Conflict(f"enquiry {enquiry.id} has no quote", code="rfq.no_quote",
                       params={"id": enquiry.id})
    return enquiry


def shortlist_quote(*, session: Session, enquiry_id: int, shortlisted: bool = True) -> Enquiry:
    """The buyer marks (or unmarks) a quote for a closer look."""
    enquiry = _buyers_quote(session, enquiry_id)
    enquiry.quote_shortlisted = shortlisted
    session.flush()
    return enquiry


def accept_quote(*, session: Session, enquiry_id: int) -> Enquiry:
    """The buyer accepts a quote: the request is awarded (an anonymous buyer is named to
    that enterprise from now on). A closed request may still be awarded."""
    enquiry = _buyers_quote(session, enquiry_id)
    request = enquiry.request
    load_for_update(session, BuyerRequest, request.id, "Request")
    if request.hidden_at is not None or request.status not in (RequestStatus.OPEN,
                                                               RequestStatus.CLOSED):
        raise Conflict(f"request {request.id} is {request.status}", field="status",
                       code="rfq.not_open", params={"id": request.id, "status": request.status})
    if enquiry.quote_valid_until is not None and enquiry.quote_valid_until < rules.now().date():
        raise Conflict("the quote is no longer valid", code="rfq.quote_expired",
                       params={"date": enquiry.quote_valid_until.isoformat()})
    enquiry.accepted_at = rules.now()
    enquiry.quote_shortlisted = True
    request.status = RequestStatus.AWARDED
    _record(request, ChangeKind.AWARDED)
    session.flush()
    notices.quote_accepted(session=session, enquiry=enquiry)
    return enquiry


def buyer_named(*, session: Session, request: BuyerRequest) -> bool:
    """Whether the actor may read who asks (``may_see_buyer_organisation``)."""
    accepted = [e for e in request.enquiries if e.accepted_at is not None]
    return may_see_buyer_organisation(
        current_actor(session), service._parties(session, request),
        frozenset(e.enterprise_id for e in accepted),
        frozenset(e.enterprise.base_id for e in accepted if e.enterprise.base_id is not None),
    )


# --- abuse: spam reports, hiding, suspension -------------------------------------------------


def report_request(*, session: Session, request_id: int, reason: str = "") -> RequestReport:
    """An enterprise the request reached reports it as spam (once per enterprise)."""
    request = service.get_request(session=session, request_id=request_id)
    actor = current_actor(session)
    parties = service._parties(session, request)
    if not may_report_request(actor, parties):
        raise Forbidden("only an enterprise the request reached may report it",
                        code="rfq.may_not_report")
    enterprise_id = min(actor.enterprise_ids & parties.enterprise_ids)
    report = session.scalars(select(RequestReport).where(
        RequestReport.request_id == request.id,
        RequestReport.enterprise_id == enterprise_id)).first()
    if report is None:
        report = RequestReport(request_id=request.id, enterprise_id=enterprise_id,
                               reporter_id=actor.user_id, reason=reason)
        session.add(report)
        session.flush()
    return report


def reports_of(*, session: Session, request: BuyerRequest) -> list[RequestReport]:
    """The spam reports of a request, for those who may moderate it (else none)."""
    if not may_moderate_request(current_actor(session), service._parties(session, request)):
        return []
    return list(session.scalars(select(RequestReport).where(
        RequestReport.request_id == request.id).order_by(RequestReport.id)))


def _moderated(session: Session, request_id: int) -> BuyerRequest:
    request = service.get_request(session=session, request_id=request_id)
    if not may_moderate_request(current_actor(session), service._parties(session, request)):
        raise Forbidden("only an administrator of a base the request reached may moderate it",
                        code="rfq.may_not_moderate")
    return request


def hide_request(*, session: Session, request_id: int) -> BuyerRequest:
    """A moderator hides the request: it leaves the inboxes of the enterprises, and nobody
    can quote on it any more."""
    request = _moderated(session, request_id)
    load_for_update(session, BuyerRequest, request.id, "Request")
    if request.hidden_at is None:
        request.hidden_at = rules.now()
        request.hidden_by = current_actor(session).user_id
        session.flush()
    return request


def suspend_author(*, session: Session, request_id: int, reason: str = "") -> Suspension:
    """A moderator suspends the request's author: it may post, publish and send nothing
    more (``may_post_requests``) until an administrator lifts the suspension."""
    request = _moderated(session, request_id)
    if request.buyer_id is None:
        raise NotFound("the author of this request has no account any more",
                       code="rfq.no_author")
    suspension = session.scalars(
        select(Suspension).where(Suspension.user_id == request.buyer_id)).first()
    if suspension is None:
        suspension = Suspension(user_id=request.buyer_id, request_id=request.id,
                                suspended_by=current_actor(session).user_id, reason=reason)
        session.add(suspension)
        session.flush()
    return suspension


def suspension_of(*, session: Session, request: BuyerRequest) -> Suspension | None:
    """The suspension of the request's author, for those who may lift it (else None)."""
    if request.buyer_id is None:
        return None
    suspension = session.scalars(
        select(Suspension).where(Suspension.user_id == request.buyer_id)).first()
    if suspension is None or not may_lift_suspension(
            current_actor(session), _suspension_parties(session, suspension)):
        return None
    return suspension


def _suspension_parties(session: Session, suspension: Suspension) -> RequestParties | None:
    if suspension.request_id is None:
        return None
    request = session.get(BuyerRequest, suspension.request_id)
    return service._parties(session, request) if request is not None else None


def lift_suspension(*, session: Session, suspension_id: int) -> int | None:
    """A moderator lifts a suspension (``may_lift_suspension``): its buyer may post again.
    The row goes; the audit log keeps who suspended, why, and who lifted it. Returns the
    request it was suspended over (None when that is gone)."""
    actor = service._signed_in(session)
    suspension = session.get(Suspension, suspension_id)
    if suspension is None:
        raise NotFound(f"suspension {suspension_id} not found", code="rfq.no_suspension",
                       params={"id": suspension_id})
    if not may_lift_suspension(actor, _suspension_parties(session, suspension)):
        raise Forbidden("only an administrator of a base the request reached may lift the "
                        "suspension of its author", code="rfq.may_not_lift")
    request_id = suspension.request_id
    session.delete(suspension)
    session.flush()
    return request_id


__all__ = [
    "OPEN_REACH", "accept_quote", "buyer_named", "close_request", "compare_quotes",
    "edit_request", "hide_request", "lift_suspension", "publish_open_request",
    "report_request", "reports_of", "shortlist_quote", "suspend_author", "suspension_of",
    "withdraw_request",
]
