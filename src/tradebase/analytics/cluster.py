"""Cluster measures as the field defines them: location quotients, strong clusters,
specialisation and its change over time. A pure engine: numbers in, results out.

A base's figure (employment, establishments or exports) in one industry is compared with its
reference region's (the province, the nation). Where a reference total is not loaded, the
result says ``reference_missing`` and which totals are missing; it is never computed against
nothing or against 0. See docs/analytics.md, "Cluster measures".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    OK = "ok"
    REFERENCE_MISSING = "reference_missing"
    """A reference total (the province's, the nation's) is not loaded."""
    UNDEFINED = "undefined"
    """The figures are there but the measure has no value (a total of 0, a base larger
    than its reference); ``reason`` says which."""


class Basis(StrEnum):
    """What is counted."""

    EMPLOYMENT = "employment"
    ESTABLISHMENTS = "establishments"
    EXPORTS = "exports"


@dataclass(frozen=True)
class Figures:
    """One place's count in the industry and over all industries; None where not loaded."""

    industry: float | None
    total: float | None


@dataclass(frozen=True)
class Measure:
    """A measure's value, or why there is none."""

    value: float | None
    status: Status = Status.OK
    missing: tuple[str, ...] = ()
    """The figures that are not loaded, e.g. ``("province.total",)``."""
    reason: str = ""
    """Why an undefined measure has no value, as a code (``base_total_zero``, ...)."""

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


def _missing(**figures: float | None) -> tuple[str, ...]:
    return tuple(name for name, value in figures.items() if value is None)


def location_quotient(base: Figures, reference: Figures | None,
                      reference_name: str = "reference") -> Measure:
    """``LQ = (e_i / e) / (E_i / E)``: the industry's share of the base over its share of the
    reference region. Above 1 the base is specialised in the industry."""
    ref = reference or Figures(None, None)
    e_i, e, big_e_i, big_e = base.industry, base.total, ref.industry, ref.total
    if e_i is None or e is None or big_e_i is None or big_e is None:
        missing = _missing(**{"base.industry": e_i, "base.total": e,
                              f"{reference_name}.industry": big_e_i,
                              f"{reference_name}.total": big_e})
        if big_e_i is None or big_e is None:
            return Measure(None, Status.REFERENCE_MISSING, missing)
        return Measure(None, Status.UNDEFINED, missing, "base_missing")
    if min(e_i, e, big_e_i, big_e) < 0:
        return Measure(None, Status.UNDEFINED, reason="negative")
    if e == 0:
        return Measure(None, Status.UNDEFINED, reason="base_total_zero")
    if big_e_i == 0 or big_e == 0:
        return Measure(None, Status.UNDEFINED, reason="reference_zero")
    if e_i > big_e_i or e > big_e or e_i > e:
        return Measure(None, Status.UNDEFINED, reason="base_exceeds_reference")
    return Measure((e_i / e) / (big_e_i / big_e))


@dataclass(frozen=True)
class Quotients:
    """A base's location quotients in one industry against its province and the nation."""

    basis: Basis
    province: Measure
    nation: Measure


def base_quotients(base: Figures, province: Figures | None, nation: Figures | None,
                   basis: Basis = Basis.EMPLOYMENT) -> Quotients:
    """The base's LQ against its province and against the nation, each or its reason."""
    return Quotients(basis, location_quotient(base, province, "province"),
                     location_quotient(base, nation, "nation"))


STRONG_TOP_SHARE = 0.20
"""A strong cluster is in the top 20 % of the compared places (docs/analytics.md)."""


@dataclass(frozen=True)
class StrongCluster:
    """The strong-cluster test of one place in one industry, with what it rests on."""

    strong: bool | None
    """None when the place's LQ or a reference is missing: not known, not false."""
    lq: Measure
    rank: int | None = None
    """1 for the highest LQ among the places compared."""
    places: int = 0
    """How many places had an LQ to compare."""
    by_share: bool = False
    """Whether it passed on its share of the nation's industry figure."""
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _in_top(value: float, values: Sequence[float], top_share: float) -> tuple[bool, int]:
    """Whether ``value`` is in the top share of ``values`` (ties share the better rank)."""
    rank = 1 + sum(1 for other in values if other > value)
    return rank <= max(1, math.floor(top_share * len(values) + 1e-9)), rank


def strong_cluster(place: str, quotients: Mapping[str, Measure],
                   national_shares: Mapping[str, float] | None = None, *,
                   top_share: float = STRONG_TOP_SHARE, min_lq: float = 1.0) -> StrongCluster:
    """The US Cluster Mapping "strong cluster" test as Tradebase defines it.

    ``quotients`` holds every compared place's LQ in the industry (against the same
    reference); ``national_shares`` optionally each place's share of the nation's figure in
    the industry. The place's cluster is strong when its LQ is at least ``min_lq`` and it is
    in the top ``top_share`` of the places by LQ, or by share of national employment.
    """
    lq = quotients.get(place, Measure(None, Status.REFERENCE_MISSING, (f"{place}.lq",)))
    if not lq.ok or lq.value is None:
        return StrongCluster(None, lq, reasons=(lq.status.value,))
    values = [m.value for m in quotients.values() if m.ok and m.value is not None]
    top_lq, rank = _in_top(lq.value, values, top_share)
    by_share = False
    if national_shares is not None and place in national_shares:
        by_share, _ = _in_top(national_shares[place], list(national_shares.values()),
                              top_share)
    reasons = []
    if lq.value < min_lq:
        reasons.append("lq_below_minimum")
    if not (top_lq or by_share):
        reasons.append("not_in_top_share")
    return StrongCluster(not reasons, lq, rank, len(values), by_share and not top_lq,
                         tuple(reasons))


def specialisation(industry_figures: Mapping[str, float | None]) -> dict[str, Measure]:
    """Each industry's share of the place's total (the place's structure)."""
    known = {k: v for k, v in industry_figures.items() if v is not None}
    total = sum(known.values())
    result: dict[str, Measure] = {}
    for industry, value in industry_figures.items():
        if value is None:
            result[industry] = Measure(None, Status.UNDEFINED, (industry,), "missing")
        elif total <= 0:
            result[industry] = Measure(None, Status.UNDEFINED, reason="base_total_zero")
        else:
            result[industry] = Measure(value / total)
    return result


def krugman_index(base: Mapping[str, float], reference: Mapping[str, float] | None) -> Measure:
    """Krugman's specialisation index: ``sum_i |s_i - S_i|`` over the industries' shares of
    the base and of its reference; 0 for the same structure, up to 2 for none in common."""
    if reference is None or not reference:
        return Measure(None, Status.REFERENCE_MISSING, ("reference",))
    base_total, ref_total = sum(base.values()), sum(reference.values())
    if base_total <= 0 or ref_total <= 0:
        return Measure(None, Status.UNDEFINED, reason="total_zero")
    industries = set(base) | set(reference)
    return Measure(sum(abs(base.get(i, 0.0) / base_total - reference.get(i, 0.0) / ref_total)
                       for i in industries))


@dataclass(frozen=True)
class Change:
    """How a measure moved between two years."""

    start_year: int | None
    end_year: int | None
    start: float | None
    end: float | None
    change: Measure
    """``end - start``."""
    per_year: Measure
    """The change divided by the years between (not a compound rate)."""


def specialisation_change(series: Mapping[int, Measure]) -> Change:
    """The change of a measure (an LQ, a share) from its first to its last year with a value.

    Years whose measure is missing are left out of the ends but reported: a change that
    cannot be computed because a reference is missing says so.
    """
    known = sorted(year for year, m in series.items() if m.ok and m.value is not None)
    absent = tuple(str(year) for year, m in sorted(series.items()) if not m.ok)
    if len(known) < 2:
        status = (Status.REFERENCE_MISSING
                  if any(m.status is Status.REFERENCE_MISSING for m in series.values())
                  else Status.UNDEFINED)
        missing = Measure(None, status, absent, "fewer_than_two_years")
        first = known[0] if known else None
        value = series[first].value if first is not None else None
        return Change(first, first, value, value, missing, missing)
    start_year, end_year = known[0], known[-1]
    start, end = series[start_year].value or 0.0, series[end_year].value or 0.0
    difference = end - start
    return Change(start_year, end_year, start, end, Measure(difference, missing=absent),
                  Measure(difference / (end_year - start_year), missing=absent))
