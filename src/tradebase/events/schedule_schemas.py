"""API out of a docking day's schedule: its meetings, the scheduler's run (bound and gap)
and a participant's agenda (``events/scheduling.py``)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Literal

from pydantic import BaseModel


class ScheduledMeetingOut(BaseModel):
    id: int
    event_id: int
    meeting_request_id: int
    requester_id: int
    requester_name: str
    recipient_id: int
    recipient_name: str
    slot: int
    table: int  # from 0, like the scheduler's file contract
    status: Literal["draft", "published", "cancelled"]
    start: time | None
    end: time | None
    version: int


class ScheduleRunOut(BaseModel):
    event_id: int
    status: Literal["optimal", "feasible"]  # the engine's: optimal when proven
    meetings: int
    upper_bound: int  # proven: no schedule has more meetings
    gap: float  # 1 − meetings / upper_bound
    total_priority: int
    reason: str | None
    ran_at: datetime
    published_at: datetime | None
    draft: list[ScheduledMeetingOut]


class PublishOut(BaseModel):
    event_id: int
    published: int  # new or moved meetings published
    cancelled: int  # published meetings dropped
    unchanged: int
    meetings: list[ScheduledMeetingOut]  # the published schedule now


class AgendaItemOut(BaseModel):
    meeting_id: int
    slot: int
    start: time | None
    end: time | None
    table: int  # from 0
    place: str
    registration_id: int  # the caller's registration
    counterpart_id: int
    counterpart_name: str
    meeting_request_id: int
