"""The kinds of notification, and whether each is mailed when the user chose nothing."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    ENQUIRY_RECEIVED = "enquiry_received"  # to the enterprise: a buyer sent it a request
    ENQUIRY_ANSWERED = "enquiry_answered"  # to the buyer: an enterprise quoted (or declined)
    INTENTION_PROPOSED = "intention_proposed"  # to the other side of the enquiry
    ORDER_STATUS = "order_status"  # to the other side: an order moved on
    REQUEST_MATCHED = "request_matched"  # to an enterprise: an open request fits its catalog
    ENQUIRY_UNANSWERED = "enquiry_unanswered"  # reminder to the enterprise
    CERTIFICATE_EXPIRING = "certificate_expiring"  # reminder to the enterprise
    REQUEST_CHANGED = "request_changed"  # to the enterprises asked: edited, closed, withdrawn
    QUOTE_ACCEPTED = "quote_accepted"  # to the enterprise whose quote the buyer accepted
    MESSAGE_RECEIVED = "message_received"  # to the other side: a message in an enquiry's thread
    MEETING_REQUESTED = "meeting_requested"  # to a participant: another asks for a meeting
    MEETING_ANSWERED = "meeting_answered"  # to the requester: accepted or declined
    MEETING_WITHDRAWN = "meeting_withdrawn"  # to the recipient: the requester withdrew
    MEETING_UNANSWERED = "meeting_unanswered"  # reminder to the recipient
    EVENT_TOMORROW = "event_tomorrow"  # reminder to a registered participant
    MEETING_SCHEDULED = "meeting_scheduled"  # to both sides: a published meeting, or moved
    MEETING_CANCELLED = "meeting_cancelled"  # to both sides: a published meeting dropped
    REGISTRATION_DECIDED = "registration_decided"  # to a participant: approved, waitlisted…


MAIL = "mail"
"""The mail channel's name, as preferences store it."""

# Mailed unless the user turned it off (the inbox always gets every kind).
MAILED_BY_DEFAULT: dict[Kind, bool] = {
    Kind.ENQUIRY_RECEIVED: True,
    Kind.ENQUIRY_ANSWERED: True,
    Kind.INTENTION_PROPOSED: True,
    Kind.ORDER_STATUS: True,
    Kind.REQUEST_MATCHED: False,  # can be many: the inbox only, unless asked for
    Kind.ENQUIRY_UNANSWERED: True,
    Kind.CERTIFICATE_EXPIRING: True,
    Kind.REQUEST_CHANGED: True,
    Kind.QUOTE_ACCEPTED: True,
    Kind.MESSAGE_RECEIVED: True,
    Kind.MEETING_REQUESTED: True,
    Kind.MEETING_ANSWERED: True,
    Kind.MEETING_WITHDRAWN: True,
    Kind.MEETING_UNANSWERED: True,
    Kind.EVENT_TOMORROW: True,
    Kind.MEETING_SCHEDULED: True,
    Kind.MEETING_CANCELLED: True,
    Kind.REGISTRATION_DECIDED: True,
}
