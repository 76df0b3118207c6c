from __future__ import annotations

from collections.abc import Callable

from tradebase.docking import (
    Listing,
    ListingFeatures,
    MatchingIndex,
    MatchRequest,
    listing_features,
)
from tradebase.docking.engine import SPLIT_REASON


def test_a_swedish_request_finds_english_and_chinese_rattan_dining_chairs(
    catalog: list[Listing],
) -> None:
    index = MatchingIndex.build(catalog)
    results = index.match(MatchRequest(text="Vi söker matstolar i rotting"), top_k=3)
    assert {r.sku for r in results[:2]} == {"R-DINING", "ZH-ONLY"}
    assert "SHOE-RUN" not in {r.sku for r in results}


def test_each_result_explains_itself(catalog: list[Listing]) -> None:
    index = MatchingIndex.build(catalog)
    request = MatchRequest(
        text="rattan dining chair",
        quantity=2000,
        destination="SE",
        required_certifications=frozenset({"FSC"}),
        max_lead_time_days=60,
    )
    (top, *_) = index.match(request)
    assert top.sku == "R-DINING"
    reasons = " | ".join(top.reasons)
    assert "HS 940153 seats of rattan" in reasons
    assert "FSC ✓" in top.reasons
    assert "2,000 pcs within 60 days ✓" in top.reasons
    assert "exports to SE already" in top.reasons
    assert "matches chair" in reasons


def test_capacity_short_listings_are_flagged_for_a_split_not_dropped(
    listing_factory: Callable[..., Listing],
) -> None:
    listings = [
        listing_factory("BIG", "Rattan dining chair", monthly_capacity=10_000),
        listing_factory("SMALL", "Rattan dining chair", monthly_capacity=100),
        listing_factory("UNKNOWN", "Rattan dining chair", monthly_capacity=None),
    ]
    index = MatchingIndex.build(listings)
    results = index.match(
        MatchRequest(text="rattan dining chair", quantity=5000, max_lead_time_days=45)
    )
    by_sku = {r.sku: r for r in results}
    assert set(by_sku) == {"BIG", "SMALL", "UNKNOWN"}
    assert not by_sku["BIG"].needs_split
    assert by_sku["SMALL"].needs_split
    assert by_sku["SMALL"].deliverable == 200
    assert by_sku["UNKNOWN"].needs_split
    assert by_sku["UNKNOWN"].deliverable is None
    assert any(SPLIT_REASON in reason for reason in by_sku["SMALL"].reasons)
    # Same text, so the capable listing ranks first.
    assert results[0].sku == "BIG"


def test_markets_raise_rank_but_filter_nothing(listing_factory) -> None:  # type: ignore[no-untyped-def]
    listings = [
        listing_factory("A", "Rattan dining chair", markets=frozenset({"DE"})),
        listing_factory("B", "Rattan dining chair", markets=frozenset({"SE"})),
    ]
    results = MatchingIndex.build(listings).match(
        MatchRequest(text="rattan dining chair", destination="SE")
    )
    assert [r.sku for r in results] == ["B", "A"]


def test_a_confirmed_hs_code_outranks_the_text_alone(catalog: list[Listing]) -> None:
    index = MatchingIndex.build(catalog)
    results = index.match(MatchRequest(text="dining chair", hs_code="940179"))
    assert results[0].sku == "I-DINING"
    assert results[0].reasons[0].endswith("✓")


def test_analyse_proposes_a_heading_and_a_language(catalog: list[Listing]) -> None:
    analysis = MatchingIndex.build(catalog).analyse("Laufschuhe für Herren")
    assert analysis.language == "de"
    assert analysis.hs.code == "640411"
    assert {"running", "shoe"} <= set(analysis.concepts)


def test_features_round_trip_through_bytes(catalog: list[Listing]) -> None:
    for listing in catalog:
        features = listing_features(listing)
        assert ListingFeatures.from_bytes(features.to_bytes()) == features


def test_an_index_from_stored_features_matches_like_a_built_one(catalog: list[Listing]) -> None:
    built = MatchingIndex.build(catalog)
    stored = MatchingIndex.from_features(listing_features(item).to_bytes() for item in catalog)
    request = MatchRequest(text="rattan chair", quantity=500, max_lead_time_days=45)
    assert built.match(request) == stored.match(request)


def test_empty_index_and_nonsense_requests_return_nothing(catalog: list[Listing]) -> None:
    assert MatchingIndex().match(MatchRequest(text="rattan")) == []
    assert MatchingIndex.build(catalog).match(MatchRequest(text="zzzz qqqq")) == []
    assert MatchingIndex.build(catalog).match(MatchRequest(text="rattan"), top_k=0) == []
