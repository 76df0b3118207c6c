"""Pydantic models of procurement rounds (API in and out). While a round is open, a quote's
prices appear in an output model only for its own supplier (``RoundOut.quotes`` carries the
quotes the reader may read, ``None`` when none). Every price is in the round's ``currency``."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from tradebase.allocation.schemas import PriceBreakIn
from tradebase.figures.money import currency_codes

MAX_QUANTITY = 1_000_000_000_000
RoundStatus = Literal["open", "closed", "published"]


def today() -> date:
    """The date of the platform (UTC): a round's dates are checked against it."""
    return datetime.now(UTC).date()


def _currency(value: str) -> str:
    code = value.strip().upper()
    if code not in currency_codes():
        raise PydanticCustomError("round.currency", "not an ISO 4217 currency code")
    return code


class MaterialIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    unit: str = Field(default="pcs", min_length=1, max_length=20)
    pack_size: int = Field(default=1, ge=1, le=MAX_QUANTITY)
    published_tiers: list[int] = Field(
        default_factory=list, max_length=20,
        description="Quantity thresholds of price tiers the round announces (no prices); "
                    "the pooled lot's progress toward the next one is shown while open.",
    )

    @field_validator("name", "unit")
    @classmethod
    def _stripped(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise PydanticCustomError("blank", "must not be blank")
        return value

    @field_validator("published_tiers")
    @classmethod
    def _tiers(cls, value: list[int]) -> list[int]:
        if any(t < 1 or t > MAX_QUANTITY for t in value):
            raise PydanticCustomError("round.tier_range",
                                      "each threshold must be between 1 and {limit}",
                                      {"limit": MAX_QUANTITY})
        return sorted(set(value))


class RoundCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_id: int = Field(ge=1, le=2_147_483_647)
    title: str = Field(min_length=1, max_length=200)
    currency: str = Field(
        default="CNY", min_length=3, max_length=3,
        description="ISO 4217: every quote, award line, total and saving of the round is in it.",
    )
    opens_on: date | None = Field(default=None, description="Today when not given.")
    closes_on: date = Field(description="After the opening date, and not in the past.")
    materials: list[MaterialIn] = Field(min_length=1, max_length=100)

    @field_validator("currency")
    @classmethod
    def _round_currency(cls, value: str) -> str:
        return _currency(value)

    @field_validator("opens_on")
    @classmethod
    def _opens(cls, value: date | None) -> date | None:
        if value is not None and value < today():
            raise PydanticCustomError("round.date_past", "must not be in the past")
        return value

    @field_validator("closes_on")
    @classmethod
    def _closes(cls, value: date, info: ValidationInfo) -> date:
        if value < today():
            raise PydanticCustomError("round.date_past", "must not be in the past")
        opens = info.data.get("opens_on") or today()
        if value <= opens:
            raise PydanticCustomError("round.closes_before_opening",
                                      "must be after the opening date {opens_on}",
                                      {"opens_on": opens.isoformat()})
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise PydanticCustomError("blank", "must not be blank")
        return value

    @field_validator("materials")
    @classmethod
    def _distinct(cls, value: list[MaterialIn]) -> list[MaterialIn]:
        names = [m.name.casefold() for m in value]
        if len(set(names)) != len(names):
            raise PydanticCustomError("round.material_twice", "each material may be listed once")
        return value


class NeedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_id: int = Field(ge=1, le=2_147_483_647)
    material: str = Field(min_length=1, max_length=120)
    specification: str = Field(default="", max_length=200)
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    delivery_month: str = Field(description="YYYY-MM", examples=["2027-03"])
    tolerance: float = Field(
        default=0.0, ge=0, le=1,
        description="Fraction extra the enterprise accepts when the lot is rounded up to packs.",
    )

    @field_validator("delivery_month")
    @classmethod
    def _month(cls, value: str) -> str:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
            raise PydanticCustomError("round.month", "must be a month as YYYY-MM")
        return value


class QuoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    supplier: str = Field(
        default="", max_length=200,
        description="The supplier organisation: a supplier's member quotes as its own (leave "
                    "it out); a base administrator names the supplier it enters the quote for.",
    )
    material: str = Field(min_length=1, max_length=120)
    currency: str | None = Field(
        default=None, min_length=3, max_length=3,
        description="ISO 4217; when given it must be the round's currency (refused otherwise).",
    )
    price_breaks: list[PriceBreakIn] = Field(min_length=1, max_length=50)
    capacity: int | None = Field(default=None, ge=0, le=MAX_QUANTITY)
    splittable: bool = True

    @field_validator("supplier")
    @classmethod
    def _supplier(cls, value: str) -> str:
        return value.strip()

    @field_validator("currency")
    @classmethod
    def _quote_currency(cls, value: str | None) -> str | None:
        return None if value is None else _currency(value)

    @field_validator("price_breaks")
    @classmethod
    def _tiers(cls, value: list[PriceBreakIn]) -> list[PriceBreakIn]:
        seen: set[int] = set()
        for tier in value:
            if tier.min_quantity in seen:
                raise PydanticCustomError("round.tier_twice", "duplicate tier {quantity}",
                                          {"quantity": tier.min_quantity})
            if tier.min_quantity > MAX_QUANTITY or tier.unit_price > 1e12:
                raise PydanticCustomError("round.tier_out_of_range", "tier out of range")
            seen.add(tier.min_quantity)
        return value


class RoundClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirm_early: bool = Field(
        default=False,
        description="Close before the closing date: the administrator confirms it (recorded).",
    )


class TierProgressOut(BaseModel):
    next_threshold: int | None
    remaining: int
    fraction: float


class LotOut(BaseModel):
    material: str
    unit: str
    pack_size: int
    requested: int
    quantity: int
    unallocated: int
    quotes: int
    published_tiers: list[int]
    progress: TierProgressOut | None


class NeedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    enterprise_id: int
    enterprise_name_zh: str = ""
    enterprise_name_en: str = ""
    material: str
    specification: str
    quantity: int
    delivery_month: str
    tolerance: float


class QuoteOut(BaseModel):
    id: int
    supplier: str
    material: str
    price_breaks: list[dict[str, Any]]
    capacity: int | None
    splittable: bool
    currency: str = Field(description="ISO 4217: the round's currency")
    entered_by: str = Field(description="Who typed the quote in (an account's e-mail)")
    on_behalf: bool = Field(description="Entered by a base administrator for the supplier")


class QuoteReceived(BaseModel):
    id: int
    supplier: str
    material: str
    on_behalf: bool = False
    entered_by: str = ""


class RoundSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    base_id: int
    base_name_zh: str = ""
    base_name_en: str = ""
    title: str
    currency: str = "CNY"
    opens_on: date | None = None
    closes_on: date
    status: RoundStatus
    closed_early: bool = False


class RoundOut(RoundSummary):
    lots: list[LotOut]
    needs: list[NeedOut]
    quote_count: int
    quotes_received: list[QuoteReceived] | None = Field(
        description="Who quoted for what (no prices): the round's managers only."
    )
    quotes: list[QuoteOut] | None = Field(
        description="The quotes the reader may read: while the round is open only a "
                    "supplier's own; once closed every quote for the base's administrators. "
                    "Null when the reader may read none."
    )


class ShareOut(BaseModel):
    enterprise_id: int | None
    enterprise: str
    material: str
    requested: int
    quantity: int
    unit_price: float | None
    cost: float
    currency: str | None = None
    enterprise_name_zh: str = ""
    enterprise_name_en: str = ""


class RoundAwardOut(BaseModel):
    round_id: int
    status: RoundStatus
    currency: str = Field(default="CNY", description="ISO 4217: of every price in the award")
    result: dict[str, Any]
    shares: list[ShareOut]
