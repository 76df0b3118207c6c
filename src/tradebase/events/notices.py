"""Who is told what when a meeting request moves on: one call from each function of
``meetings.py`` after its flush (requested, accepted or declined, withdrawn), and when a
registration is decided (approved, waitlisted, declined: ``registrations.py``, once per
change of its status) or cancelled or declined with meeting requests still open (the other
side of each is told that it was withdrawn, once: a withdrawn request is not withdrawn
again). The acting user is never told of its own step; the other side's members are. Also
who a registration's party is, as users (``party_users``), for the reminders."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.models import User
from tradebase.events.models import Event, MeetingRequest, Registration
from tradebase.notifications.kinds import Kind
from tradebase.notifications.service import enterprise_members, notify


def party_users(session: Session, registration: Registration) -> list[int]:
    """The active users who speak for a registration: its enterprise's members, or the buyer
    who registered it and the other buyers of its organisation."""
    if registration.enterprise_id is not None:
        return enterprise_members(session=session, enterprise_ids=[registration.enterprise_id])
    ids = {registration.registered_by} if registration.registered_by is not None else set()
    if registration.organisation:
        ids |= set(session.scalars(select(User.id).where(
            User.role == "buyer", User.organisation == registration.organisation,
            User.is_active)))
    return sorted(ids)


def _others(session: Session, user_ids: Iterable[int]) -> list[int]:
    me = current_actor(session).user_id
    return [uid for uid in user_ids if uid != me]


def names(key: str, registration: Registration) -> dict[str, str]:
    """A party's name as notification parameters: ``key`` (the stored spelling) and
    ``key_zh``, ``key_en``, said in the reader's language by the inbox."""
    return {key: registration.name, f"{key}_zh": registration.name_zh,
            f"{key}_en": registration.name_en}


def params_of(request: MeetingRequest) -> dict[str, Any]:
    return {"meeting_request_id": request.id, "event_id": request.event_id,
            **names("requester", request.requester), **names("recipient", request.recipient),
            "status": request.status}


def link_of(request: MeetingRequest) -> str:
    return f"/events/{request.event_id}/meetings#request-{request.id}"


def _tell(session: Session, registration: Registration, kind: Kind,
          request: MeetingRequest) -> None:
    notify(session=session, user_ids=_others(session, party_users(session, registration)),
           kind=kind, params=params_of(request), link=link_of(request))


def requested(*, session: Session, request: MeetingRequest) -> None:
    """The recipient: a participant asks it for a meeting."""
    session.flush()
    _tell(session, request.recipient, Kind.MEETING_REQUESTED, request)


def answered(*, session: Session, request: MeetingRequest) -> None:
    """The requester: its request was accepted (perhaps automatically) or declined."""
    _tell(session, request.requester, Kind.MEETING_ANSWERED, request)


def withdrawn(*, session: Session, request: MeetingRequest) -> None:
    """The recipient: the requester withdrew its request (or cancelled the meeting)."""
    _tell(session, request.recipient, Kind.MEETING_WITHDRAWN, request)


def scheduled(*, session: Session, registration: Registration, params: Mapping[str, Any],
              link: str) -> None:
    """One side of a meeting the organisers published (or moved): when, where, with whom."""
    notify(session=session, user_ids=_others(session, party_users(session, registration)),
           kind=Kind.MEETING_SCHEDULED, params=params, link=link)


def cancelled(*, session: Session, registration: Registration, params: Mapping[str, Any],
              link: str) -> None:
    """One side of a published meeting that a new schedule dropped."""
    notify(session=session, user_ids=_others(session, party_users(session, registration)),
           kind=Kind.MEETING_CANCELLED, params=params, link=link)


def decided(*, session: Session, event: Event, registration: Registration) -> None:
    """The registration's side: the organisers approved it (or a place came free), put it
    on the waiting list, or declined it. Called only when its status changed."""
    notify(session=session, user_ids=_others(session, party_users(session, registration)),
           kind=Kind.REGISTRATION_DECIDED,
           params={"event_id": event.id, "registration_id": registration.id,
                   "title_zh": event.title_zh, "title_en": event.title_en,
                   "status": registration.status, **names("party", registration)},
           link=f"/events/{event.id}")


def withdrawn_with(*, session: Session, request: MeetingRequest, registration: Registration,
                   cause: str) -> None:
    """The other side of an open request that ``registration`` had: the request is withdrawn
    because that registration was cancelled by its side or declined (``cause``)."""
    other = request.recipient if request.requester_id == registration.id else request.requester
    notify(session=session, user_ids=_others(session, party_users(session, other)),
           kind=Kind.MEETING_WITHDRAWN,
           params={**params_of(request), "cause": cause, **names("party", registration)},
           link=link_of(request))
