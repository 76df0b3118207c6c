"""Pydantic schemas of the request-for-quotation workflow (API in and out)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tradebase.docking.schemas import (
    AttachmentOut,
    Cert,
    ChangeOut,
    Country,
    Currency,
    Days,
    EnquiryOut,
    Money,
    Note,
    Quantity,
    RequestTerms,
    Text,
    Unit,
    _upper,
)
from tradebase.docking.terms import Incoterm, Packaging, PaymentTerms, Samples

Reason = Annotated[str, Field(max_length=2000)]


class RequestEdit(BaseModel):
    """A change to a request: only the fields given change (the rest stay as they are)."""

    model_config = ConfigDict(extra="forbid")

    text: Text | None = None
    quantity: Quantity | None = None
    unit: Unit | None = None
    destination: Country | None = None
    wanted_by: date | None = None
    max_lead_time_days: Days | None = None
    certifications: list[Cert] | None = Field(None, max_length=20)
    target_price: Money | None = None
    currency: Currency | None = None
    incoterm: Incoterm | None = None
    incoterm_place: Annotated[str, Field(max_length=200)] | None = None
    payment_terms: PaymentTerms | None = None
    payment_note: Note | None = None
    packaging: Packaging | None = None
    packaging_note: Note | None = None
    samples: Samples | None = None
    quote_deadline: date | None = None
    expires_on: date | None = None
    anonymous_until_accepted: bool | None = None

    _up = field_validator("destination", "currency")(_upper)
    _up_terms = field_validator("incoterm", mode="before")(_upper)

    def changes(self) -> dict[str, object]:
        """The fields given, with their new values (None clears an optional field)."""
        return {name: getattr(self, name) for name in sorted(self.model_fields_set)}


class QuoteShortlist(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shortlisted: bool = True


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason = ""


class QuoteOut(BaseModel):
    """A row of the comparison of a request's quotes (its buyer's view)."""

    enquiry_id: int
    enterprise_id: int
    enterprise: str
    price: float | None
    currency: str | None
    incoterm: str | None
    landed_price: float | None
    landed_basis: str  # terms.Landed: landed, duty_excluded, none
    moq: int | None
    lead_time_days: int | None
    valid_until: date | None
    note: str
    shortlisted: bool
    accepted: bool
    status: str


class OpenRequestOut(BaseModel):
    """What publishing an open request did: the enterprises it reached."""

    request_id: int
    published_at: datetime
    enterprise_ids: list[int]
    enquiries: list[EnquiryOut]


__all__ = [
    "AttachmentOut", "ChangeOut", "OpenRequestOut", "QuoteOut", "QuoteShortlist",
    "ReportIn", "RequestEdit", "RequestTerms",
]
