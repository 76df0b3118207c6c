"""Pydantic models of what goes in and out of the analytics API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class RateIn(BaseModel):
    """A rate as usd-rates.csv writes it: units of ``currency`` for one US dollar."""

    model_config = ConfigDict(extra="forbid")

    granularity: Literal["year", "month"]
    period: str = Field(min_length=4, max_length=7, examples=["2023", "2023-06"])
    currency: str = Field(min_length=3, max_length=3, examples=["CNY"])
    per_usd: float = Field(gt=0, allow_inf_nan=False)


class RatesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rates: list[RateIn] = Field(min_length=1, max_length=20_000)


class RateOut(RateIn):
    source: Literal["default", "administrator"]


class RatesWrittenOut(BaseModel):
    added: int
    changed: int
    unchanged: int


class IndicatorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metric: str = Field(max_length=60)
    weight: float = Field(ge=0, allow_inf_nan=False)
    normalise: Literal["minmax", "zscore", "rank"]
    transform: Literal["level", "per_employee", "per_enterprise", "growth"] = "level"
    min: float | None = Field(default=None, allow_inf_nan=False)


class SchemeIn(BaseModel):
    """An evaluation scheme as its JSON file writes it (docs/analytics.md)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    year: int | None = Field(default=None, ge=1900, le=2200)
    missing: Literal["exclude", "zero_flagged"]
    indicators: list[IndicatorIn] = Field(min_length=1, max_length=100)

    def definition(self) -> dict[str, Any]:
        """The scheme as given (what was not sent stays out: the version digest is of it)."""
        return self.model_dump(exclude_unset=True)


class SchemeVersionOut(BaseModel):
    number: int
    digest: str
    created_at: datetime
    definition: dict[str, Any]


class SchemeOut(BaseModel):
    id: int
    name: str
    latest_version: int
    versions: list[SchemeVersionOut]


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, ge=1, description="Default: the latest.")
    base_ids: list[int] | None = Field(default=None, min_length=1, max_length=10_000,
                                       description="The bases to rank; default: all.")


class RunOut(BaseModel):
    id: int
    scheme_id: int
    scheme_version: int
    created_at: datetime
    result: dict[str, Any] = Field(description="The ranking (the rank command's JSON), each "
                                               "base's values and the bases left out.")
    facts: list[dict[str, Any]] = Field(description="Every fact the run read, with the rate "
                                                    "that made it comparable in CNY.")


class GrowthOut(BaseModel):
    since: int = Field(description="The year the growth is measured from.")
    change: float = Field(description="As a fraction: 0.1 is 10 %.")
    span: int = Field(description="Years covered: more than 1 across a gap.")
    annualised: float | None
    across_gap: bool


class SeriesYearOut(BaseModel):
    year: int
    value: float | None = Field(description="None: a gap (never interpolated).")
    fact_id: int | None
    growth: GrowthOut | None
    rate: str | None = Field(description="The rate a converted value was read at.")


class CagrOut(BaseModel):
    first: int
    last: int
    rate: float
    across_gap: bool
    gaps: list[int]


class SeriesOut(BaseModel):
    metric: str
    currency: str | None
    unit: str | None
    years: list[SeriesYearOut]
    gaps: list[int]
    cagr: CagrOut | None
    undated_facts: int = Field(description="Undated facts left out: they have no year.")
