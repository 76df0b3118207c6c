"""How an enterprise answers buyers: its response rate, its median response time, and
whether anybody can answer at all (an active user account).

Public on the enterprise page: counts and durations only, never whose enquiries they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import median

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from tradebase.accounts.models import User, UserEnterprise
from tradebase.docking.models import Enquiry
from tradebase.docking.schemas import EnquiryStatus


@dataclass(frozen=True, slots=True)
class Responsiveness:
    enterprise_id: int
    received: int  # enquiries sent to it
    answered: int  # of them answered or declined
    median_response: timedelta | None  # None: nothing answered yet
    has_active_user: bool  # False: nobody will answer on the platform

    @property
    def response_rate(self) -> float | None:
        """Answered (or declined) share of received enquiries; None when none received."""
        return self.answered / self.received if self.received else None

    @property
    def median_response_hours(self) -> float | None:
        if self.median_response is None:
            return None
        return self.median_response.total_seconds() / 3600


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite drops the zone


def responsiveness(*, session: Session, enterprise_id: int) -> Responsiveness:
    """The enterprise's answers to the enquiries it received (sent, not only shortlisted)."""
    rows = session.execute(
        select(Enquiry.sent_at, Enquiry.answered_at)
        .where(Enquiry.enterprise_id == enterprise_id,
               Enquiry.status != EnquiryStatus.SHORTLISTED)
    ).all()
    waits = [(_aware(answered) - _aware(sent)).total_seconds() for sent, answered in rows
             if sent is not None and answered is not None]
    active = session.scalar(select(exists().where(
        UserEnterprise.enterprise_id == enterprise_id, UserEnterprise.user_id == User.id,
        User.is_active)))
    return Responsiveness(
        enterprise_id=enterprise_id, received=len(rows),
        answered=sum(1 for _sent, answered in rows if answered is not None),
        median_response=timedelta(seconds=median(waits)) if waits else None,
        has_active_user=bool(active),
    )
