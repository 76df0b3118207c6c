"""Pydantic schemas of docking (API in and out) and the reader of query files (CLI contract)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tradebase.docking.records import MatchRequest
from tradebase.docking.terms import (
    Incoterm,
    Packaging,
    PaymentTerms,
    Samples,
    TermsProblem,
    dates_problem,
    price_problem,
)
from tradebase.errors import ImportRejected, RowError, TradebaseError
from tradebase.figures.certifications import split_certifications

Text = Annotated[str, Field(min_length=1, max_length=2000)]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2")]
Currency = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$", description="ISO 4217, e.g. EUR")]
HsCode = Annotated[str, Field(pattern=r"^\d{4}(\d{2})?$", description="4 or 6 digits")]
Quantity = Annotated[int, Field(ge=1, le=2**31 - 1)]
Days = Annotated[int, Field(ge=1, le=3650)]
Money = Annotated[float, Field(ge=0, le=1e15, allow_inf_nan=False)]
Cert = Annotated[str, Field(min_length=1, max_length=40)]
Unit = Annotated[str, Field(min_length=1, max_length=20)]
Note = Annotated[str, Field(max_length=500)]
Sku = Annotated[str, Field(min_length=1, max_length=80)]


def _upper(value: str | None) -> str | None:
    return value.upper() if isinstance(value, str) else value


class EnquiryStatus(StrEnum):
    SHORTLISTED = "shortlisted"
    SENT = "sent"
    ANSWERED = "answered"
    DECLINED = "declined"


class IntentionStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"


class OrderStatus(StrEnum):
    CONTRACT_SIGNED = "contract_signed"
    IN_PRODUCTION = "in_production"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


ORDER_STEPS = [OrderStatus.CONTRACT_SIGNED, OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED,
               OrderStatus.DELIVERED]


# --- matching ------------------------------------------------------------------------------


class MatchQuery(BaseModel):
    """A request to match, without saving it."""

    model_config = ConfigDict(extra="forbid")

    text: Text
    quantity: Quantity | None = None
    unit: Unit | None = None
    destination: Country | None = None
    required_certifications: list[Cert] = Field(default_factory=list, max_length=20)
    max_lead_time_days: Days | None = None
    hs_code: HsCode | None = None
    top: int = Field(10, ge=1, le=100)

    _up = field_validator("destination")(_upper)

    def to_engine(self) -> MatchRequest:
        return MatchRequest(
            text=self.text, quantity=self.quantity, unit=self.unit, destination=self.destination,
            required_certifications=frozenset(self.required_certifications),
            max_lead_time_days=self.max_lead_time_days, hs_code=self.hs_code,
        )


class AnalyseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text


class HsProposalOut(BaseModel):
    code: str | None
    description: str
    description_zh: str | None = None
    """The Chinese name of ``code`` the project has written; None until one is."""
    source: str
    candidates: list[str]


class AnalysisOut(BaseModel):
    language: str
    language_confidence: float
    concepts: list[str]
    hs: HsProposalOut


class ReasonOut(BaseModel):
    """One of ``reasons`` as a code and its parameters (``docking/reasons.py``: ``CODES``)."""

    code: str
    params: dict[str, str | int | list[str]] = {}


class MatchOut(BaseModel):
    sku: str
    enterprise: str
    enterprise_id: int | None = None
    score: float
    reasons: list[str]
    reason_codes: list[ReasonOut] = []
    hs_code: str | None = None
    needs_split: bool = False
    deliverable: int | None = None


class MatchesOut(BaseModel):
    analysis: AnalysisOut
    results: list[MatchOut]


# --- requests and the workflow ------------------------------------------------------------


class RequestTerms(BaseModel):
    """The terms of a request for quotation, as a buyer knows them from RFQ platforms."""

    model_config = ConfigDict(extra="forbid")

    incoterm: Incoterm | None = None
    incoterm_place: Annotated[str, Field(max_length=200)] = ""
    payment_terms: PaymentTerms | None = None
    payment_note: Note = ""
    packaging: Packaging | None = None
    packaging_note: Note = ""
    samples: Samples = Samples.NONE
    quote_deadline: date | None = None
    expires_on: date | None = None
    anonymous_until_accepted: bool = False

    _up_terms = field_validator("incoterm", mode="before")(_upper)

    @model_validator(mode="after")
    def _deadline_before_expiry(self) -> RequestTerms:
        _refuse(dates_problem(self.quote_deadline, self.expires_on))
        return self


class RequestCreate(RequestTerms):
    model_config = ConfigDict(extra="forbid")

    text: Text
    quantity: Quantity | None = None
    unit: Unit = "pcs"
    destination: Country | None = None
    wanted_by: date | None = None
    max_lead_time_days: Days | None = None
    certifications: list[Cert] = Field(default_factory=list, max_length=20)
    target_price: Money | None = None
    currency: Currency | None = None
    hs_code: HsCode | None = None

    _up = field_validator("destination", "currency")(_upper)

    @model_validator(mode="after")
    def _price_has_currency(self) -> RequestCreate:
        _refuse(price_problem(self.target_price, self.currency))
        return self


def _refuse(problem: TermsProblem | None) -> None:
    """A rule of ``docking/terms.py`` broken, as a schema's error with its code and field."""
    if problem is not None:
        raise PydanticCustomError(problem.code, problem.message, {"field": problem.field})


class HsConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hs_code: HsCode | None


class EnquiryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: Annotated[str, Field(min_length=1, max_length=80)]
    send: bool = False


class EnquiryAnswer(BaseModel):
    """A quote: unit price, currency, lead time, and the terms it is given on."""

    model_config = ConfigDict(extra="forbid")

    price: Money
    currency: Currency
    lead_time_days: Days
    note: Annotated[str, Field(max_length=2000)] = ""
    incoterm: Incoterm | None = None
    moq: Quantity | None = None
    valid_until: date | None = None
    sku: Sku | None = None  # the listing the price is for (one the enquiry names)

    _up = field_validator("currency")(_upper)
    _up_incoterm = field_validator("incoterm", mode="before")(_upper)


class EnquiryDecline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, Field(max_length=2000)] = ""


class IntentionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: Quantity
    unit: Unit = "pcs"
    value: Money
    currency: Currency
    start_date: date | None = None
    delivery_date: date | None = None

    _up = field_validator("currency")(_upper)

    @model_validator(mode="after")
    def _dates_in_order(self) -> IntentionCreate:
        if self.start_date and self.delivery_date and self.delivery_date < self.start_date:
            raise PydanticCustomError("intention.delivery_before_start",
                                      "delivery_date: must not be before the start date",
                                      {"field": "delivery_date"})
        return self


class OrderUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: OrderStatus


class OrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    intention_id: int
    status: str
    updated_at: datetime
    version: int | None = None  # changes committed so far (optimistic concurrency)


class IntentionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enquiry_id: int
    proposed_by: str
    quantity: int
    unit: str
    value: float
    currency: str
    start_date: date | None
    delivery_date: date | None
    status: str
    accepted_at: datetime | None
    order: OrderOut | None = None
    version: int | None = None  # changes committed so far (optimistic concurrency)


class EnquiryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    request_id: int
    enterprise_id: int
    sku: str | None
    skus: list[str] = []
    origin: str = "chosen"
    score: float | None
    reasons: list[str]
    reason_codes: list[ReasonOut] = []
    status: str
    quote_price: float | None
    quote_currency: str | None
    quote_lead_time_days: int | None
    quote_sku: str | None = None
    quote_incoterm: str | None = None
    quote_moq: int | None = None
    quote_valid_until: date | None = None
    quote_shortlisted: bool = False
    answer_note: str
    sent_at: datetime | None
    answered_at: datetime | None
    accepted_at: datetime | None = None
    intentions: list[IntentionOut] = []
    version: int | None = None  # changes committed so far (optimistic concurrency)


class RequestOut(BaseModel):
    """A request as everyone who may see it reads it. Its buyer's organisation is in
    ``BuyerRequestOut`` only: a factory may not read it while the buyer stays anonymous
    (``may_see_buyer_organisation``)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    text: str
    language: str
    quantity: int | None
    unit: str
    destination: str | None
    wanted_by: date | None
    max_lead_time_days: int | None
    certifications: list[str]
    target_price: float | None
    currency: str | None
    hs_code: str | None
    hs_proposed: str | None
    status: str
    created_at: datetime
    incoterm: str | None = None
    incoterm_place: str = ""
    payment_terms: str | None = None
    payment_note: str = ""
    packaging: str | None = None
    packaging_note: str = ""
    samples: str = "none"
    quote_deadline: date | None = None
    expires_on: date | None = None
    published_at: datetime | None = None
    anonymous_until_accepted: bool = False
    hidden_at: datetime | None = None
    version: int | None = None  # changes committed so far (optimistic concurrency)


class BuyerRequestOut(RequestOut):
    """A request with who asks: for its buyer side, administrators, and factories once the
    buyer may be named to them."""

    buyer_id: int | None
    organisation: str


class ChangeOut(BaseModel):
    """An edit (with the fields it changed), close, withdrawal, publication or award."""

    model_config = ConfigDict(from_attributes=True)

    kind: str
    fields: list[str]
    at: datetime


class AttachmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str
    content_type: str
    size: int
    created_at: datetime


class RequestDetailOut(RequestOut):
    enquiries: list[EnquiryOut] = []
    changes: list[ChangeOut] = []
    attachments: list[AttachmentOut] = []


class BuyerRequestDetailOut(BuyerRequestOut):
    enquiries: list[EnquiryOut] = []
    changes: list[ChangeOut] = []
    attachments: list[AttachmentOut] = []


class CapacityOfferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    hs_code: HsCode | None = None
    product: Annotated[str, Field(max_length=300)] = ""
    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
    free_capacity: Quantity
    unit: Unit = "pcs"
    note: Annotated[str, Field(max_length=2000)] = ""

    @model_validator(mode="after")
    def _says_what(self) -> CapacityOfferCreate:
        if not self.hs_code and not self.product.strip():
            raise PydanticCustomError("capacity.hs_or_product",
                                      "hs_code: give an HS code or a product",
                                      {"field": "hs_code"})
        return self


class CapacityOfferOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    enterprise_name: str = ""
    hs_code: str | None
    product: str
    month: str
    free_capacity: int
    unit: str
    note: str
    version: int | None = None  # changes committed so far (optimistic concurrency)


class DashboardOut(BaseModel):
    base_id: int
    intentions: int
    companies: int
    quantity: int
    value: dict[str, float]
    contracts: int
    in_production: int
    shipped: int
    delivered: int
    cancelled: int
    published: list[dict[str, Any]]


# --- query files (tradebase match --queries) -----------------------------------------------

QUERY_COLUMNS = ("id", "text", "quantity", "unit", "destination", "required_certifications",
                 "max_lead_time_days", "hs_code")


class _QueryRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(min_length=1, max_length=200)]
    text: Text
    quantity: Quantity | None = None
    unit: Unit | None = None
    destination: Country | None = None
    required_certifications: list[Cert] = Field(default_factory=list)
    max_lead_time_days: Days | None = None
    hs_code: HsCode | None = None


class QueriesRejected(ImportRejected):
    """A query file was rejected whole; ``errors`` lists every bad cell."""

    def __post_init__(self) -> None:
        count = self.bad_rows
        TradebaseError.__init__(
            self, f"{self.filename}: {count} bad row{'s' if count != 1 else ''}; "
                  "no query was matched"
        )


def parse_queries(text: str, filename: str) -> list[tuple[str, MatchRequest]]:
    """The queries of a CSV file (columns ``QUERY_COLUMNS``; id and text required). Every bad
    cell is reported with its line and column, and nothing is matched."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = list(reader)
    errors: list[RowError] = []
    if not rows:
        raise QueriesRejected(filename, [RowError(1, None, "the file is empty")])
    header = [cell.strip().lower() for cell in rows[0]]
    for column in ("id", "text"):
        if column not in header:
            errors.append(RowError(1, column, f"the column {column} is missing"))
    for column in header:
        if column and column not in QUERY_COLUMNS:
            errors.append(RowError(1, column, f"unknown column {column}; the columns are "
                                              + ", ".join(QUERY_COLUMNS)))
    if errors:
        raise QueriesRejected(filename, errors)
    queries: list[tuple[str, MatchRequest]] = []
    seen: dict[str, int] = {}
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            errors.append(RowError(line, None, f"{len(cells)} cells but {len(header)} columns"))
            continue
        data: dict[str, Any] = {}
        for column, cell in zip(header, cells, strict=False):
            value = cell.strip()
            if column == "required_certifications":
                data[column] = split_certifications(value)
            elif value or column in {"id", "text"}:
                data[column] = value
        try:
            row = _QueryRow.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                where = str(error["loc"][0]) if error["loc"] else None
                errors.append(RowError(line, where, str(error["msg"])))
            continue
        if row.id in seen:
            errors.append(RowError(line, "id", f"id {row.id} appears already on line "
                                               f"{seen[row.id]}"))
            continue
        seen[row.id] = line
        queries.append((row.id, MatchRequest(
            text=row.text, quantity=row.quantity, unit=row.unit, destination=row.destination,
            required_certifications=frozenset(row.required_certifications),
            max_lead_time_days=row.max_lead_time_days, hs_code=row.hs_code,
        )))
    if errors:
        raise QueriesRejected(filename, errors)
    return queries
