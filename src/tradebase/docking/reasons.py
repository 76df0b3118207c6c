"""The reasons shown beside each match: why a listing is in the list, in short lines built
from what the request asked and what the listing holds (HS code, matched concepts or words,
certifications, MOQ, lead time, capacity, unit, exports). Every reason's text is built here
and nowhere else in the engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tradebase.docking.constraints import unit_key
from tradebase.docking.query import QueryTerms
from tradebase.docking.records import MatchRequest
from tradebase.docking.vocabulary import hs_short_description

if TYPE_CHECKING:
    from tradebase.docking.engine import MatchingIndex

SPLIT_REASON = "needs a split over several factories (capacity docking)"


@dataclass(frozen=True, slots=True)
class ReasonContext:
    """What the reasons of every result of one request share."""

    proposal: list[str]  # the HS codes proposed for the request
    concepts: list[tuple[int, str]]  # (term id, label) of the request's indexed concepts, in order
    words: list[tuple[int, str]]  # (term id, word) of the request's indexed words, in order
    certifications: list[str]  # "FSC ✓" …
    hs_lines: dict[str, str]  # HS code → its reason line, filled as met


def reason_context(
    index: MatchingIndex, request: MatchRequest, query: QueryTerms, proposal: list[str]
) -> ReasonContext:
    """What the reasons of every result of one request share, worked out once."""
    concept_ids = index._concepts.term_ids
    ordered = sorted(
        (cid for cid in query.concepts if cid in concept_ids),
        key=lambda cid: (not index.vocabulary.is_product(cid), cid),
    )
    word_ids = index._words.term_ids
    return ReasonContext(
        proposal=proposal,
        concepts=[(concept_ids[cid], index.vocabulary.label(cid)) for cid in ordered],
        words=[(word_ids[word], word) for word in query.words if word in word_ids],
        certifications=[f"{cert} ✓" for cert in sorted(request.required_certifications)],
        hs_lines={},
    )


def hs_line(code: str, request: MatchRequest, context: ReasonContext) -> str:
    """The reason line of an HS code (each code's line written once per request)."""
    line = context.hs_lines.get(code)
    if line is None:
        line = f"HS {code} {hs_short_description(code)}".rstrip()
        if request.hs_code and code.startswith(request.hs_code[:4]):
            line += " ✓"
        elif any(code.startswith(p) or p.startswith(code) for p in context.proposal):
            line += " (as proposed)"
        context.hs_lines[code] = line
    return line


def listing_reasons(
    index: MatchingIndex,
    slot: int,
    request: MatchRequest,
    context: ReasonContext,
    made: int | None,
    needs_split: bool,
) -> tuple[str, ...]:
    """The reasons of one ranked listing, in the order they are shown."""
    reasons: list[str] = []
    code = index._hs_text[slot]
    if code:
        reasons.append(hs_line(code, request, context))
    held = set(index._concepts.forward(slot)[0].tolist())
    matched = [label for tid, label in context.concepts if tid in held]
    if matched:
        reasons.append("matches " + ", ".join(matched))
    else:
        words = set(index._words.forward(slot)[0].tolist())
        shared = [word for tid, word in context.words if tid in words][:5]
        if shared:
            reasons.append("words " + ", ".join(shared))
    reasons.extend(context.certifications)
    unit = index._units[slot]
    if request.quantity is not None:
        moq = int(index._moq[slot])
        if moq > 0:
            reasons.append(f"MOQ {moq:,} {unit} ≤ {request.quantity:,} ✓")
    if request.max_lead_time_days is not None:
        reasons.append(
            f"lead time {int(index._lead[slot])} days ≤ {request.max_lead_time_days} ✓"
        )
    if request.quantity is not None and request.max_lead_time_days is not None:
        days = request.max_lead_time_days
        if not needs_split:
            reasons.append(f"{request.quantity:,} {unit} within {days} days ✓")
        elif made is None:
            reasons.append(f"monthly capacity not stated: {SPLIT_REASON}")
        else:
            reasons.append(
                f"can make {made:,} of {request.quantity:,} {unit} within {days} days: "
                f"{SPLIT_REASON}"
            )
    if request.unit and unit_key(request.unit) != unit_key(unit):
        reasons.append(f"listed in {unit}, requested in {request.unit}: check the quantity")
    destination = request.destination
    if destination:
        exports = index._markets.get(destination.upper())
        if exports is not None and exports[slot]:
            reasons.append(f"exports to {destination.upper()} already")
    return tuple(reasons)
