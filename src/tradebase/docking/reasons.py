"""Why a listing matches a request: every reason the engine gives, as a code and its
parameters, built here and nowhere else in the engine.

``listing_reasons`` says why a ranked listing is in the list (HS code, matched concepts or
words, certifications, MOQ, lead time, capacity, unit, exports) as ``Reason`` values;
``english`` writes one as the English line the API, the CLI and the stored enquiries have
always carried, and the pages write it in the reader's language from the same code and
parameters (no parsing of the English line). Pure: no session, no web.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tradebase.docking.constraints import unit_key
from tradebase.docking.query import QueryTerms
from tradebase.docking.records import MatchRequest
from tradebase.docking.vocabulary import hs_short_description

if TYPE_CHECKING:
    from tradebase.docking.engine import MatchingIndex

SPLIT_REASON = "needs a split over several factories (capacity docking)"

# code → what its parameters are (for the reader; ``english`` is the reference)
CODES: dict[str, str] = {
    "hs": "code, description, mark ('confirmed', 'proposed' or '')",
    "concepts": "concepts (ids), labels (English labels, same order)",
    "words": "words the listing shares with the request",
    "certified": "certification code",
    "moq": "moq, unit, quantity",
    "lead_time": "days, max",
    "deliverable": "quantity, unit, days",
    "capacity_unstated": "(none)",
    "partial": "made, quantity, unit, days",
    "unit_mismatch": "unit (of the listing), requested",
    "exports": "country (ISO 3166 alpha-2)",
}

ReasonValue = str | int | Sequence[str]


@dataclass(frozen=True, slots=True)
class Reason:
    """One line of why a listing matches: ``code`` (see ``CODES``) and its parameters."""

    code: str
    params: Mapping[str, ReasonValue] = field(default_factory=dict)

    def text(self, key: str) -> str:
        return str(self.params.get(key, ""))

    def number(self, key: str) -> int:
        value = self.params.get(key, 0)
        return value if isinstance(value, int) else 0

    def items(self, key: str) -> list[str]:
        value = self.params.get(key, ())
        if isinstance(value, (str, int)):
            return [str(value)]
        return [str(v) for v in value]

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready form: ``{"code", "params"}`` (sequences become lists)."""
        params = {key: list(value) if not isinstance(value, (str, int)) else value
                  for key, value in self.params.items()}
        return {"code": self.code, "params": params}


def from_json(value: Mapping[str, Any]) -> Reason:
    """The reason of an ``as_json`` dict (stored with an enquiry)."""
    params = value.get("params") or {}
    return Reason(str(value.get("code", "")), {
        str(key): (tuple(str(v) for v in item) if isinstance(item, list) else item)
        for key, item in params.items() if isinstance(item, (str, int, list))
    })


def english(reason: Reason) -> str:
    """The English line of ``reason``, as the API and the CLI carry it."""
    r = reason
    match r.code:
        case "hs":
            line = f"HS {r.text('code')} {r.text('description')}".rstrip()
            mark = r.text("mark")
            return line + (" ✓" if mark == "confirmed" else " (as proposed)"
                           if mark == "proposed" else "")
        case "concepts":
            return "matches " + ", ".join(r.items("labels"))
        case "words":
            return "words " + ", ".join(r.items("words"))
        case "certified":
            return f"{r.text('code')} ✓"
        case "moq":
            return f"MOQ {r.number('moq'):,} {r.text('unit')} ≤ {r.number('quantity'):,} ✓"
        case "lead_time":
            return f"lead time {r.number('days')} days ≤ {r.number('max')} ✓"
        case "deliverable":
            return f"{r.number('quantity'):,} {r.text('unit')} within {r.number('days')} days ✓"
        case "capacity_unstated":
            return f"monthly capacity not stated: {SPLIT_REASON}"
        case "partial":
            return (f"can make {r.number('made'):,} of {r.number('quantity'):,} {r.text('unit')} "
                    f"within {r.number('days')} days: {SPLIT_REASON}")
        case "unit_mismatch":
            return (f"listed in {r.text('unit')}, requested in {r.text('requested')}: "
                    "check the quantity")
        case "exports":
            return f"exports to {r.text('country')} already"
    return r.code


def english_lines(reasons: Iterable[Reason]) -> tuple[str, ...]:
    return tuple(english(reason) for reason in reasons)


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


__all__ = ["CODES", "SPLIT_REASON", "Reason", "ReasonContext", "english", "english_lines",
           "from_json", "listing_reasons", "reason_context"]
