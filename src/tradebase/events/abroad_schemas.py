"""Pydantic schemas of exhibitions (at home or abroad) and campaigns' maps: the delegation
and its booths, leads collected at a fair, and the cities a campaign reached."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tradebase.events.gazetteer import Match
from tradebase.events.schemas import _country

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Booth(BaseModel):
    """Where an exhibitor of the delegation stands and what it shows (its own products)."""

    model_config = ConfigDict(extra="forbid")

    hall: Annotated[str, Field(max_length=40)] = ""
    booth: Annotated[str, Field(max_length=40)] = ""
    products_shown: Annotated[list[Id], Field(max_length=100)] = []


class ShownProduct(BaseModel):
    id: int
    sku: str
    title: str


class ExhibitorOut(BaseModel):
    """One exhibitor of an exhibition's delegation, as the event's page shows it."""

    registration_id: int
    enterprise_id: int | None
    name: str
    hall: str
    booth: str
    products: list[ShownProduct]
    version: int


class LeadStatus(StrEnum):
    NEW = "new"
    REQUEST = "request"  # turned into a docking request
    CONTACT = "contact"  # kept as a buyer contact


class LeadFields(BaseModel):
    """What a lead says of the buyer: its edit form (the exhibitor stays the one that met it)."""

    model_config = ConfigDict(extra="forbid")

    buyer_name: Annotated[str, Field(min_length=1, max_length=200)]
    organisation: Annotated[str, Field(max_length=200)] = ""
    country: str | None = Field(None, description="ISO 3166 alpha-2")
    contact: Annotated[str, Field(max_length=300)] = ""
    wants: Annotated[str, Field(max_length=2000)] = ""
    quantity: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    unit: Annotated[str, Field(min_length=1, max_length=20)] = "pcs"

    @field_validator("country")
    @classmethod
    def _check_country(cls, value: str | None) -> str | None:
        return _country(value)


class LeadCreate(LeadFields):
    """A buyer met at the fair by one exhibitor (``registration_id``) of the delegation."""

    registration_id: Id


class LeadOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int
    registration_id: int
    collected_by: str = Field(description="The exhibitor that met the buyer")
    buyer_name: str
    organisation: str
    country: str | None
    contact: str
    wants: str
    quantity: int | None
    unit: str
    status: LeadStatus
    docking_request_id: int | None
    created_at: datetime
    version: int


class LeadCounts(BaseModel):
    """The leads the reader may see: how many, how many became docking requests, how many
    stay buyer contacts, how many wait."""

    leads: int
    requests: int
    contacts: int
    waiting: int


class PlaceOut(BaseModel):
    geonameid: int
    name: str
    country: str
    admin1: str
    latitude: float
    longitude: float
    population: int


class CityOut(BaseModel):
    """A city one or more of the campaign's events were held in, as the gazetteer found it.
    ``candidates`` (its namesakes) are the organisers' to choose from; others get none."""

    city: str
    country: str | None
    match: Match
    place: PlaceOut | None
    candidates: list[PlaceOut]
    event_ids: list[int]


class MapOut(BaseModel):
    campaign_id: int
    cities: list[CityOut]
    placed: int
    ambiguous: int
    unknown: int
