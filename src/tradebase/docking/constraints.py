"""The hard constraints of a request, applied exactly.

* every required certification is held by the listing (codes compared without case, spaces or
  hyphens: "ISO 9001" = "ISO9001", "Oeko-Tex" = "OEKOTEX");
* MOQ ≤ quantity (a listing without an MOQ has no minimum);
* listing lead time ≤ the request's maximum lead time (a listing without a stated lead time cannot
  promise one and is left out when the request sets a maximum);
* capacity: monthly_capacity × ⌈max lead time / 30⌉ ≥ quantity. This one never excludes: a
  listing that passes everything else but cannot make the whole quantity is returned flagged
  ``needs_split`` (hand over to capacity docking), as is one whose capacity is not stated.

Destination markets are not a constraint: an enterprise that already exports there ranks higher.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tradebase.docking.records import Listing, MatchRequest
from tradebase.figures.certifications import certification_key

UNIT_SYNONYMS: dict[str, str] = {
    "pc": "pcs",
    "pcs": "pcs",
    "piece": "pcs",
    "pieces": "pcs",
    "st": "pcs",
    "stk": "pcs",
    "stuck": "pcs",
    "stück": "pcs",
    "unidades": "pcs",
    "uds": "pcs",
    "pièces": "pcs",
    "件": "pcs",
    "个": "pcs",
    "只": "pcs",
    "pair": "pairs",
    "pairs": "pairs",
    "prs": "pairs",
    "par": "pairs",
    "paar": "pairs",
    "pares": "pairs",
    "paires": "pairs",
    "双": "pairs",
    "set": "sets",
    "sets": "sets",
    "套": "sets",
    "juegos": "sets",
}


def unit_key(unit: str | None) -> str | None:
    if not unit:
        return None
    key = unit.strip().casefold()
    return UNIT_SYNONYMS.get(key, key)


def months_within(max_lead_time_days: int) -> int:
    """Whole months of production a lead time allows: ⌈days / 30⌉."""
    return math.ceil(max_lead_time_days / 30) if max_lead_time_days > 0 else 0


__all__ = ["ConstraintCheck", "certification_key", "check_listing", "months_within", "unit_key"]


@dataclass(frozen=True, slots=True)
class ConstraintCheck:
    missing_certifications: tuple[str, ...]
    moq_ok: bool
    lead_time_ok: bool
    capacity_ok: bool
    deliverable: int | None  # monthly capacity × months, when both are known

    @property
    def passes(self) -> bool:
        """The hard filters (capacity is not one: it flags a split instead)."""
        return not self.missing_certifications and self.moq_ok and self.lead_time_ok


def check_listing(listing: Listing, request: MatchRequest) -> ConstraintCheck:
    """The reference, one-listing version of the rules the index applies vectorised."""
    held = {certification_key(code) for code in listing.certifications}
    missing = tuple(
        sorted(
            code for code in request.required_certifications if certification_key(code) not in held
        )
    )
    quantity = request.quantity
    moq_ok = quantity is None or listing.moq is None or listing.moq <= quantity
    max_lead = request.max_lead_time_days
    lead_ok = max_lead is None or (
        listing.lead_time_days is not None and listing.lead_time_days <= max_lead
    )
    deliverable: int | None = None
    capacity_ok = True
    if quantity is not None and max_lead is not None:
        if listing.monthly_capacity is None:
            capacity_ok = False
        else:
            deliverable = listing.monthly_capacity * months_within(max_lead)
            capacity_ok = deliverable >= quantity
    return ConstraintCheck(missing, moq_ok, lead_ok, capacity_ok, deliverable)
