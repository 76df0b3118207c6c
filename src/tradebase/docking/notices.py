"""Who is told what when docking moves on: one call from each service function of
``service.py`` and ``rfq.py`` after its flush (the enquiry sent, answered or declined, an
intention proposed, an order moved on; a request edited, closed, withdrawn, published as an
open request or awarded). The acting user is never told of its own step."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.docking.models import BuyerRequest, CooperationIntention, DockingOrder, Enquiry
from tradebase.docking.schemas import EnquiryStatus
from tradebase.notifications.kinds import Kind
from tradebase.notifications.service import enterprise_members, notify

SNIPPET = 120


def snippet(text: str) -> str:
    """The start of a request's text, for a one-line notification."""
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


def _others(session: Session, user_ids: Iterable[int | None]) -> list[int]:
    me = current_actor(session).user_id
    return [uid for uid in user_ids if uid is not None and uid != me]


def _enterprise(enquiry: Enquiry) -> dict[str, Any]:
    return {"enterprise_id": enquiry.enterprise_id, "enterprise_zh": enquiry.enterprise.name_zh,
            "enterprise_en": enquiry.enterprise.name_en}


def _members(session: Session, enquiry: Enquiry) -> list[int]:
    return enterprise_members(session=session, enterprise_ids=[enquiry.enterprise_id])


def _link(enquiry: Enquiry) -> str:
    return f"/docking/enquiries/{enquiry.id}"


def enquiry_sent(*, session: Session, enquiry: Enquiry) -> None:
    """The enterprise's members: a buyer sent them a request."""
    session.flush()  # the enquiry has its id
    notify(session=session, user_ids=_others(session, _members(session, enquiry)),
           kind=Kind.ENQUIRY_RECEIVED,
           params={"enquiry_id": enquiry.id, "request_id": enquiry.request_id,
                   "text": snippet(enquiry.request.text), **_enterprise(enquiry)},
           link=_link(enquiry))


def enquiry_answered(*, session: Session, enquiry: Enquiry) -> None:
    """The buyer: the enterprise quoted (``answered``) or declined."""
    notify(session=session, user_ids=_others(session, [enquiry.request.buyer_id]),
           kind=Kind.ENQUIRY_ANSWERED,
           params={"enquiry_id": enquiry.id, "request_id": enquiry.request_id,
                   "status": str(enquiry.status), "price": enquiry.quote_price,
                   "currency": enquiry.quote_currency, **_enterprise(enquiry)},
           link=_link(enquiry))


def intention_proposed(*, session: Session, intention: CooperationIntention) -> None:
    """The other side of the enquiry: an intention waits for its acceptance."""
    enquiry = intention.enquiry
    receivers = ([enquiry.request.buyer_id] if intention.proposed_by == "enterprise"
                 else _members(session, enquiry))
    notify(session=session, user_ids=_others(session, receivers), kind=Kind.INTENTION_PROPOSED,
           params={"intention_id": intention.id, "enquiry_id": enquiry.id,
                   "proposed_by": intention.proposed_by, "quantity": intention.quantity,
                   "unit": intention.unit, "value": intention.value,
                   "currency": intention.currency, **_enterprise(enquiry)},
           link=_link(enquiry))


def order_changed(*, session: Session, order: DockingOrder) -> None:
    """Both sides but the one who moved it: the order's new status."""
    enquiry = order.intention.enquiry
    receivers = [enquiry.request.buyer_id, *_members(session, enquiry)]
    notify(session=session, user_ids=_others(session, receivers), kind=Kind.ORDER_STATUS,
           params={"order_id": order.id, "enquiry_id": enquiry.id, "status": str(order.status),
                   **_enterprise(enquiry)},
           link=_link(enquiry))


def _told_of_changes(request: BuyerRequest) -> list[Enquiry]:
    """The enquiries whose enterprise saw the request: sent, answered or declined (a
    shortlisted one never left the buyer)."""
    return [e for e in request.enquiries if e.status != EnquiryStatus.SHORTLISTED]


def _tell_enterprise(session: Session, enquiry: Enquiry, kind: Kind,
                     params: dict[str, Any]) -> None:
    notify(session=session, user_ids=_others(session, _members(session, enquiry)), kind=kind,
           params={"enquiry_id": enquiry.id, "request_id": enquiry.request_id,
                   "text": snippet(enquiry.request.text), **params, **_enterprise(enquiry)},
           link=_link(enquiry))


def request_changed(*, session: Session, request: BuyerRequest, change: str) -> None:
    """Each enterprise the request went to: the buyer edited, closed or withdrew it."""
    for enquiry in _told_of_changes(request):
        _tell_enterprise(session, enquiry, Kind.REQUEST_CHANGED, {"change": change})


def request_published(*, session: Session, enquiries: Iterable[Enquiry]) -> None:
    """Each enterprise an open request reached: it fits their catalog and they may quote."""
    session.flush()  # new enquiries have their ids
    for enquiry in enquiries:
        _tell_enterprise(session, enquiry, Kind.REQUEST_MATCHED, {"sku": enquiry.sku})


def quote_accepted(*, session: Session, enquiry: Enquiry) -> None:
    """The enterprise whose quote was accepted; every other one that quoted learns that the
    request went to another factory (never to whom)."""
    _tell_enterprise(session, enquiry, Kind.QUOTE_ACCEPTED,
                     {"price": enquiry.quote_price, "currency": enquiry.quote_currency})
    for other in enquiry.request.enquiries:
        if other.id != enquiry.id and other.status == EnquiryStatus.ANSWERED:
            _tell_enterprise(session, other, Kind.REQUEST_CHANGED, {"change": "awarded"})
