"""The roles of Tradebase, as named on the command line."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # platform administrator
    BASE_ADMIN = "base_admin"  # administrator of given bases
    ENTERPRISE = "enterprise"  # member of given enterprises
    BUYER = "buyer"  # of a buying organisation
    OFFICER = "officer"  # programme officer: reads across bases; defines and runs schemes
    SUPPLIER = "supplier"  # of a supplier organisation: quotes in procurement rounds
