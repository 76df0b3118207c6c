"""How much of a request a listing shows (``MatchResult.evidence``), and what a second
retriever's neighbours (the embeddings) add to it: the evidence floor decides from these
whether a listing is shown and whether anything relevant exists at all."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt

from tradebase.docking.bm25 import BoolArray, FloatArray, IntArray
from tradebase.docking.query import QueryTerms
from tradebase.docking.ranking import hs_number
from tradebase.docking.records import MatchRequest

if TYPE_CHECKING:
    from tradebase.docking.engine import MatchingIndex


class Evidence:
    """How much of a request each listing shows (``MatchResult.evidence``): the larger of the
    share of the request's concept weight it holds and the idf-weighted share of its words.

    Worked out only for the slots it is read for (``at``: the ranked rows, the floor probe),
    from the live postings of the request's terms, adding each term's share in query order
    as the dense column (``at_least``) does, so both give the same numbers."""

    def __init__(
        self, index: MatchingIndex, query: QueryTerms, pivot: FloatArray | None = None
    ) -> None:
        w = index.weights
        n, alive = index._n_alive, index._alive
        self._n_slots = index._n_slots
        # When the request names no product the vocabulary knows, the words no concept covers
        # are likely the product ("stainless steel kitchen knives" shares only "metal" with a
        # steel chair): they weigh in the concept share as one product the listing lacks.
        concept_total = sum(query.concepts.values())
        if concept_total and query.unread:
            concept_total += w.kind_weights["product"]
        self._concept_total = concept_total
        self._concept_terms: list[tuple[npt.NDArray[np.int32], float]] = []
        if concept_total:
            self._concept_terms = index._concepts.holders(
                ((cid, weight, weight) for cid, weight in query.concepts.items()),
                n, w.k1, w.b, alive,
            )
        words = index._words
        idf: dict[str, float] = {}
        for word in query.words:
            tid = words.term_ids.get(word)
            df = words.df[tid] if tid is not None else 0
            idf[word] = math.log(1.0 + (max(n, 1) - df + 0.5) / (df + 0.5))
        self._word_total = sum(idf.values())
        self._word_terms: list[tuple[npt.NDArray[np.int32], float]] = []
        if self._word_total:
            self._word_terms = words.holders(
                ((word, 1.0, value) for word, value in idf.items()), n, w.k1, w.b, alive
            )
        self._pivot = pivot
        self._pivot_evidence = w.pivot_evidence
        self._vouched: FloatArray | None = None

    def vouch(self, vouched: FloatArray | None) -> None:
        """Add the evidence a second retriever's agreeing neighbours carry."""
        if vouched is not None:
            self._vouched = (
                vouched if self._vouched is None else np.maximum(self._vouched, vouched)
            )

    def at(self, slots: IntArray) -> FloatArray:
        """The evidence of each of ``slots`` (retired slots show nothing)."""
        seen = np.zeros(len(slots))
        if self._concept_total:
            seen = _held(self._concept_terms, slots) / self._concept_total
        if self._word_total:
            seen = np.maximum(seen, _held(self._word_terms, slots) / self._word_total)
        if self._pivot is not None:
            seen = np.maximum(seen, self._pivot_evidence * self._pivot[slots])
        if self._vouched is not None:
            seen = np.maximum(seen, self._vouched[slots])
        return seen

    def at_least(self, level: float) -> IntArray:
        """The slots showing at least ``level`` of the request (retired slots show nothing):
        the one reading over every slot, as a dense column."""
        n = self._n_slots
        seen = np.zeros(n)
        if self._concept_total:
            seen = _column(self._concept_terms, n) / self._concept_total
        if self._word_total:
            seen = np.maximum(seen, _column(self._word_terms, n) / self._word_total)
        if self._pivot is not None:
            seen = np.maximum(seen, self._pivot_evidence * self._pivot)
        if self._vouched is not None:
            seen = np.maximum(seen, self._vouched)
        return np.flatnonzero(seen >= level)

    def best(self, slots: IntArray) -> float:
        return float(self.at(slots).max()) if len(slots) else 0.0


def _held(terms: Sequence[tuple[npt.NDArray[np.int32], float]], slots: IntArray) -> FloatArray:
    """Per slot, the sum of the shares of the terms whose (sorted) live postings hold it."""
    held = np.zeros(len(slots))
    for docs, share in terms:
        at = np.searchsorted(docs, slots)
        np.minimum(at, len(docs) - 1, out=at)
        held += np.where(docs[at] == slots, share, 0.0)
    return held


def _column(terms: Sequence[tuple[npt.NDArray[np.int32], float]], n_slots: int) -> FloatArray:
    """``_held`` for every slot, as one ``bincount``."""
    if not terms:
        return np.zeros(n_slots)
    slots = np.concatenate([docs for docs, _ in terms])
    shares = np.concatenate([np.full(len(docs), share) for docs, share in terms])
    return cast(FloatArray, np.bincount(slots, shares, minlength=n_slots))


def add_similar(
    index: MatchingIndex,
    similar: Sequence[tuple[str, float]],
    hits: BoolArray,
    pivot: FloatArray | None,
    agreeing: Collection[int] | None = None,
) -> tuple[FloatArray | None, FloatArray | None]:
    """Fold a second retriever's listings into the pivot column (both add a score that
    the text fields do not carry), and the evidence they add: only for neighbours whose
    HS heading is in ``agreeing`` (None: every heading agrees)."""
    slots = [(index._slot_of.get(sku), sim) for sku, sim in similar]
    found = [(slot, sim) for slot, sim in slots if slot is not None]
    if not found:
        return pivot, None
    w = index.weights
    sims = np.array([sim for _, sim in found])
    low, high = float(sims.min()), float(sims.max())
    rescaled = (sims - low) / (high - low) if high > low else np.ones(len(sims))
    # evidence: only listings close in absolute terms, not merely the nearest of a few
    close = sims >= w.vector_min_similarity
    strength = np.where(close, rescaled, 0.0) * w.vector
    column = pivot.copy() if pivot is not None else np.zeros(index._n_slots)
    rows = np.array([slot for slot, _ in found], dtype=np.int64)
    np.maximum.at(column, rows, strength / max(w.pivot, 1e-9))
    hits[rows] = True
    if agreeing is None:
        vouched = strength
    else:
        headings = index._hs[rows] // 100
        vouched = np.where(
            np.isin(headings, list(agreeing)), strength, w.vector_disagreeing * strength
        )
    evidence = np.zeros(index._n_slots)
    np.maximum.at(evidence, rows, w.pivot_evidence * vouched / max(w.pivot, 1e-9))
    return column, evidence


def vector_agreement(
    index: MatchingIndex,
    request: MatchRequest,
    query: QueryTerms,
    similar: Sequence[tuple[str, float]],
    evidence: Evidence,
) -> set[int]:
    """The HS headings (four-digit numbers) a listing found only by the embeddings must
    be filed under to count as evidence: the request's own code, else the headings its
    words reach in the nomenclature, its vocabulary concepts propose and the listings
    that show much of its text are filed under, and the heading holding a clear share of
    the close neighbours. Neighbours scattered over headings nothing in the text points
    to are what a request for a product nobody lists gets."""
    if request.hs_code:
        return {hs_number(request.hs_code) // 100}
    w = index.weights
    headings = {code // 100 for code, _ in query.positions}
    headings |= {hs_number(code) // 100 for code in index._hs_candidates(query)}
    strong = evidence.at_least(w.vector_text_agreement)
    headings |= {int(code) // 100 for code in np.unique(index._hs[strong])}
    headings.discard(-1)
    mass: dict[int, float] = {}
    for sku, sim in similar[: w.vector_consensus_of]:
        slot = index._slot_of.get(sku)
        if slot is None or sim < w.vector_min_similarity or index._hs[slot] < 0:
            continue
        heading = int(index._hs[slot]) // 100
        mass[heading] = mass.get(heading, 0.0) + sim
    total = sum(mass.values())
    return headings | {h for h, m in mass.items() if total and m / total >= w.vector_consensus}


def relevant_exists(
    index: MatchingIndex,
    cand: IntArray,
    text: FloatArray,
    pivot: FloatArray | None,
    evidence: Evidence,
) -> bool:
    """Whether one of the best text matches, constraints aside, clears the floor (``cand``
    the slots sharing a term with the request, ``text`` their mixed text score)."""
    if len(cand) == 0:
        return False
    if pivot is not None:
        text = text + index.weights.pivot * pivot[cand]
    probe = index.weights.floor_probe
    best = cand if len(cand) <= probe else cand[np.argpartition(-text, probe)[:probe]]
    return evidence.best(best) >= index.weights.evidence_floor
