"""Why a listing matches a request, as a code and its parameters.

``docking/explain.py`` builds the reasons of a ranked listing (HS code, matched concepts or
words, certifications, MOQ, lead time, capacity, unit, exports) as ``Reason`` values;
``english`` writes one as the English line the API, the CLI and the stored enquiries have
always carried, and the pages write it in the reader's language from the same code and
parameters (no parsing of the English line). Pure: no session, no web.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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


__all__ = ["CODES", "SPLIT_REASON", "Reason", "english", "english_lines", "from_json"]
