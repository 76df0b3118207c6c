"""Small catalogs for the docking engine tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tradebase.docking import Listing

ListingFactory = Callable[..., Listing]


def make_listing(sku: str, title: str, **fields: object) -> Listing:
    values: dict[str, object] = {
        "enterprise": f"Enterprise of {sku}",
        "hs_code": "940153",
        "unit": "pcs",
        "moq": 100,
        "monthly_capacity": 1000,
        "lead_time_days": 30,
        "certifications": frozenset({"FSC"}),
        "markets": frozenset({"SE"}),
    }
    values.update(fields)
    return Listing(sku=sku, title=title, **values)  # type: ignore[arg-type]


@pytest.fixture
def listing_factory() -> ListingFactory:
    return make_listing


@pytest.fixture
def catalog() -> list[Listing]:
    return [
        make_listing(
            "R-DINING",
            "Natural rattan dining chair with armrests",
            titles={"zh": "天然藤编扶手餐椅"},
        ),
        make_listing("R-LOUNGE", "Rattan lounge chair with linen cushion", moq=50),
        make_listing(
            "I-DINING",
            "Iron dining chair, stackable",
            hs_code="940179",
            certifications=frozenset({"BSCI"}),
            markets=frozenset({"DE"}),
        ),
        make_listing("R-TABLE", "Rattan coffee table with glass top", hs_code="940383"),
        make_listing(
            "SHOE-RUN",
            "Men's road running shoe, mesh upper",
            hs_code="640411",
            unit="pairs",
            monthly_capacity=50_000,
        ),
        make_listing("ZH-ONLY", "藤编餐椅（带扶手）", lead_time_days=60),
    ]
