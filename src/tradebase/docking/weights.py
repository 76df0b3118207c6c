"""The knobs of the matching engine's ranking (``engine.MatchingIndex``): one frozen value,
tuned on the tuning halves of the evaluation sets only (``eval/tune.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class MatchWeights:
    """The knobs of the ranking, tuned on the tuning half of the evaluation set only."""

    concepts: float = 1.0
    words: float = 0.35
    hs_requested: float = 0.5
    hs_proposed: float = 0.25
    market: float = 0.05
    split_penalty: float = 0.3  # a listing that can make none of the order loses 30 %
    k1: float = 1.2
    b: float = 0.5
    kind_weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "product": 2.0,
            "part": 2.0,
            "material": 1.0,
            "attribute": 1.0,
            "audience": 0.8,
            "packaging": 0.25,
        }
    )
    implied: float = 0.5
    # The nomenclature pivot (nomenclature.py): listings filed under the HS positions the
    # request's own words reach score ``pivot`` × agreement, and count as that much evidence.
    pivot: float = 0.6
    pivot_evidence: float = 0.8
    pivot_positions: int = 5  # positions used, each at least ``pivot_min`` of the first's score
    pivot_min: float = 0.5
    vector: float = 1.0  # the embeddings' nearest listing adds this much (see ``search``)
    vector_min_similarity: float = 0.8  # below it a neighbour adds neither score nor evidence
    # A neighbour that only the embeddings found counts as evidence only when its HS heading
    # agrees with what the text says (see ``_vector_agreement``); with nothing to agree with,
    # when this share of the close neighbours' similarity lies in its heading.
    vector_consensus: float = 0.5
    vector_consensus_of: int = 10  # the nearest neighbours the consensus is taken over
    vector_disagreeing: float = 0.0  # the evidence share left to a neighbour that disagrees
    vector_text_agreement: float = 0.7  # text evidence that makes a listing's heading agree
    floor_probe: int = 30  # text matches looked at to decide that nothing relevant exists
    floor_margin: int = 10  # extra results ranked so that the floor can drop some
    excluded: float = 0.1  # a listing holding what the request rules out keeps a tenth
    # Below this evidence (see ``MatchResult.evidence``) a listing is not shown: calibrated on
    # the tuning halves of the evaluation sets (eval/tune.py), never on a held-out half.
    evidence_floor: float = 0.3
    secondary_product: float = 0.25  # a product named after "with"/"for" is context, not the ask
    language_confidence: float = 0.45  # below this, read the request's words in every language
