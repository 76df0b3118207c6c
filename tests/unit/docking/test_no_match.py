"""When nothing on Tradebase shows what a request asks for, the engine says so."""

from __future__ import annotations

import pytest

from tests.unit.docking.test_exclusions import CATALOG
from tradebase.docking import MatchingIndex, MatchRequest


@pytest.fixture(scope="module")
def index() -> MatchingIndex:
    return MatchingIndex.build(CATALOG)


@pytest.mark.parametrize(
    "text",
    ["bicycle helmets, CE", "Fahrradhelme mit CE", "cascos de bicicleta", "自行车头盔",
     "casques de vélo", "cykelhjälmar", "wooden toy trains", "stainless steel kitchen knives"],
)
def test_a_product_no_catalog_holds_gets_no_listing(index: MatchingIndex, text: str) -> None:
    outcome = index.search(MatchRequest(text=text))
    assert outcome.no_match
    assert outcome.results == []


@pytest.mark.parametrize("text", ["garden chairs", "Kaffeebecher", "玻璃马克杯", "sillas"])
def test_a_product_listed_is_found(index: MatchingIndex, text: str) -> None:
    outcome = index.search(MatchRequest(text=text))
    assert not outcome.no_match
    assert outcome.results
    assert all(result.evidence >= index.weights.evidence_floor for result in outcome.results)


def test_constraints_that_nobody_meets_are_not_a_missing_product(index: MatchingIndex) -> None:
    outcome = index.search(MatchRequest(text="garden chairs",
                                        required_certifications=frozenset({"FSC"})))
    assert outcome.results == []
    assert not outcome.no_match
