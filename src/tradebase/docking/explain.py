"""The reasons shown beside each match, built from what the request asked and what the
listing holds: every reason of the engine is made here (as ``docking.reasons.Reason`` values)
and nowhere else. Pure: no session, no web."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tradebase.docking.constraints import unit_key
from tradebase.docking.query import QueryTerms
from tradebase.docking.reasons import Reason
from tradebase.docking.records import MatchRequest
from tradebase.docking.vocabulary import hs_short_description

if TYPE_CHECKING:
    from tradebase.docking.engine import MatchingIndex


@dataclass(frozen=True, slots=True)
class ReasonContext:
    """What the reasons of every result of one request share."""

    proposal: list[str]  # the HS codes proposed for the request
    concepts: list[tuple[int, str]]  # (term id, concept id) of the request's indexed concepts
    words: list[tuple[int, str]]  # (term id, word) of the request's indexed words, in order
    certifications: list[Reason]  # "FSC ✓" …
    hs_lines: dict[str, Reason]  # HS code → its reason, filled as met


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
        concepts=[(concept_ids[cid], cid) for cid in ordered],
        words=[(word_ids[word], word) for word in query.words if word in word_ids],
        certifications=[Reason("certified", {"code": cert})
                        for cert in sorted(request.required_certifications)],
        hs_lines={},
    )


def hs_line(code: str, request: MatchRequest, context: ReasonContext) -> Reason:
    """The reason of an HS code (each code's reason made once per request)."""
    line = context.hs_lines.get(code)
    if line is None:
        mark = ""
        if request.hs_code and code.startswith(request.hs_code[:4]):
            mark = "confirmed"
        elif any(code.startswith(p) or p.startswith(code) for p in context.proposal):
            mark = "proposed"
        line = Reason("hs", {"code": code, "description": hs_short_description(code),
                             "mark": mark})
        context.hs_lines[code] = line
    return line


def listing_reasons(
    index: MatchingIndex,
    slot: int,
    request: MatchRequest,
    context: ReasonContext,
    made: int | None,
    needs_split: bool,
) -> tuple[Reason, ...]:
    """The reasons of one ranked listing, in the order they are shown."""
    reasons: list[Reason] = []
    code = index._hs_text[slot]
    if code:
        reasons.append(hs_line(code, request, context))
    held = set(index._concepts.forward(slot)[0].tolist())
    matched = [cid for tid, cid in context.concepts if tid in held]
    if matched:
        reasons.append(Reason("concepts", {
            "concepts": matched, "labels": [index.vocabulary.label(c) for c in matched]}))
    else:
        words = set(index._words.forward(slot)[0].tolist())
        shared = [word for tid, word in context.words if tid in words][:5]
        if shared:
            reasons.append(Reason("words", {"words": shared}))
    reasons.extend(context.certifications)
    unit = index._units[slot]
    if request.quantity is not None:
        moq = int(index._moq[slot])
        if moq > 0:
            reasons.append(Reason("moq", {"moq": moq, "unit": unit,
                                          "quantity": request.quantity}))
    if request.max_lead_time_days is not None:
        reasons.append(Reason("lead_time", {"days": int(index._lead[slot]),
                                            "max": request.max_lead_time_days}))
    if request.quantity is not None and request.max_lead_time_days is not None:
        days = request.max_lead_time_days
        if not needs_split:
            reasons.append(Reason("deliverable", {"quantity": request.quantity,
                                                  "unit": unit, "days": days}))
        elif made is None:
            reasons.append(Reason("capacity_unstated"))
        else:
            reasons.append(Reason("partial", {"made": made, "quantity": request.quantity,
                                              "unit": unit, "days": days}))
    if request.unit and unit_key(request.unit) != unit_key(unit):
        reasons.append(Reason("unit_mismatch", {"unit": unit, "requested": request.unit}))
    destination = request.destination
    if destination:
        exports = index._markets.get(destination.upper())
        if exports is not None and exports[slot]:
            reasons.append(Reason("exports", {"country": destination.upper()}))
    return tuple(reasons)


