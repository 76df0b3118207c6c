"""Outcomes of an event's meetings in and out: what a held meeting produced, the intention
it signed (the docking workflow's), its follow-up, and the event's totals."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from tradebase.docking.schemas import Currency, Money, Quantity, Unit


class OutcomeResult(StrEnum):
    """What a held meeting produced."""

    NO_INTEREST = "no_interest"
    FOLLOW_UP = "follow_up"  # they will talk again
    SAMPLE_ORDER = "sample_order"
    INTENTION = "intention"  # a cooperation intention signed (``intention_id``)


class FollowUpStage(StrEnum):
    """How the meeting went on, asked some months later; in this order."""

    NO_CONTACT = "no_contact"
    NEGOTIATION = "negotiation"
    CONTRACT = "contract"
    ORDER = "order"


STAGES = tuple(FollowUpStage)
Note = Annotated[str, Field(max_length=2000)]


class IntentionTerms(BaseModel):
    """The cooperation intention signed at the meeting, stored as the docking workflow's
    intention. ``supplier_registration_id``: which side supplies, needed only when both
    sides are enterprises (otherwise the enterprise side)."""

    model_config = ConfigDict(extra="forbid")

    quantity: Quantity
    unit: Unit = "pcs"
    value: Money
    currency: Currency
    supplier_registration_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class OutcomeRecord(BaseModel):
    """Record (or change) a meeting's outcome; ``intention`` exactly when the result is
    ``intention``."""

    model_config = ConfigDict(extra="forbid")

    result: OutcomeResult
    note: Note = ""
    intention: IntentionTerms | None = None


class FollowUpRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: FollowUpStage
    note: Note = ""


class LinkedIntentionOut(BaseModel):
    """The docking intention an outcome links to, as the docking API shows it
    (``/api/v1/docking/intentions/{id}``), with its order's status."""

    id: int
    enquiry_id: int
    quantity: int
    unit: str
    value: float
    currency: str
    status: str
    order_status: str | None


class OutcomeOut(BaseModel):
    id: int
    meeting_id: int
    event_id: int
    requester_name: str
    recipient_name: str
    result: OutcomeResult
    note: str
    intention: LinkedIntentionOut | None
    follow_up: FollowUpStage | None  # as recorded, or as far as the docking order went
    follow_up_note: str
    recorded_at: datetime
    followed_up_at: datetime | None
    version: int


class FigureOut(BaseModel):
    """An indicator fact stating one of the event's totals (``basis``: ``counted`` by the
    platform from the recorded outcomes, or ``published`` by the organisers or the press)."""

    fact_id: int
    basis: str
    metric: str
    value: float
    unit: str | None
    currency: str | None
    qualifier: str | None
    source_id: str | None
    source_title: str


class TotalsOut(BaseModel):
    event_id: int
    published: bool  # the organisers published the totals
    meetings_scheduled: int
    meetings_held: int  # meetings with an outcome recorded
    results: dict[str, int]
    intentions: int
    companies: int
    quantity: dict[str, int]  # by unit
    value: dict[str, float]  # by currency
    contracts: int
    orders: int
    figures: list[FigureOut]


__all__ = [
    "STAGES", "FigureOut", "FollowUpRecord", "FollowUpStage", "IntentionTerms",
    "LinkedIntentionOut", "OutcomeOut", "OutcomeRecord", "OutcomeResult", "TotalsOut",
]
