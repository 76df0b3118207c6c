"""Supply-and-demand docking: buyers' requests, the matching engine, enquiries and intentions.

The matching engine (``engine``) is pure and importable without a database:

    index = MatchingIndex.build(listings)
    index.match(MatchRequest(text="rottingstolar till matsal", quantity=500), top_k=10)
"""

from tradebase.docking.engine import MatchingIndex, MatchWeights, match_listings
from tradebase.docking.features import ListingFeatures, listing_features
from tradebase.docking.language import DetectedLanguage, detect_language
from tradebase.docking.records import (
    HsProposal,
    Listing,
    MatchOutcome,
    MatchRequest,
    MatchResult,
    RequestAnalysis,
)

__all__ = [
    "DetectedLanguage",
    "HsProposal",
    "Listing",
    "ListingFeatures",
    "MatchOutcome",
    "MatchRequest",
    "MatchResult",
    "MatchWeights",
    "MatchingIndex",
    "RequestAnalysis",
    "detect_language",
    "listing_features",
    "match_listings",
]
