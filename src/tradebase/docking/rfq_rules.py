"""The rules every step of a request for quotation checks, shared by ``service.py`` (posting,
sending enquiries, quoting) and ``rfq.py`` (editing, publishing, moderating): the request is
still open, its author is not suspended, and a buyer stays within its daily caps.

Errors carry a code (``rfq.*``) and parameters; the web layer says them in the user's words.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from tradebase.accounts.policy import Actor, may_post_requests
from tradebase.docking.models import BuyerRequest, Enquiry, Suspension
from tradebase.docking.terms import EnquiryOrigin, RequestStatus
from tradebase.errors import Conflict, Forbidden, InvalidInput, RateLimited
from tradebase.settings import get_settings

DAY = timedelta(hours=24)


def now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """``moment`` with its time zone (SQLite gives back naive UTC datetimes)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def is_suspended(session: Session, user_id: int | None) -> bool:
    if user_id is None:
        return False
    return session.scalar(
        select(Suspension.id).where(Suspension.user_id == user_id)) is not None


def check_may_post(session: Session, actor: Actor) -> None:
    """Refuse a suspended buyer (``may_post_requests``)."""
    if not may_post_requests(actor, suspended=is_suspended(session, actor.user_id)):
        raise Forbidden("your account is suspended from posting requests and enquiries",
                        code="rfq.suspended")


def check_open(request: BuyerRequest) -> None:
    """Refuse a change to a request that is closed, withdrawn, awarded or hidden."""
    if request.hidden_at is not None:
        raise Conflict(f"request {request.id} was hidden by a moderator", code="rfq.hidden",
                       params={"id": request.id})
    if request.status != RequestStatus.OPEN:
        raise Conflict(f"request {request.id} is {request.status}", field="status",
                       code="rfq.not_open", params={"id": request.id, "status": request.status})


def check_quotable(request: BuyerRequest) -> None:
    """Refuse a quote once the request is not open, or its deadline or expiry has passed."""
    check_open(request)
    today = now().date()
    if request.quote_deadline is not None and today > request.quote_deadline:
        raise Conflict(f"the quote deadline of request {request.id} has passed",
                       code="rfq.deadline_passed",
                       params={"date": request.quote_deadline.isoformat()})
    if request.expires_on is not None and today > request.expires_on:
        raise Conflict(f"request {request.id} has expired", code="rfq.expired",
                       params={"date": request.expires_on.isoformat()})


def _check_cap(
    session: Session, times: InstrumentedAttribute[datetime | None],
    where: ColumnElement[bool], limit: int, code: str, what: str,
) -> None:
    since = now() - DAY
    count, oldest = session.execute(
        select(func.count(), func.min(times)).where(where, times >= since)).one()
    if count >= limit:
        retry = int((aware(oldest) + DAY - now()).total_seconds()) + 1 if oldest else 3600
        raise RateLimited(f"at most {limit} {what} in 24 hours; try again later",
                          retry_after=max(retry, 1), code=code, params={"limit": limit})


def check_open_request_cap(session: Session, actor: Actor, limit: int | None) -> None:
    """At most ``limit`` open requests published by one buyer in any 24 hours
    (``TRADEBASE_OPEN_REQUESTS_PER_DAY`` when None)."""
    limit = get_settings().open_requests_per_day if limit is None else limit
    if actor.is_system:
        return
    _check_cap(session, BuyerRequest.published_at, BuyerRequest.buyer_id == actor.user_id,
               limit, "rfq.open_request_cap", "open requests")


def check_enquiry_cap(session: Session, actor: Actor, limit: int | None) -> None:
    """At most ``limit`` enquiries sent by one buyer to chosen enterprises in any 24 hours
    (``TRADEBASE_ENQUIRIES_PER_DAY`` when None; an open request's enquiries are bounded by
    the open-request cap)."""
    limit = get_settings().enquiries_per_day if limit is None else limit
    if actor.is_system:
        return
    mine = Enquiry.request_id.in_(
        select(BuyerRequest.id).where(BuyerRequest.buyer_id == actor.user_id))
    _check_cap(session, Enquiry.sent_at, mine & (Enquiry.origin == EnquiryOrigin.CHOSEN),
               limit, "rfq.enquiry_cap", "enquiries")


def check_future(field: str, value: date | None) -> None:
    """A deadline or expiry date the buyer sets must not be in the past."""
    if value is not None and value < now().date():
        raise InvalidInput(f"{field}: the date is in the past", field=field,
                           code="rfq.date_past", params={"date": value.isoformat()})


__all__ = [
    "DAY", "aware", "check_enquiry_cap", "check_future", "check_may_post", "check_open",
    "check_open_request_cap", "check_quotable", "is_suspended", "now",
]
