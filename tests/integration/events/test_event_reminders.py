"""Events' reminders through ``tradebase reminders send``'s service: a meeting request left
unanswered for N days reminds the recipient's side, the day before the event reminds every
approved registration's side — each once, however often the command runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise
from tradebase.accounts.models import User
from tradebase.events.models import Event, EventBase, MeetingRequest, Registration
from tradebase.notifications.models import Notification
from tradebase.reminders.service import send_reminders

TODAY = date(2031, 6, 9)  # far from the demo data's dates


def _kinds(session: Session, email: str) -> list[str]:
    user = session.scalars(select(User).where(User.email == email)).one()
    return sorted(n.kind for n in session.scalars(
        select(Notification).where(Notification.user_id == user.id)))


def test_meeting_and_eve_reminders_once(session: Session, tokens: dict[str, str]) -> None:
    anxi, works = anxi_and_member_enterprise(session)
    buyer = session.scalars(select(User).where(User.email == "buyer@example.com")).one()
    event = Event(kind="docking_day", title_en="Reminder day", status="open", published=True,
                  starts_on=TODAY + timedelta(days=1), ends_on=TODAY + timedelta(days=1),
                  base_rows=[EventBase(base_id=anxi.id)])
    session.add(event)
    session.flush()
    enterprise = Registration(event_id=event.id, kind="enterprise", enterprise_id=works.id,
                              status="approved", attendees=[], offers=[], seeks=[])
    shopper = Registration(event_id=event.id, kind="buyer", organisation=buyer.organisation,
                           registered_by=buyer.id, status="approved", attendees=[],
                           offers=[], seeks=[])
    session.add_all([enterprise, shopper])
    session.flush()
    old = datetime.combine(TODAY - timedelta(days=5), datetime.min.time(), tzinfo=UTC)
    waiting = MeetingRequest(event_id=event.id, requester_id=shopper.id,
                             recipient_id=enterprise.id, status="requested", created_at=old)
    fresh = MeetingRequest(event_id=event.id, requester_id=enterprise.id,
                           recipient_id=shopper.id, status="requested",
                           created_at=datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC))
    session.add_all([waiting, fresh])
    session.flush()

    first = send_reminders(session=session, today=TODAY)
    keys = {line.key for line in first.sent}
    assert f"meeting-unanswered:{waiting.id}" in keys
    assert f"meeting-unanswered:{fresh.id}" not in keys  # asked today: not yet
    assert {f"event-tomorrow:{event.id}:{enterprise.id}",
            f"event-tomorrow:{event.id}:{shopper.id}"} <= keys
    assert _kinds(session, "enterprise@example.com").count("meeting_unanswered") == 1
    assert "event_tomorrow" in _kinds(session, "buyer@example.com")
    assert "meeting_unanswered" not in _kinds(session, "buyer@example.com")

    again = send_reminders(session=session, today=TODAY)
    assert not {line.key for line in again.sent} & keys
    assert _kinds(session, "enterprise@example.com").count("meeting_unanswered") == 1
