"""The plain data the matching engine takes and returns (no ORM, no web)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from tradebase.docking.reasons import Reason


def _frozen_codes(values: Iterable[str]) -> frozenset[str]:
    return frozenset(value.strip() for value in values if value and value.strip())


@dataclass(frozen=True, slots=True)
class Listing:
    """One catalog entry of an enterprise, as the register holds it."""

    sku: str
    enterprise: str
    title: str
    titles: Mapping[str, str] = field(default_factory=dict)  # language → title, e.g. {"zh": …}
    description: str = ""
    hs_code: str | None = None
    unit: str = "pcs"
    moq: int | None = None
    monthly_capacity: int | None = None
    lead_time_days: int | None = None
    certifications: frozenset[str] = frozenset()
    markets: frozenset[str] = frozenset()  # ISO 3166 alpha-2 codes the enterprise exports to

    def __post_init__(self) -> None:
        object.__setattr__(self, "titles", MappingProxyType(dict(self.titles)))
        object.__setattr__(self, "certifications", _frozen_codes(self.certifications))
        object.__setattr__(
            self, "markets", frozenset(code.upper() for code in _frozen_codes(self.markets))
        )


@dataclass(frozen=True, slots=True)
class MatchRequest:
    """What a buyer asks for, in any language."""

    text: str
    quantity: int | None = None
    unit: str | None = None
    destination: str | None = None  # ISO 3166 alpha-2
    required_certifications: frozenset[str] = frozenset()
    max_lead_time_days: int | None = None
    hs_code: str | None = None  # confirmed by the buyer: 4 or 6 digits

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "required_certifications", _frozen_codes(self.required_certifications)
        )
        if self.destination:
            object.__setattr__(self, "destination", self.destination.strip().upper())


@dataclass(frozen=True, slots=True)
class MatchResult:
    sku: str
    enterprise: str
    score: float
    reasons: tuple[str, ...]
    hs_code: str | None = None
    needs_split: bool = False  # capacity alone falls short: hand over to capacity docking
    deliverable: int | None = None  # what the listing can make within the request's lead time
    # How much of what the request asks for the listing shows (0–1): the larger of the share
    # of the request's concept weight it holds and the idf-weighted share of its words.
    evidence: float = 1.0
    # ``reasons`` as codes and parameters (``reasons.py``), for pages in the reader's language.
    reason_codes: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """The results of a request, and whether any catalog lists what it asks for at all
    (``no_match``: nothing relevant, constraints aside — "no factory lists this yet")."""

    results: list[MatchResult]
    no_match: bool


@dataclass(frozen=True, slots=True)
class HsProposal:
    """The HS code proposed for a request's text, for the buyer to confirm."""

    code: str | None
    description: str
    source: str  # "vocabulary", "catalog" or "none"
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RequestAnalysis:
    language: str
    language_confidence: float
    concepts: tuple[str, ...]
    hs: HsProposal
