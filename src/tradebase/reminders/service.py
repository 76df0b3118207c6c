"""The reminders of the platform, each sent at most once (``tradebase reminders send``).

One run, in one transaction: apply the certification lapses to the matching index
(``registry.certificates.apply_lapses``), then find what is due — enquiries left unanswered
for N days, certifications that lapse soon, open requests that fit an enterprise's catalog —
and claim each reminder's key in ``sent_reminders`` before notifying. A key already claimed is
skipped, so a second run (even one running at the same time) sends nothing twice. A reminder
whose enterprise has no active user is not claimed: it goes out once someone can read it.

Events add theirs: meeting requests left unanswered for N days (to the recipient's side), and
the day before an event (to each approved registration's side).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, false, select
from sqlalchemy.orm import Session

from tradebase.docking import service as docking
from tradebase.docking.index_store import ListingIndex
from tradebase.docking.models import BuyerRequest, Enquiry
from tradebase.docking.notices import snippet
from tradebase.docking.schemas import EnquiryStatus
from tradebase.events import notices as event_notices
from tradebase.events.models import Event, MeetingRequest, Registration
from tradebase.events.schemas import EventStatus, MeetingStatus, RegistrationStatus
from tradebase.notifications.kinds import Kind
from tradebase.notifications.models import SentReminder
from tradebase.notifications.service import (
    claim_reminder,
    enterprise_members,
    notify,
    record_recipients,
)
from tradebase.registry.certificates import apply_lapses, expiring
from tradebase.registry.models import Enterprise

UNANSWERED_AFTER_DAYS = 3
CERTIFICATE_DAYS = 30
MATCHES_PER_REQUEST = 10
OPEN_REQUEST_DAYS = 14  # requests older than this are not offered to new enterprises


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder that is due: sent once under ``key``."""

    key: str
    kind: Kind
    user_ids: tuple[int, ...]
    params: dict[str, Any]
    link: str


@dataclass(frozen=True, slots=True)
class SentLine:
    key: str
    kind: Kind
    recipients: int


@dataclass
class RemindersReport:
    lapsed_listings: int = 0
    sent: list[SentLine] = field(default_factory=list)
    already_sent: int = 0
    nobody_to_tell: int = 0


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _names(session: Session, enterprise_ids: set[int]) -> dict[int, tuple[str, str]]:
    if not enterprise_ids:
        return {}
    return {eid: (zh, en) for eid, zh, en in session.execute(
        select(Enterprise.id, Enterprise.name_zh, Enterprise.name_en)
        .where(Enterprise.id.in_(sorted(enterprise_ids))))}


def _members(session: Session, enterprise_id: int) -> tuple[int, ...]:
    return tuple(enterprise_members(session=session, enterprise_ids=[enterprise_id]))


def unanswered_enquiries(*, session: Session, today: date, after_days: int) -> list[Reminder]:
    """Enquiries sent at least ``after_days`` before ``today`` and not answered: their
    enterprise's members are reminded once per enquiry."""
    cutoff = _start_of(today - timedelta(days=after_days - 1))
    enquiries = list(session.scalars(
        select(Enquiry).where(Enquiry.status == EnquiryStatus.SENT, Enquiry.sent_at < cutoff)
        .order_by(Enquiry.id)))
    return [
        Reminder(
            key=f"enquiry-unanswered:{enquiry.id}", kind=Kind.ENQUIRY_UNANSWERED,
            user_ids=_members(session, enquiry.enterprise_id),
            params={"enquiry_id": enquiry.id, "request_id": enquiry.request_id,
                    "days": after_days, "text": snippet(enquiry.request.text),
                    "enterprise_id": enquiry.enterprise_id,
                    "enterprise_zh": enquiry.enterprise.name_zh,
                    "enterprise_en": enquiry.enterprise.name_en},
            link=f"/docking/enquiries/{enquiry.id}",
        )
        for enquiry in enquiries
    ]


def expiring_certificates(*, session: Session, today: date, within_days: int
                          ) -> list[Reminder]:
    """Certifications lapsing within ``within_days``: the enterprise's members, once per
    certificate and expiry date (a renewed one is reminded again before its own expiry)."""
    found = expiring(session, today=today, within_days=within_days)
    names = _names(session, {c.enterprise_id for c in found})
    return [
        Reminder(
            key=certificate.reminder_key, kind=Kind.CERTIFICATE_EXPIRING,
            user_ids=_members(session, certificate.enterprise_id),
            params={"enterprise_id": certificate.enterprise_id,
                    "enterprise_zh": names.get(certificate.enterprise_id, ("", ""))[0],
                    "enterprise_en": names.get(certificate.enterprise_id, ("", ""))[1],
                    "code": certificate.code, "valid_until": certificate.valid_until.isoformat(),
                    "sku": certificate.product_sku,
                    "days": (certificate.valid_until - today).days},
            link=f"/enterprises/{certificate.enterprise_id}",
        )
        for certificate in found
    ]


def matching_requests(*, session: Session, index: ListingIndex, today: date,
                      top_k: int = MATCHES_PER_REQUEST) -> list[Reminder]:
    """Open requests of the last ``OPEN_REQUEST_DAYS`` days that fit an enterprise's
    catalog, for the enterprises the buyer has not contacted yet (once per request and
    enterprise)."""
    since = _start_of(today - timedelta(days=OPEN_REQUEST_DAYS))
    requests = list(session.scalars(
        select(BuyerRequest).where(BuyerRequest.status == "open",
                                   BuyerRequest.created_at >= since)
        .order_by(BuyerRequest.id)))
    due: list[Reminder] = []
    for request in requests:
        contacted = {e.enterprise_id for e in request.enquiries}
        candidates = docking.match(session=session, index=index,
                                   request=docking.engine_request(request), top_k=top_k)
        fitting = {c.enterprise_id: c for c in candidates
                   if c.enterprise_id is not None and c.enterprise_id not in contacted}
        names = _names(session, set(fitting))
        for enterprise_id, candidate in sorted(fitting.items()):
            due.append(Reminder(
                key=f"request-match:{request.id}:{enterprise_id}", kind=Kind.REQUEST_MATCHED,
                user_ids=_members(session, enterprise_id),
                params={"request_id": request.id, "text": snippet(request.text),
                        "sku": candidate.result.sku, "enterprise_id": enterprise_id,
                        "enterprise_zh": names.get(enterprise_id, ("", ""))[0],
                        "enterprise_en": names.get(enterprise_id, ("", ""))[1]},
                link=f"/docking/requests/{request.id}",
            ))
    return due


def unanswered_meetings(*, session: Session, today: date, after_days: int) -> list[Reminder]:
    """Meeting requests waiting at least ``after_days`` for an answer, at events not held,
    cancelled or past: the recipient's side is reminded once per request."""
    cutoff = _start_of(today - timedelta(days=after_days - 1))
    requests = list(session.scalars(
        select(MeetingRequest).join(Event, Event.id == MeetingRequest.event_id)
        .where(MeetingRequest.status == MeetingStatus.REQUESTED.value,
               MeetingRequest.created_at < cutoff,
               Event.status.in_((EventStatus.OPEN.value, EventStatus.CLOSED.value)),
               (Event.ends_on.is_(None)) | (Event.ends_on >= today))
        .order_by(MeetingRequest.id)))
    return [
        Reminder(key=f"meeting-unanswered:{request.id}", kind=Kind.MEETING_UNANSWERED,
                 user_ids=tuple(event_notices.party_users(session, request.recipient)),
                 params={**event_notices.params_of(request), "days": after_days},
                 link=event_notices.link_of(request))
        for request in requests
    ]


def events_tomorrow(*, session: Session, today: date) -> list[Reminder]:
    """Each approved registration of an event that starts the day after ``today``: once per
    event and registration."""
    tomorrow = today + timedelta(days=1)
    rows = session.execute(
        select(Event, Registration).join(Registration, Registration.event_id == Event.id)
        .where(Event.starts_on == tomorrow,
               Event.status.in_((EventStatus.OPEN.value, EventStatus.CLOSED.value)),
               Registration.status == RegistrationStatus.APPROVED.value)
        .order_by(Event.id, Registration.id)).all()
    return [
        Reminder(key=f"event-tomorrow:{event.id}:{registration.id}", kind=Kind.EVENT_TOMORROW,
                 user_ids=tuple(event_notices.party_users(session, registration)),
                 params={"event_id": event.id, "title_zh": event.title_zh,
                         "title_en": event.title_en, "starts_on": tomorrow.isoformat(),
                         "place": event.place, "city": event.city,
                         "registration_id": registration.id},
                 link=f"/events/{event.id}")
        for event, registration in rows
    ]


def due_reminders(*, session: Session, today: date, unanswered_after_days: int,
                  certificate_days: int, index: ListingIndex | None) -> list[Reminder]:
    """Every reminder due on ``today``, sent or not (``send_reminders`` skips the sent)."""
    due = [*unanswered_enquiries(session=session, today=today, after_days=unanswered_after_days),
           *expiring_certificates(session=session, today=today, within_days=certificate_days),
           *unanswered_meetings(session=session, today=today, after_days=unanswered_after_days),
           *events_tomorrow(session=session, today=today)]
    if index is not None:
        due += matching_requests(session=session, index=index, today=today)
    return due


def _writer_first(session: Session) -> None:
    """On SQLite, become the writer before reading anything: a run that read first and
    wrote later could not wait for another run's commit (its snapshot would be stale) and
    would fail; as the first statement, a write waits (busy_timeout) and then reads what the
    other run committed. PostgreSQL needs nothing: a claim waits on the other's key."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(delete(SentReminder).where(false()))


def send_reminders(
    *, session: Session, today: date, unanswered_after_days: int = UNANSWERED_AFTER_DAYS,
    certificate_days: int = CERTIFICATE_DAYS, index: ListingIndex | None = None,
) -> RemindersReport:
    """Apply certification lapses, then send each due reminder that was never sent."""
    _writer_first(session)
    report = RemindersReport(lapsed_listings=apply_lapses(session, today=today))
    due = due_reminders(session=session, today=today,
                        unanswered_after_days=unanswered_after_days,
                        certificate_days=certificate_days, index=index)
    for reminder in sorted(due, key=lambda r: r.key):  # one order: concurrent runs never deadlock
        if not reminder.user_ids:
            report.nobody_to_tell += 1
            continue
        if not claim_reminder(session=session, key=reminder.key, kind=reminder.kind):
            report.already_sent += 1
            continue
        told = notify(session=session, user_ids=reminder.user_ids, kind=reminder.kind,
                      params=reminder.params, link=reminder.link)
        record_recipients(session=session, key=reminder.key, recipients=told)
        report.sent.append(SentLine(key=reminder.key, kind=reminder.kind, recipients=told))
    return report
