"""Why a listing matches, in the reader's language: the engine's reasons
(``docking/reasons.py``) written from their codes and parameters through the catalog.

An enquiry stored before the codes were kept has only its English lines: they are shown as
they are."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tradebase.docking.reasons import Reason, from_json
from tradebase.docking.vocabulary import default_vocabulary
from tradebase.registry.hs_names import hs_name
from tradebase.registry.numbers import format_number
from tradebase.web.i18n import N_, Gettext, country_name, get_translations

SPLIT = N_("needs a split over several factories (capacity docking)")
LINES: dict[str, str] = {
    # An HS code's name where one exists in the reader's language; else the code alone.
    "hs_described": N_("HS %(code)s %(description)s"),
    "hs": N_("HS %(code)s"),
    "proposed": N_("%(reason)s (as proposed)"),
    "concepts": N_("matches %(concepts)s"),
    "words": N_("words %(words)s"),
    "moq": N_("MOQ %(moq)s %(unit)s ≤ %(quantity)s ✓"),
    "lead_time": N_("lead time %(days)s days ≤ %(max)s ✓"),
    "deliverable": N_("%(quantity)s %(unit)s within %(days)s days ✓"),
    "capacity_unstated": N_("monthly capacity not stated: %(split)s"),
    "partial": N_("can make %(made)s of %(quantity)s %(unit)s within %(days)s days: %(split)s"),
    "unit_mismatch": N_("listed in %(unit)s, requested in %(requested)s: check the quantity"),
    "exports": N_("exports to %(country)s already"),
}


def reason_lines(
    codes: Sequence[Reason | Mapping[str, Any]], texts: Sequence[str], lang: str
) -> list[str]:
    """The lines of one result's reasons in ``lang`` (``texts``, the English lines, when no
    codes were kept)."""
    if not codes:
        return list(texts)
    gettext = get_translations(lang).gettext
    return [
        reason_line(code if isinstance(code, Reason) else from_json(code), gettext, lang)
        for code in codes
    ]


def reason_line(reason: Reason, gettext: Gettext, lang: str) -> str:
    r = reason

    def number(key: str) -> str:
        return format_number(r.number(key), lang, compact=False)

    def line(key: str, **params: str) -> str:
        return gettext(LINES[key]) % params

    match r.code:
        case "hs":
            description = r.text("description") if lang == "en" else ""
            if lang != "en":  # a Chinese name where the register has one (hs-names-zh.csv)
                name = hs_name(r.text("code"), lang)
                description = name.text if name is not None and not name.fallback else ""
            text = (line("hs_described", code=r.text("code"), description=description)
                    if description else line("hs", code=r.text("code")))
            mark = r.text("mark")
            if mark == "confirmed":
                return text + " ✓"
            return line("proposed", reason=text) if mark == "proposed" else text
        case "concepts":
            vocabulary = default_vocabulary()
            names = [vocabulary.name(cid, lang) for cid in r.items("concepts")]
            return line("concepts", concepts=", ".join(names))
        case "words":
            return line("words", words=", ".join(r.items("words")))
        case "certified":
            return f"{r.text('code')} ✓"
        case "moq":
            return line("moq", moq=number("moq"), unit=r.text("unit"),
                        quantity=number("quantity"))
        case "lead_time":
            return line("lead_time", days=str(r.number("days")), max=str(r.number("max")))
        case "deliverable":
            return line("deliverable", quantity=number("quantity"), unit=r.text("unit"),
                        days=str(r.number("days")))
        case "capacity_unstated":
            return line("capacity_unstated", split=gettext(SPLIT))
        case "partial":
            return line("partial", made=number("made"), quantity=number("quantity"),
                        unit=r.text("unit"), days=str(r.number("days")), split=gettext(SPLIT))
        case "unit_mismatch":
            return line("unit_mismatch", unit=r.text("unit"), requested=r.text("requested"))
        case "exports":
            return line("exports", country=country_name(r.text("country"), lang))
    return r.code


__all__ = ["LINES", "reason_line", "reason_lines"]
