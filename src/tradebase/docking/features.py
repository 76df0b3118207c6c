"""Per-listing derived data, computable alone and storable in a database column.

Several web workers each hold an in-process index; none may know something the others cannot.
So everything the index needs about a listing is computed from that listing alone by
``listing_features`` and serialised with ``ListingFeatures.to_bytes`` into a column beside the
product row (with the vocabulary version and a row version). A worker builds its index with
``MatchingIndex.from_features(rows)`` and keeps it fresh by applying rows whose version is newer
than the last it saw (see docs/matching.md).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from tradebase.docking.records import Listing
from tradebase.docking.vocabulary import Vocabulary, default_vocabulary
from tradebase.text.folding import raw_tokens

FEATURES_FORMAT = 1
TITLE_REPEAT = 2  # title words count twice in the lexical field: a title says what the thing is
DESCRIPTION_CONCEPT_WEIGHT = 0.5  # a concept met only in the description counts half


@dataclass(frozen=True, slots=True)
class ListingFeatures:
    sku: str
    enterprise: str
    hs_code: str | None
    unit: str
    moq: int | None
    monthly_capacity: int | None
    lead_time_days: int | None
    certifications: tuple[str, ...]
    markets: tuple[str, ...]
    words: tuple[tuple[str, int], ...]  # lexical field: token → term frequency, sorted
    concepts: tuple[tuple[str, float], ...]  # concept field: concept → weight, sorted
    vocabulary_version: str = ""

    def to_bytes(self) -> bytes:
        payload = {
            "format": FEATURES_FORMAT,
            "vocabulary": self.vocabulary_version,
            "sku": self.sku,
            "enterprise": self.enterprise,
            "hs": self.hs_code,
            "unit": self.unit,
            "moq": self.moq,
            "cap": self.monthly_capacity,
            "lead": self.lead_time_days,
            "certs": list(self.certifications),
            "markets": list(self.markets),
            "words": [list(pair) for pair in self.words],
            "concepts": [list(pair) for pair in self.concepts],
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> ListingFeatures:
        payload = json.loads(data.decode("utf-8"))
        if payload.get("format") != FEATURES_FORMAT:
            raise ValueError(f"features format {payload.get('format')!r} is not {FEATURES_FORMAT}")
        return cls(
            sku=payload["sku"],
            enterprise=payload["enterprise"],
            hs_code=payload["hs"],
            unit=payload["unit"],
            moq=payload["moq"],
            monthly_capacity=payload["cap"],
            lead_time_days=payload["lead"],
            certifications=tuple(payload["certs"]),
            markets=tuple(payload["markets"]),
            words=tuple((str(tok), int(tf)) for tok, tf in payload["words"]),
            concepts=tuple((str(cid), float(w)) for cid, w in payload["concepts"]),
            vocabulary_version=payload.get("vocabulary", ""),
        )


def listing_features(listing: Listing, vocabulary: Vocabulary | None = None) -> ListingFeatures:
    """Everything the index needs about one listing, from that listing alone."""
    vocab = vocabulary or default_vocabulary()
    titles = [listing.title, *(text for text in listing.titles.values() if text)]
    title_languages = {"en", *listing.titles.keys()}
    words: Counter[str] = Counter()
    for text in titles:
        for _ in range(TITLE_REPEAT):
            words.update(raw_tokens(text))
    words.update(raw_tokens(listing.description))
    concepts: dict[str, float] = {}
    for text in titles:
        for cid, role in vocab.concepts_by_role(text, title_languages).items():
            weight = DESCRIPTION_CONCEPT_WEIGHT if role == "secondary" else 1.0
            concepts[cid] = max(weight, concepts.get(cid, 0.0))
    for cid in vocab.concepts_in(listing.description, title_languages):
        concepts.setdefault(cid, DESCRIPTION_CONCEPT_WEIGHT)
    return ListingFeatures(
        sku=listing.sku,
        enterprise=listing.enterprise,
        hs_code=listing.hs_code or None,
        unit=listing.unit,
        moq=listing.moq,
        monthly_capacity=listing.monthly_capacity,
        lead_time_days=listing.lead_time_days,
        certifications=tuple(sorted(listing.certifications)),
        markets=tuple(sorted(listing.markets)),
        words=tuple(sorted(words.items())),
        concepts=tuple(sorted(concepts.items())),
        vocabulary_version=vocab.version,
    )
