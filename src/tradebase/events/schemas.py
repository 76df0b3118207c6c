"""Pydantic schemas of events (API in and out): events and their slot plan, registrations,
suggestions and meeting requests. Output schemas carry only what their reader may see: a
meeting request's private notes are in ``MeetingRequestOut.my_note``, filled for the note's
own side only."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any

import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tradebase.events.slots import parse_clock, slot_times

Title = Annotated[str, Field(max_length=300)]
Line = Annotated[str, Field(max_length=300)]
Long = Annotated[str, Field(max_length=5000)]
Note = Annotated[str, Field(max_length=2000)]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
Positive = Annotated[int, Field(ge=1, le=100_000)]
Priority = Annotated[int, Field(ge=1, le=5)]
Money = Annotated[float, Field(ge=0, le=1e15, allow_inf_nan=False)]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}$", description="ISO 639-1, e.g. zh")]
SlotIndex = Annotated[int, Field(ge=0, le=999)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. CNY")]


class EventKind(StrEnum):
    DOCKING_DAY = "docking_day"
    EXHIBITION = "exhibition"
    FESTIVAL = "festival"
    COMPETITION = "competition"
    CAMPAIGN = "campaign"


class EventStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    HELD = "held"
    CANCELLED = "cancelled"


class OverCapacity(StrEnum):
    WAITLIST = "waitlist"  # approvals past the capacity wait for a free place
    REFUSE = "refuse"  # registrations past the capacity are refused with an error


class PartyKind(StrEnum):
    ENTERPRISE = "enterprise"
    BUYER = "buyer"


class RegistrationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class MeetingStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


def _country(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise PydanticCustomError("events.country", "{value} is not an ISO 3166 alpha-2 "
                                  "country code", {"value": value})
    return code


def _timezone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise PydanticCustomError("events.timezone", "{value} is not an IANA time zone "
                                  "such as Asia/Shanghai", {"value": value}) from exc
    return value


class Session(BaseModel):
    """A run of slots (a morning, an afternoon) and the break after it."""

    model_config = ConfigDict(extra="forbid")

    slots: Positive
    break_after: Annotated[int, Field(ge=0, le=24 * 60)] = 0


class SlotPlan(BaseModel):
    """How a docking day is cut into meeting slots, and how many meetings at once."""

    model_config = ConfigDict(extra="forbid")

    slot_minutes: Annotated[int, Field(ge=5, le=240)]
    day_start: Annotated[str, Field(pattern=r"^\d{2}:\d{2}$", examples=["09:00"])]
    sessions: Annotated[list[Session], Field(min_length=1, max_length=10)]
    tables: Positive

    @model_validator(mode="after")
    def _fits_the_day(self) -> SlotPlan:
        try:
            parse_clock(self.day_start)
            slot_times(self.day_start, self.slot_minutes,
                       [s.model_dump() for s in self.sessions])
        except ValueError as exc:
            raise PydanticCustomError("events.slot_plan", "{reason}",
                                      {"reason": str(exc)}) from exc
        return self


class EventFields(BaseModel):
    """What an event's organisers set (every field optional on a change)."""

    model_config = ConfigDict(extra="forbid")

    title_zh: Title | None = None
    title_en: Title | None = None
    description_zh: Long | None = None
    description_en: Long | None = None
    place: Line | None = None
    city: Annotated[str, Field(max_length=120)] | None = None
    country: str | None = Field(None, description="ISO 3166 alpha-2")
    starts_on: date | None = None
    ends_on: date | None = None
    timezone: str | None = Field(None, description="IANA time zone, e.g. Europe/Berlin")
    languages: Annotated[list[Language], Field(max_length=12)] | None = None
    capacity: Positive | None = None
    over_capacity: OverCapacity | None = None
    registration_deadline: date | None = None
    status: EventStatus | None = None
    published: bool | None = None
    parent_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    auto_accept: bool | None = None
    max_requests: Positive | None = None
    max_meetings: Positive | None = None
    slot_plan: SlotPlan | None = None
    visitors: Count | None = None
    value: Money | None = None
    currency: Currency | None = None
    target_text: Long | None = None
    target_cities: Count | None = None
    target_countries: Count | None = None
    target_visitors: Count | None = None
    target_value: Money | None = None
    geonameid: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(
        None, description="The city's GeoNames id, to choose among namesakes on the campaign "
                          "map (GET /api/v1/events/{campaign}/map lists them)")

    @field_validator("country")
    @classmethod
    def _check_country(cls, value: str | None) -> str | None:
        return _country(value)

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str | None) -> str | None:
        return _timezone(value)

    @model_validator(mode="after")
    def _dates_in_order(self) -> EventFields:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise PydanticCustomError("events.dates", "the event ends before it starts", {})
        return self


class EventCreate(EventFields):
    kind: EventKind
    base_ids: Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]],
                        Field(min_length=1, max_length=20)]

    @model_validator(mode="after")
    def _titled(self) -> EventCreate:
        if not (self.title_zh or self.title_en):
            raise PydanticCustomError("events.title", "an event needs a title in Chinese or "
                                      "English", {})
        return self


class EventUpdate(EventFields):
    base_ids: Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]],
                        Field(min_length=1, max_length=20)] | None = None


class SlotOut(BaseModel):
    index: int
    session: int
    start: time
    end: time


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: EventKind
    parent_id: int | None
    base_ids: list[int]
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    place: str
    city: str
    country: str | None
    abroad: bool
    starts_on: date | None
    ends_on: date | None
    timezone: str
    languages: list[str]
    capacity: int | None
    over_capacity: OverCapacity
    registration_deadline: date | None
    status: EventStatus
    published: bool
    auto_accept: bool
    max_requests: int | None
    max_meetings: int | None
    slot_minutes: int | None
    day_start: str | None
    sessions: list[dict[str, Any]]
    tables: int | None
    visitors: int | None
    value: float | None
    currency: str | None
    target_text: str
    target_cities: int | None
    target_countries: int | None
    target_visitors: int | None
    target_value: float | None
    geonameid: int | None
    version: int


class ProgressOut(BaseModel):
    """A campaign's progress, counted from its events (cancelled ones aside)."""

    campaign_id: int
    events: int
    cities: int
    countries: int
    visitors: int
    value: dict[str, float]
    city_list: list[str]
    country_list: list[str]
    target_text: str
    target_cities: int | None
    target_countries: int | None
    target_visitors: int | None
    target_value: float | None


# --- registrations -------------------------------------------------------------------------


class Attendee(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200)]
    role: Annotated[str, Field(max_length=200)] = ""
    languages: Annotated[list[Language], Field(max_length=10)] = []


class Offer(BaseModel):
    """What a registration offers (an enterprise's product) — or seeks (a buyer's need)."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(min_length=1, max_length=2000)]
    sku: Annotated[str, Field(max_length=80)] | None = None  # a catalog listing
    request_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None  # a docking request
    quantity: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class RegistrationFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    attendees: Annotated[list[Attendee], Field(max_length=20)] | None = None
    offers: Annotated[list[Offer], Field(max_length=50)] | None = None
    seeks: Annotated[list[Offer], Field(max_length=50)] | None = None
    available_slots: Annotated[list[SlotIndex], Field(max_length=1000)] | None = None
    booth: Annotated[str, Field(max_length=40)] | None = None


class RegistrationCreate(RegistrationFields):
    """Register an enterprise (``enterprise_id``) or the caller's buyer organisation
    (no ``enterprise_id``). Offers and seeks left out are prefilled: an enterprise's from
    its catalog, a buyer's from its open docking requests."""

    enterprise_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class RegistrationUpdate(RegistrationFields):
    cancel: bool = False


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool


class RegistrationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    kind: PartyKind
    enterprise_id: int | None
    organisation: str
    name: str
    attendees: list[Attendee]
    offers: list[Offer]
    seeks: list[Offer]
    available_slots: list[int] | None
    booth: str
    hall: str
    products_shown: list[int]
    status: RegistrationStatus
    created_at: datetime
    decided_at: datetime | None
    version: int


# --- suggestions ---------------------------------------------------------------------------


class ReasonOut(BaseModel):
    code: str
    params: dict[str, Any] = {}


class SuggestionOut(BaseModel):
    """A registered counterpart the docking engine finds for a registration: for a buyer,
    an enterprise whose listing fits one of its seeks; for an enterprise, a buyer whose seek
    its listing fills. ``request`` is the body that turns it into a meeting request."""

    registration_id: int
    counterpart_id: int
    counterpart_kind: PartyKind
    counterpart_name: str
    seek: str
    sku: str
    score: float
    reasons: list[str]
    reason_codes: list[ReasonOut]
    request: dict[str, Any]


# --- meeting requests ----------------------------------------------------------------------


class MeetingRequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_registration_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    to_registration_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    priority: Priority = 3
    message: Note = ""
    note: Note = ""  # private: the requesting side's only
    origin: Annotated[str, Field(pattern=r"^(chosen|suggested)$")] = "chosen"


class MeetingRequestUpdate(BaseModel):
    """Its side changes its own priority (the requester) or private note; an organiser
    overrides the priority (null: back to the requester's)."""

    model_config = ConfigDict(extra="forbid")

    priority: Priority | None = None
    note: Note | None = None
    organiser_priority: Priority | None = None
    clear_organiser_priority: bool = False


class MeetingRequestOut(BaseModel):
    id: int
    event_id: int
    requester_id: int
    requester_name: str
    recipient_id: int
    recipient_name: str
    status: MeetingStatus
    priority: int
    organiser_priority: int | None
    effective_priority: int
    origin: str
    message: str
    my_side: str | None  # "requester", "recipient" or None (organisers)
    my_note: str | None  # the caller's own side's private note; never the other side's
    created_at: datetime
    answered_at: datetime | None
    version: int
