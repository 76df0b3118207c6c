"""A procurement round in the reader's language: its status, its materials' units, and why
each lot was awarded as it was — written from the engine's codes and figures
(``allocation/procurement.py``) through the catalog, never from its English sentences.

An award stored before the codes were kept has only its English reasons: they are shown as
they are."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tradebase.registry.numbers import format_money, format_number
from tradebase.web.i18n import N_, Gettext

ROUND_STATUSES = {
    "open": N_("Open for needs and quotes"),
    "closed": N_("Closed, award not yet published"),
    "published": N_("Award published"),
}
AWARD_REASONS = {
    "whole_lot": N_("the whole lot"),
    "cheapest_whole_lot": N_("cheapest for the whole lot"),
    "capacity_bound": N_("as much as its capacity allows"),
    "below_next_tier": N_("just below the next tier"),
    "at_tier": N_("exactly at the tier"),
}
TIER = N_("tier ≥ %(min_quantity)s at %(unit_price)s")
REASON_SEPARATOR = N_("; ")
# The units materials are counted in, as base administrators type them: each spelling of a
# known unit -> its name; any other unit is shown as typed.
_UNIT_NAMES = {
    "pcs": N_("pcs"), "sheet": N_("sheet"), "m": N_("m"), "m2": N_("m²"), "m3": N_("m³"),
    "kg": N_("kg"), "g": N_("g"), "t": N_("t"), "l": N_("l"), "roll": N_("roll"),
    "pairs": N_("pairs"), "sets": N_("sets"), "box": N_("box"), "carton": N_("carton"),
    "bag": N_("bag"), "drum": N_("drum"), "bottle": N_("bottle"), "ream": N_("ream"),
    "pallet": N_("pallet"), "coil": N_("coil"), "bale": N_("bale"),
}
_UNIT_SPELLINGS = {
    "pc": "pcs", "piece": "pcs", "pieces": "pcs", "sheets": "sheet", "metre": "m",
    "metres": "m", "meter": "m", "meters": "m", "m²": "m2", "sqm": "m2", "m³": "m3",
    "cbm": "m3", "kgs": "kg", "kilogram": "kg", "kilograms": "kg", "ton": "t", "tons": "t",
    "tonne": "t", "tonnes": "t", "litre": "l", "litres": "l", "liter": "l", "liters": "l",
    "rolls": "roll", "pair": "pairs", "set": "sets", "boxes": "box", "cartons": "carton",
    "bags": "bag", "drums": "drum", "bottles": "bottle", "reams": "ream", "pallets": "pallet",
    "coils": "coil", "bales": "bale", "grams": "g", "gram": "g",
}
_EXPLAINED = {
    "head": N_("%(materials)s material(s) pooled from %(needs)s need(s) and %(quotes)s "
               "quote(s): %(total)s in all, against %(alone)s if each enterprise bought its own "
               "need alone."),
    "material": N_("%(material)s: %(quantity)s %(unit)s pooled from %(needs)s need(s), awarded "
                   "to %(suppliers)s supplier(s) for %(cost)s, against %(alone)s if each "
                   "enterprise bought its own need alone at the cheapest it could."),
    "unserved": N_("%(count)s need(s) too small or too large for any quote alone are priced "
                   "at the cheapest first-tier price in the standalone cost."),
    "short": N_("%(material)s: %(quantity)s %(unit)s needed; the quotes can supply at most "
                "%(reach)s within their capacities, minimum tiers and whole-lot conditions."),
    "infeasible": N_("Not every need can be met: the saving counts only fully awarded "
                     "materials."),
    "ignored": N_("Quotes for materials nobody needs were ignored: %(materials)s."),
}
NO_NEED = N_("No enterprise declared a need in this round.")


def round_status(code: str, gettext: Gettext) -> str:
    """A round's status by name (an unknown one as its code)."""
    return gettext(ROUND_STATUSES[code]) if code in ROUND_STATUSES else code


def unit_name(unit: str | None, gettext: Gettext) -> str:
    """A material's unit in the reader's language when it is a known one, else as typed."""
    if not unit:
        return ""
    key = unit.strip().casefold().rstrip(".")
    key = _UNIT_SPELLINGS.get(key, key)
    return gettext(_UNIT_NAMES[key]) if key in _UNIT_NAMES else unit


def award_reason(award: Mapping[str, Any], currency: str, lang: str, gettext: Gettext) -> str:
    """Why one supplier got this quantity: the tier it reached and the reasons' names."""
    codes = award.get("reason_codes")
    if codes is None or award.get("tier_min") is None:
        return str(award.get("reason", ""))
    parts = [gettext(TIER) % {
        "min_quantity": format_number(award["tier_min"], lang, compact=False),
        "unit_price": format_money(award["unit_price"], currency, lang=lang)}]
    parts += [gettext(AWARD_REASONS[code]) for code in codes if code in AWARD_REASONS]
    return gettext(REASON_SEPARATOR).join(parts)


def _material_lines(m: Mapping[str, Any], units: Mapping[str, str], lang: str,
                    gettext: Gettext, currency: str) -> list[str]:
    """What happened to one material: its award (or how far it could be met), and the needs
    left unserved."""
    def number(value: float) -> str:
        return format_number(value, lang, compact=False)

    def money(value: float) -> str:
        return format_money(value, currency, lang=lang)

    def say(key: str, **params: object) -> str:
        return gettext(_EXPLAINED[key]) % params

    what = {"material": m["material"], "quantity": number(m["pooled_quantity"]),
            "unit": unit_name(units.get(m["material"]), gettext)}
    if m.get("reach") is not None:
        return [say("short", reach=number(m["reach"]), **what)]
    lines = [say("material", needs=number(m["needs"]), suppliers=number(m["suppliers"]),
                 cost=money(m["cost"]), alone=money(m["standalone_cost"]), **what)]
    if m.get("unserved"):
        lines.append(say("unserved", count=number(m["unserved"])))
    return lines


def explanation(result: Mapping[str, Any], units: Mapping[str, str], lang: str,
                gettext: Gettext) -> list[str]:
    """The award's explanation, one line a sentence, from its figures (``units``: each
    material's unit as typed). An award stored before the figures were kept shows its
    English explanation."""
    materials = result.get("materials") or []
    if not materials:
        return [gettext(NO_NEED)]
    if "needs" not in materials[0]:
        return [line.lstrip("- ") for line in str(result.get("explanation", "")).splitlines()]
    currency = str(result.get("currency") or "")

    def number(value: float) -> str:
        return format_number(value, lang, compact=False)

    def money(value: float) -> str:
        return format_money(value, currency, lang=lang)

    def say(key: str, **params: object) -> str:
        return gettext(_EXPLAINED[key]) % params

    lines = [say("head", materials=number(len(materials)), needs=number(result.get("needs", 0)),
                 quotes=number(result.get("quotes", 0)), total=money(result["total_cost"]),
                 alone=money(result["standalone_cost"]))]
    for m in materials:
        lines += _material_lines(m, units, lang, gettext, currency)
    if any(m.get("reach") is not None for m in materials):
        lines.append(say("infeasible"))
    if result.get("ignored_materials"):
        lines.append(say("ignored", materials=", ".join(result["ignored_materials"])))
    return lines


# The award workbook (``allocation.rounds.award_workbook``): its labels, as that module lists
# them in WORKBOOK_LABELS, and the solver's statuses.
_WORKBOOK_LABELS = (
    N_("Awards"), N_("Materials"), N_("Shares"), N_("Round"), N_("Status"), N_("Currency"),
    N_("Total cost"), N_("Cost if each enterprise bought alone"), N_("Saving from pooling"),
    N_("Saving from splitting between suppliers"), N_("Material"), N_("Supplier"),
    N_("Quantity"), N_("Unit price"), N_("Cost"), N_("Reason"), N_("Pooled quantity"),
    N_("Awarded"), N_("Standalone cost"), N_("Saving"), N_("Suppliers"), N_("Explanation"),
    N_("Enterprise"), N_("Requested"),
)
AWARD_STATUSES = {
    "optimal": N_("optimal: proven the cheapest"),
    "feasible": N_("feasible: the cheapest found, not proven"),
    "infeasible": N_("not every need can be met"),
    "no_solution": N_("no award found in the time allowed"),
}


class CatalogWorkbookWords:
    """The award workbook in the reader's language (``units``: each material's unit)."""

    def __init__(self, lang: str, gettext: Gettext, currency: str,
                 units: Mapping[str, str]) -> None:
        self.lang, self.gettext, self.currency, self.units = lang, gettext, currency, units

    def label(self, english: str) -> str:
        return self.gettext(english)

    def status(self, code: str) -> str:
        return self.gettext(AWARD_STATUSES[code]) if code in AWARD_STATUSES else code

    def reason(self, award: Mapping[str, Any]) -> str:
        return award_reason(award, self.currency, self.lang, self.gettext)

    def material_explanation(self, material: Mapping[str, Any]) -> str:
        if "needs" not in material:  # an award stored before the figures were kept
            return str(material.get("explanation", ""))
        return " ".join(_material_lines(material, self.units, self.lang, self.gettext,
                                        self.currency))
