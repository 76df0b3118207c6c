"""Ranking a request's candidates: the hard constraints over whole columns, the mixed text
score, the HS, pivot, market, exclusion and capacity terms, and the ``top_k`` best by score
then sku."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tradebase.docking.bm25 import BoolArray, FloatArray, IntArray
from tradebase.docking.constraints import certification_key, months_within
from tradebase.docking.query import QueryTerms
from tradebase.docking.records import MatchRequest
from tradebase.docking.weights import MatchWeights

if TYPE_CHECKING:
    from tradebase.docking.engine import MatchingIndex


@dataclass(frozen=True, slots=True)
class Row:
    """A ranked listing before its reasons are written."""

    slot: int
    score: float
    made: int | None
    needs_split: bool


class Ranked(list[Row]):
    """Ranked rows, best first, and the HS codes the ranking used (for the reasons)."""

    def __init__(self, rows: list[Row], proposal: list[str]) -> None:
        super().__init__(rows)
        self.proposal = proposal


def rank_candidates(
    index: MatchingIndex,
    request: MatchRequest,
    query: QueryTerms,
    cand: IntArray,
    text: FloatArray,
    pivot: FloatArray | None,
    top_k: int,
) -> Ranked:
    """The ``top_k`` best of the slots ``cand`` (live slots sharing a term with the request,
    increasing) that pass the hard constraints; ``text`` is their mixed text score (``mix``,
    each field divided by its best value over every candidate, passing or not)."""
    keep = passing(index, cand, request)
    cand, score = cand[keep], text[keep]
    if len(cand) == 0:
        return Ranked([], [])
    bonus, proposal = hs_bonus(index, cand, request, query)
    score = score + bonus
    if pivot is not None:
        score = score + index.weights.pivot * pivot[cand]
    if query.excluded_concepts or query.excluded_words:
        n = index._n_slots
        refused = index._concepts.holding(query.excluded_concepts, n)
        refused |= index._words.holding(query.excluded_words, n)
        score = np.where(refused[cand], score * index.weights.excluded, score)
    if request.destination:
        exports = index._markets.get(request.destination.upper())
        if exports is not None:
            score = score + index.weights.market * exports[cand]
    deliverable: IntArray | None = None
    if request.quantity is not None and request.max_lead_time_days is not None:
        months = months_within(request.max_lead_time_days)
        cap = index._cap[cand]
        deliverable = np.where(cap >= 0, cap * months, -1)
        short = np.flatnonzero(deliverable < request.quantity)
        if len(short):
            short_made = deliverable[short]
            share = np.clip(np.maximum(short_made, 0) / max(request.quantity, 1), 0.0, 1.0)
            score[short] = score[short] * (1.0 - index.weights.split_penalty * (1.0 - share))
    if len(cand) > top_k:
        kth = np.partition(score, len(score) - top_k)[len(score) - top_k]
        keep = score >= kth
        cand, score = cand[keep], score[keep]
        if deliverable is not None:
            deliverable = deliverable[keep]
    order = sorted(
        range(len(cand)), key=lambda i: (-float(score[i]), index._skus[int(cand[i])])
    )[:top_k]
    rows = Ranked([], proposal)
    for i in order:
        slot = int(cand[i])
        made = int(deliverable[i]) if deliverable is not None and deliverable[i] >= 0 else None
        needs_split = deliverable is not None and (
            made is None or (request.quantity is not None and made < request.quantity)
        )
        rows.append(Row(slot, float(score[i]), made, needs_split))
    return rows


def passing(index: MatchingIndex, cand: IntArray, request: MatchRequest) -> BoolArray:
    """Which of the slots ``cand`` pass every hard constraint (capacity is not one): the
    rules of ``constraints.check_listing``, over the columns gathered at ``cand``."""
    keep = np.ones(len(cand), dtype=bool)
    for code in sorted(request.required_certifications):
        column = index._certs.get(certification_key(code))
        if column is None:
            return np.zeros(len(cand), dtype=bool)
        keep &= column[cand]
    if request.quantity is not None:
        keep &= index._moq[cand] <= request.quantity
    max_lead = request.max_lead_time_days
    if max_lead is not None:
        if max_lead < 0:
            return np.zeros(len(cand), dtype=bool)
        # An unstated lead time (-1) reads as the largest unsigned number: it never passes.
        keep &= index._lead.view(np.uint64)[cand] <= np.uint64(max_lead)
    return keep


def hs_bonus(
    index: MatchingIndex, cand: IntArray, request: MatchRequest, query: QueryTerms
) -> tuple[FloatArray, list[str]]:
    hs = index._hs[cand]
    bonus = np.zeros(len(cand))
    if request.hs_code:
        bonus += index.weights.hs_requested * hs_agreement(hs, request.hs_code)
        return bonus, [request.hs_code]
    proposal = index._hs_candidates(query)
    if proposal:
        best = np.zeros(len(cand))
        for code in proposal:
            best = np.maximum(best, hs_agreement(hs, code))
        bonus += index.weights.hs_proposed * best
    return bonus, proposal


def mix(
    weights: MatchWeights,
    concept_scores: FloatArray,
    word_scores: FloatArray,
    c_max: float | None = None,
    w_max: float | None = None,
) -> FloatArray:
    """``concepts × c/c_max + words × w/w_max``; the maxima default to those of the given
    scores (a caller that mixes a subset passes the maxima over every candidate)."""
    if c_max is None:
        c_max = float(concept_scores.max()) if len(concept_scores) else 0.0
    if w_max is None:
        w_max = float(word_scores.max()) if len(word_scores) else 0.0
    mixed = np.zeros(len(concept_scores))
    if c_max > 0:
        mixed += (weights.concepts / c_max) * concept_scores
    if w_max > 0:
        mixed += (weights.words / w_max) * word_scores
    return mixed


def hs_number(code: str | None) -> int:
    if not code:
        return -1
    digits = "".join(ch for ch in code if ch.isdigit())[:6]
    if len(digits) < 4:
        return -1
    return int(digits.ljust(6, "0"))


def hs_agreement(hs: IntArray, code: str) -> FloatArray:
    """1 for the same subheading (or heading, when ``code`` is a heading), ½ for the same
    heading only, 0 otherwise (``hs`` holds six-digit numbers, -1 when unknown)."""
    digits = "".join(ch for ch in code if ch.isdigit())
    if len(digits) >= 6:
        target = int(digits[:6])
        low = target - target % 100
        same_heading = (hs >= low) & (hs < low + 100)
        return np.where(hs == target, 1.0, np.where(same_heading, 0.5, 0.0))
    if len(digits) >= 4:
        low = int(digits[:4]) * 100
        return np.where((hs >= low) & (hs < low + 100), 1.0, 0.0)
    return np.zeros(len(hs))
