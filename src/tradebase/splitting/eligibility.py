"""Which listings may take a share of a split: only the product the buyer confirmed.

A split is a promise to the buyer that every share is the thing it asked for. Matching ranks by
similarity, so a seat cushion (HS 940490) can rank among garden chairs (9401); a split that
takes its candidates from the ranking alone gives the cushion a share. The rule here decides
from the product's identity, never from the score:

* **a subheading is confirmed** (six digits, e.g. 940179): a listing qualifies when its own
  code has the same six digits. A listing that states only a heading (``9401``) does *not*:
  it may be any seat of the heading, and the buyer confirmed one kind.
* **only a heading is confirmed** (four digits, e.g. 9401): a listing qualifies when the first
  four digits of its code agree, whatever its subheading (the buyer accepted the heading).
* **no HS code is confirmed**: a listing qualifies when it carries one of the product concepts
  the request names as what it asks for (the vocabulary's "main" product concepts: "garden
  chair" in "garden chairs with cushions", not "cushion") in its *title* with full weight; a
  concept met only after "with …" / "for …" or only in the description does not count, since a
  "cushion for garden chairs" is not a chair. With neither a code nor such a concept there is
  nothing to hold a split to, and no listing qualifies: the buyer confirms a category first.

HS codes are compared on their digits (``9401.79`` reads as ``940179``); longer national codes
(CN8, HTS10) compare on their first six.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from tradebase.docking.vocabulary import Vocabulary

FULL_WEIGHT = 1.0  # a concept in a listing's title, as the main thing it is


def hs_digits(code: str | None) -> str:
    """The digits of an HS code as written (separators dropped), at most six."""
    return "".join(ch for ch in (code or "") if ch.isdigit())[:6]


@dataclass(frozen=True, slots=True)
class ConfirmedProduct:
    """What the buyer confirmed: an HS subheading (6 digits) or heading (4), else concepts."""

    hs_code: str | None = None
    concepts: frozenset[str] = frozenset()

    @classmethod
    def of(cls, hs_code: str | None, concepts: Collection[str] = ()) -> ConfirmedProduct:
        digits = hs_digits(hs_code)
        if len(digits) >= 6:
            return cls(hs_code=digits[:6])
        if len(digits) >= 4:
            return cls(hs_code=digits[:4])
        return cls(concepts=frozenset(concepts))

    @classmethod
    def for_request(
        cls, hs_code: str | None, text: str, vocabulary: Vocabulary
    ) -> ConfirmedProduct:
        """The HS code the buyer confirmed, else the product concepts the request's text
        names as what it asks for (main ones, not those after "with"/"for")."""
        heads = [cid for cid, role in vocabulary.concepts_by_role(text).items()
                 if role == "main" and vocabulary.is_product(cid)]
        return cls.of(hs_code, heads)

    @property
    def level(self) -> str:
        """"subheading", "heading", "concept" or "none": which rule applies."""
        if self.hs_code is not None:
            return "subheading" if len(self.hs_code) == 6 else "heading"
        return "concept" if self.concepts else "none"


def is_same_product(
    confirmed: ConfirmedProduct, *, hs_code: str | None, concepts: Mapping[str, float]
) -> bool:
    """Whether a listing with ``hs_code`` and title ``concepts`` (concept id → weight, as in
    ``ListingFeatures.concepts``) is the product the buyer confirmed (see the module doc)."""
    level = confirmed.level
    digits = hs_digits(hs_code)
    if level == "subheading":
        return len(digits) == 6 and digits == confirmed.hs_code
    if level == "heading":
        return len(digits) >= 4 and digits[:4] == confirmed.hs_code
    if level == "concept":
        return any(concepts.get(cid, 0.0) >= FULL_WEIGHT for cid in confirmed.concepts)
    return False


@dataclass(frozen=True, slots=True)
class Offer:
    """A matched listing as a split sees it (``concepts``: its title concepts with weights,
    needed only when no HS code is confirmed)."""

    sku: str
    enterprise: int
    hs_code: str | None
    monthly_capacity: int | None
    concepts: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Selection:
    chosen: tuple[Offer, ...]  # one per enterprise, in match order
    left_out: tuple[tuple[Offer, str], ...]  # (offer, "other_product" | "no_capacity")


def select_offers(confirmed: ConfirmedProduct, offers: Sequence[Offer]) -> Selection:
    """The offers a split may use, best match first: the confirmed product, with a monthly
    capacity, one per enterprise (its best-matching one: an enterprise is one factory and one
    enquiry to the buyer; two of its listings may share one line). The rest, with why, except
    an enterprise's further listings of the product, which are simply not needed."""
    chosen: dict[int, Offer] = {}
    left_out: list[tuple[Offer, str]] = []
    for offer in offers:
        if not is_same_product(confirmed, hs_code=offer.hs_code, concepts=offer.concepts):
            left_out.append((offer, "other_product"))
        elif not offer.monthly_capacity or offer.monthly_capacity <= 0:
            left_out.append((offer, "no_capacity"))
        elif offer.enterprise not in chosen:
            chosen[offer.enterprise] = offer
    return Selection(tuple(chosen.values()), tuple(left_out))


__all__ = ["ConfirmedProduct", "Offer", "Selection", "hs_digits", "is_same_product",
           "select_offers"]
