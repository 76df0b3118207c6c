"""An evaluation scheme as its JSON file writes it: read, checked (what is wrong and where),
and its version (the SHA-256 of its canonical JSON). Pure.

    {"name", "year"?, "missing": "exclude"|"zero_flagged",
     "indicators": [{"metric", "weight", "normalise": "minmax"|"zscore"|"rank",
                     "transform"?: "level"|"per_employee"|"per_enterprise"|"growth", "min"?}]}
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from tradebase.errors import InvalidInput
from tradebase.registry.metrics import METRICS

_E = TypeVar("_E", bound=StrEnum)


class Normalise(StrEnum):
    MINMAX = "minmax"
    ZSCORE = "zscore"
    RANK = "rank"


class Transform(StrEnum):
    LEVEL = "level"
    PER_EMPLOYEE = "per_employee"
    PER_ENTERPRISE = "per_enterprise"
    GROWTH = "growth"


class MissingRule(StrEnum):
    EXCLUDE = "exclude"  # a base without a value of every indicator is left out
    ZERO_FLAGGED = "zero_flagged"  # a missing value counts 0 and is listed under "missing"


@dataclass(frozen=True)
class Indicator:
    metric: str
    weight: float
    normalise: Normalise
    transform: Transform = Transform.LEVEL
    min: float | None = None
    key: str = ""
    """The indicator's name in a breakdown: its metric, or ``metric:transform`` when the
    scheme names the metric twice."""


@dataclass(frozen=True)
class Scheme:
    name: str
    year: int | None
    missing: MissingRule
    indicators: tuple[Indicator, ...]


_TOP = {"name", "year", "missing", "indicators"}
_INDICATOR = {"metric", "weight", "normalise", "transform", "min"}


def _bad(field: str, message: str, **params: str | int | float) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", field=field, code="analytics.scheme_invalid",
                        params={"field": field, "problem": message, **params})


def _number(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(field, f"must be a number, not {json.dumps(value)}")
    return float(value)


def _choice(value: object, field: str, kind: type[_E]) -> _E:
    choices = [member.value for member in kind]
    if value not in choices:
        raise _bad(field, f"must be one of {', '.join(choices)}, not {json.dumps(value)}")
    return kind(value)


def _indicator(item: object, where: str) -> Indicator:
    if not isinstance(item, dict):
        raise _bad(where, "must be an object")
    if unknown := sorted(set(item) - _INDICATOR):
        raise _bad(f"{where}.{unknown[0]}", "is not a field of an indicator")
    metric = item.get("metric")
    if not isinstance(metric, str) or metric not in METRICS:
        raise _bad(f"{where}.metric", f"{json.dumps(metric)} is not a documented metric "
                   "(docs/indicators.md)")
    if "weight" not in item:
        raise _bad(f"{where}.weight", "is required")
    weight = _number(item["weight"], f"{where}.weight")
    if weight < 0:
        raise _bad(f"{where}.weight", "must not be negative")
    if "normalise" not in item:
        raise _bad(f"{where}.normalise", "is required")
    normalise = _choice(item["normalise"], f"{where}.normalise", Normalise)
    transform = _choice(item.get("transform", "level"), f"{where}.transform", Transform)
    minimum = item.get("min")
    return Indicator(metric, weight, normalise, transform,
                     None if minimum is None else _number(minimum, f"{where}.min"))


def parse_scheme(data: object) -> Scheme:
    """The scheme a parsed JSON document describes; ``InvalidInput`` naming the field
    (``indicators[1].normalise``) and what is wrong with it."""
    if not isinstance(data, dict):
        raise _bad("scheme", "must be a JSON object")
    if unknown := sorted(set(data) - _TOP):
        raise _bad(unknown[0], "is not a field of a scheme")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _bad("name", "is required (a non-empty string)")
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)
                             or not 1900 <= year <= 2200):
        raise _bad("year", f"must be a year such as 2023, not {json.dumps(year)}")
    if "missing" not in data:
        raise _bad("missing", "is required: exclude or zero_flagged")
    missing = _choice(data["missing"], "missing", MissingRule)
    items = data.get("indicators")
    if not isinstance(items, list) or not items:
        raise _bad("indicators", "must be a non-empty list")
    indicators = [_indicator(item, f"indicators[{i}]") for i, item in enumerate(items)]
    if sum(i.weight for i in indicators) <= 0:
        raise _bad("indicators", "the weights must not all be 0")
    counts: dict[str, int] = {}
    for indicator in indicators:
        counts[indicator.metric] = counts.get(indicator.metric, 0) + 1
    keyed: list[Indicator] = []
    seen: set[str] = set()
    for i, indicator in enumerate(indicators):
        key = indicator.metric if counts[indicator.metric] == 1 else (
            f"{indicator.metric}:{indicator.transform.value}")
        if key in seen:
            raise _bad(f"indicators[{i}]", f"{key} is named twice")
        seen.add(key)
        keyed.append(Indicator(indicator.metric, indicator.weight, indicator.normalise,
                               indicator.transform, indicator.min, key))
    return Scheme(name.strip(), year, missing, tuple(keyed))


def load_scheme_text(text: str) -> tuple[Scheme, Any]:
    """The scheme of a JSON text and the parsed document (for its digest)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                           field="scheme", code="analytics.scheme_not_json",
                           params={"line": exc.lineno, "column": exc.colno}) from None
    return parse_scheme(data), data


def canonical_json(data: object) -> str:
    """The one spelling of a JSON document: keys sorted, no spaces, UTF-8 text as is."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def scheme_digest(data: object) -> str:
    """A file scheme's version: the SHA-256 (hex) of its canonical JSON."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()
