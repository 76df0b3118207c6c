"""Closed vocabularies of the register, shared by models, schemas and importers."""

from __future__ import annotations

from enum import StrEnum


class RegionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


class DesignationLevel(StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    MUNICIPAL = "municipal"


class EnterpriseSize(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Qualifier(StrEnum):
    """How a published figure relates to the true value: "more than 2,200 enterprises"."""

    MORE_THAN = "more_than"
    NEARLY = "nearly"
    ABOUT = "about"


class SubjectType(StrEnum):
    BASE = "base"
    ENTERPRISE = "enterprise"
