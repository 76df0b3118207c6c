"""What a buyer's request text says, field by field: quantity and unit, destination country,
certifications, maximum lead time (a duration or a date), target price, and the language.

"5.000 Stühle mit ISO 9001 nach Hamburg innerhalb von 60 Tagen" reads as 5000, ISO9001, DE and
60 days. Every value read keeps where it was read (``spans``) so that a page can show it.

Numbers, money and certification codes are read by ``tradebase.figures``; places by
``docking.places``; the language by ``docking.language``. Pure: no database, no web.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cache

from babel import Locale

from tradebase.docking.constraints import UNIT_SYNONYMS
from tradebase.docking.language import detect_language
from tradebase.docking.places import find_destination
from tradebase.docking.records import MatchRequest
from tradebase.figures import Figure, Money, find_certifications, find_money, find_numbers
from tradebase.figures.numbers import LANGUAGES

# Unit words after a count, as written (lower case) → our unit. Counts first, then measures.
_COUNT_UNITS: dict[str, str] = {
    **UNIT_SYNONYMS,
    "pcs.": "pcs",
    "st.": "pcs",
    "stk.": "pcs",
    "stueck": "pcs",
    "stycken": "pcs",
    "styck": "pcs",
    "units": "pcs",
    "unit": "pcs",
    "ud.": "pcs",
    "uds.": "pcs",
    "unidad": "pcs",
    "piezas": "pcs",
    "pieza": "pcs",
    "pzas": "pcs",
    "pièce": "pcs",
    "pieces": "pcs",
    "unités": "pcs",
    "unité": "pcs",
    "台": "pcs",
    "张": "pcs",
    "条": "pcs",
    "把": "pcs",
    "顶": "pcs",
    "paires": "pairs",
    "paire": "pairs",
    "paren": "pairs",
    "对": "pairs",
    "sätze": "sets",
    "satz": "sets",
    "set": "sets",
    "juego": "sets",
    "jeux": "sets",
    "lots": "sets",
    "cartons": "cartons",
    "carton": "cartons",
    "ctns": "cartons",
    "kartons": "cartons",
    "kartonger": "cartons",
    "cajas": "cartons",
    "箱": "cartons",
}
_MEASURE_UNITS: dict[str, str] = {
    "kg": "kg",
    "kgs": "kg",
    "kilo": "kg",
    "kilos": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "kilogramm": "kg",
    "公斤": "kg",
    "千克": "kg",
    "tonnes": "t",
    "tons": "t",
    "ton": "t",
    "tonnen": "t",
    "toneladas": "t",
    "t": "t",
    "吨": "t",
    "m": "m",
    "meters": "m",
    "metres": "m",
    "meter": "m",
    "metros": "m",
    "mètres": "m",
    "米": "m",
    "m2": "m2",
    "m²": "m2",
    "sqm": "m2",
    "平方米": "m2",
}
# A figure followed by one of these is a size, a share or a code, never the quantity.
_NOT_QUANTITY_AFTER = re.compile(
    r"\s?(?:cm|mm|cl\b|dl\b|oz\b|inch|in\b|\"|″|%|x\s?\d|×|°|w\b|v\b|ml|l\b|g\b"
    r"|hq|gp|hc|ft\b|'|’|mah|hz|gb\b|-|–|厘米|毫米|寸|年|月|日|号|尺)",
    re.IGNORECASE,
)
_NOT_QUANTITY_BEFORE = re.compile(
    r"(?:hs(?:\s?code)?|x|×|size|sizes|storlek|größe|grösse|talla|tallas|taille|tailles|尺码|码"
    r"|gr\.?|nr\.?|no\.?|#|\d\s?[-–/])\s?[:：]?\s?$",
    re.IGNORECASE,
)
# Below this a count with no unit word is more likely a detail ("Tisch mit 4 Stühlen",
# "table + 6 chairs") than an order.
_MIN_BARE_QUANTITY = 10
_QUANTITY_CUE = re.compile(
    r"(?:quantity|qty|menge|anzahl|cantidad|quantité|antal|数量|需求量|订单量)\s*[:：]?\s*$",
    re.IGNORECASE,
)

_DAY_WORDS = (
    "days",
    "day",
    "working days",
    "business days",
    "werktagen",
    "werktage",
    "arbeitstagen",
    "tagen",
    "tage",
    "tag",
    "días hábiles",
    "días",
    "día",
    "dias",
    "jours ouvrés",
    "jours ouvrables",
    "jours",
    "jour",
    "arbetsdagar",
    "dagar",
    "dag",
    "个工作日",
    "工作日",
    "天",
)
_WEEK_WORDS = (
    "weeks",
    "week",
    "wks",
    "wochen",
    "woche",
    "semanas",
    "semana",
    "semaines",
    "semaine",
    "veckor",
    "vecka",
    "个星期",
    "星期",
    "周",
)
_MONTH_WORDS = (
    "months",
    "month",
    "monaten",
    "monate",
    "monat",
    "meses",
    "mes",
    "mois",
    "månader",
    "månad",
    "个月",
)
_LEAD_CUE = re.compile(
    r"(?:within|in|under|less than|max\.?|maximum|lead time:?|delivery(?: time)?:?|deliver(?:ed)?"
    r" in|innerhalb(?: von)?|binnen|lieferzeit:?|in höchstens|en|dentro de|plazo(?: de)?:?"
    r"|entrega en|sous|dans(?: les)?|d[ée]lai(?: de)?:?|inom|på|leveranstid:?|交期[:：]?"
    r"|货期[:：]?|交货期[:：]?|工期[:：]?)\s*$",
    re.IGNORECASE,
)
# "4-6 weeks", "30 to 45 days": the cue stands before the range's first number.
_RANGE_START = re.compile(r"\d+\s*(?:-|–|to|bis|a|à|till|至|到|~)\s*$")
_LEAD_SUFFIX_ZH = re.compile(r"^\s*(?:内|以内|之内|交货|交付|到货)")
_NOT_LEAD_CUE = re.compile(
    r"(?:payment|net|zahlung|zahlbar|pago|paiement|betalning|付款|账期|warranty|garantie"
    r"|garantía|garanti|保修|质保)[^.;\n]{0,15}$",
    re.IGNORECASE,
)
_DATE_CUE = re.compile(
    r"(?:by|before|until|till|no later than|not later than|latest|deadline:?|due|bis(?: zum)?"
    r"|bis spätestens|spätestens(?: am| bis)?|vor dem|antes del?|para el|hasta el|hasta"
    r"|avant le|avant|d'ici le|d'ici au|au plus tard le|jusqu'au|senast(?: den)?|före|innan"
    r"|交期[:：]?|交货日期[:：]?|最晚|最迟|在)\s*$",
    re.IGNORECASE,
)
_DATE_SUFFIX_ZH = re.compile(r"^\s*(?:前|之前|以前|交货)")
_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})(?![\d.])")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_ZH_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_PRICE_CUE = re.compile(
    r"(?:target(?: price)?|price|unit price|budget|at most|max\.?|zielpreis|preis|stückpreis"
    r"|höchstens|precio(?: objetivo)?|presupuesto|prix(?: cible)?|budget|målpris|pris"
    r"|styckpris|目标价(?:格)?|价格|单价|预算)\s*[:：]?\s*(?:of|von|de|de l'ordre de|约)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ReadSpan:
    """Which field was read from which part of the text."""

    field: str  # quantity, destination, certification, lead_time, target_price
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class RequestReading:
    language: str
    quantity: int | None = None
    unit: str | None = None
    destination: str | None = None  # ISO alpha-2
    certifications: tuple[str, ...] = ()
    max_lead_time_days: int | None = None
    target_price: Money | None = None
    spans: tuple[ReadSpan, ...] = ()


def _is_latin(ch: str) -> bool:
    return ch.isalnum() and ord(ch) < 0x2E80


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _word_at(
    text: str, pos: int, words: dict[str, str] | tuple[str, ...]
) -> tuple[str, int] | None:
    """The longest of ``words`` written at ``pos`` (after at most one space), and its end."""
    gap = pos + 1 if text[pos : pos + 1] in {" ", "\u00a0", "\u202f"} else pos
    rest = text[gap:].casefold()
    for word in sorted(words, key=len, reverse=True):
        if not rest.startswith(word):
            continue
        end = gap + len(word)
        after = text[end : end + 1]
        if _is_latin(word[-1]) and (_is_latin(after) or after.isdigit()):
            continue  # "st" in "Stühle", "m" in "mm"
        return word, end
    return None


# --- lead time -------------------------------------------------------------------------------


def _durations(text: str, figures: list[Figure]) -> list[tuple[int, int, int, bool]]:
    """(days, start, end, has a cue) for every "N days/weeks/months" in the text."""
    found: list[tuple[int, int, int, bool]] = []
    for figure in figures:
        if not figure.is_whole:
            continue
        for words, factor in ((_DAY_WORDS, 1), (_WEEK_WORDS, 7), (_MONTH_WORDS, 30)):
            matched = _word_at(text, figure.end, words)
            if matched is None:
                continue
            end = matched[1]
            start = figure.start
            before = text[max(0, start - 30) : start]
            in_range = _RANGE_START.search(before)
            if in_range is not None:  # the range is read as its upper end
                start -= len(before) - in_range.start()
                before = before[: in_range.start()]
            if _NOT_LEAD_CUE.search(before):
                break
            suffix = _LEAD_SUFFIX_ZH.match(text[end:])
            cue = bool(_LEAD_CUE.search(before)) or suffix is not None
            if suffix is not None:
                end += suffix.end()
            found.append((int(figure.value) * factor, start, end, cue))
            break
    return found


@cache
def _month_names() -> dict[str, int]:
    """Month names and abbreviations of the six languages (a short text's language is a guess,
    and no month name of one is a different month in another)."""
    names: dict[str, int] = {}
    for code in LANGUAGES:
        locale = Locale.parse("zh_Hans_CN" if code == "zh" else code)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in locale.months[context][width].items():
                    if not name[0].isdigit():
                        names.setdefault(name.casefold(), number)
                        names.setdefault(name.casefold().rstrip("."), number)
    return names


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve(today: date, year: int | None, month: int, day: int) -> date | None:
    """The date meant; without a year, the next such day from today on."""
    if year is not None:
        return _valid_date(year + 2000 if year < 100 else year, month, day)
    this_year = _valid_date(today.year, month, day)
    if this_year is not None and this_year >= today:
        return this_year
    return _valid_date(today.year + 1, month, day)


@cache
def _month_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """ "15 March 2027", "1er mars", "15 de marzo de 2027"; and "March 15, 2027"."""
    names = sorted(_month_names(), key=len, reverse=True)
    alternation = "|".join(re.escape(name) for name in names)
    day_first = re.compile(
        rf"(?<!\d)(\d{{1,2}})(?:er|st|nd|rd|th|\.)?\s*(?:de\s+)?({alternation})\.?(?![^\W\d_])"
        rf"(?:\s*(?:de\s+)?,?\s*(\d{{4}}))?",
        re.IGNORECASE,
    )
    month_first = re.compile(
        rf"(?<![^\W\d_])({alternation})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?:,?\s*(\d{{4}}))?",
        re.IGNORECASE,
    )
    return day_first, month_first


def _dates(text: str, today: date) -> list[tuple[date, int, int, bool]]:
    """(date, start, end, has a cue) for every date written in the text."""
    found: list[tuple[date, int, int]] = []
    for match in _ISO_DATE.finditer(text):
        when = _valid_date(int(match[1]), int(match[2]), int(match[3]))
        if when:
            found.append((when, match.start(), match.end()))
    for match in _NUMERIC_DATE.finditer(text):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        day, month = (second, first) if second > 12 >= first else (first, second)
        when = _resolve(today, year, month, day)
        if when:
            found.append((when, match.start(), match.end()))
    for match in _ZH_DATE.finditer(text):
        when = _resolve(today, int(match[1]) if match[1] else None, int(match[2]), int(match[3]))
        if when:
            found.append((when, match.start(), match.end()))
    months = _month_names()
    day_first, month_first = _month_patterns()
    for match in day_first.finditer(text):
        when = _resolve(
            today, int(match[3]) if match[3] else None, months[match[2].casefold()], int(match[1])
        )
        if when:
            found.append((when, match.start(), match.end()))
    for match in month_first.finditer(text):
        when = _resolve(
            today, int(match[3]) if match[3] else None, months[match[1].casefold()], int(match[2])
        )
        if when:
            found.append((when, match.start(), match.end()))
    dates: list[tuple[date, int, int, bool]] = []
    taken: list[tuple[int, int]] = []
    for when, start, end in sorted(found, key=lambda item: (item[1], -(item[2] - item[1]))):
        if _overlaps((start, end), taken):
            continue
        taken.append((start, end))
        cue = bool(_DATE_CUE.search(text[max(0, start - 25) : start]))
        suffix = _DATE_SUFFIX_ZH.match(text[end:])
        if suffix is not None:
            end += suffix.end()
        dates.append((when, start, end, cue or suffix is not None))
    return dates


# --- the request -----------------------------------------------------------------------------


def read_request(
    text: str, lang: str | None = None, *, today: date | None = None
) -> RequestReading:
    """Read what a buyer's request says; a field stays None when the text does not say it."""
    language = lang if lang in LANGUAGES else detect_language(text).code
    today = today or datetime.now(UTC).date()
    spans: list[ReadSpan] = []
    taken: list[tuple[int, int]] = []

    def keep(field: str, start: int, end: int) -> None:
        spans.append(ReadSpan(field, start, end, text[start:end]))
        taken.append((start, end))

    certifications: list[str] = []
    for mention in find_certifications(text):
        keep("certification", mention.start, mention.end)
        if mention.code not in certifications:
            certifications.append(mention.code)

    lead_days: int | None = None
    lead_span: tuple[int, int] | None = None
    dates = _dates(text, today)
    cued_dates = [d for d in dates if d[3]]
    taken.extend((start, end) for _, start, end, _ in dates)  # a date is never the quantity
    figures = [f for f in find_numbers(text, language, whole=True) if not _overlaps(f.span, taken)]
    durations = _durations(text, figures)
    cued = [d for d in durations if d[3]]
    if cued:
        lead_days, start, end, _ = cued[0]
        lead_span = (start, end)
    elif cued_dates and cued_dates[0][0] >= today:
        when, start, end, _ = cued_dates[0]
        lead_days, lead_span = (when - today).days, (start, end)
    elif durations:
        lead_days, start, end, _ = durations[0]
        lead_span = (start, end)
    if lead_span is not None:
        keep("lead_time", *lead_span)
    for _, start, end, _ in durations:
        taken.append((start, end))

    target_price: Money | None = None
    money = [m for m in find_money(text, language) if not _overlaps(m.span, taken)]
    if money:
        cued_money = [m for m in money if _PRICE_CUE.search(text[max(0, m.start - 30) : m.start])]
        chosen = (cued_money or money)[0]
        target_price = chosen.money
        keep("target_price", chosen.start, chosen.end)
        taken.extend(m.span for m in money)

    quantity, unit = _quantity(text, figures, taken, keep)

    destination: str | None = None
    place = find_destination(text)
    if place is not None:
        destination = place.country
        keep("destination", place.start, place.end)

    return RequestReading(
        language=language,
        quantity=quantity,
        unit=unit,
        destination=destination,
        certifications=tuple(certifications),
        max_lead_time_days=lead_days,
        target_price=target_price,
        spans=tuple(sorted(spans, key=lambda s: s.start)),
    )


def _quantity(
    text: str,
    figures: list[Figure],
    taken: list[tuple[int, int]],
    keep: Callable[[str, int, int], None],
) -> tuple[int | None, str | None]:
    """The count next to a unit word (a count unit before a measure), or after "quantity",
    else the largest whole count that is not a price, date, lead time, code or size."""
    candidates = [
        f for f in figures if f.is_whole and f.value >= 1 and not _overlaps(f.span, taken)
    ]
    best: tuple[int, Figure, str | None, int] | None = None  # (rank, figure, unit, end)
    for figure in candidates:
        if text.startswith("件套", figure.end):
            continue  # "两件套" is a two-piece suit
        for rank, units in ((0, _COUNT_UNITS), (1, _MEASURE_UNITS)):
            matched = _word_at(text, figure.end, units)
            if matched is not None and (best is None or rank < best[0]):
                best = (rank, figure, units[matched[0]], matched[1])
                break
        else:
            before = text[max(0, figure.start - 20) : figure.start]
            if _QUANTITY_CUE.search(before) and (best is None or best[0] > 1):
                best = (1, figure, None, figure.end)
    if best is None:
        plain = [
            f
            for f in candidates
            if not _NOT_QUANTITY_AFTER.match(text, f.end)
            and not _NOT_QUANTITY_BEFORE.search(text[max(0, f.start - 10) : f.start])
            and not (f.scale is None and 1900 <= f.value <= 2100 and f.end - f.start == 4)
            and f.value >= _MIN_BARE_QUANTITY
        ]
        if not plain:
            return None, None
        figure = max(plain, key=lambda f: f.value)
        best = (2, figure, None, figure.end)
    _, figure, unit, end = best
    keep("quantity", figure.start, end)
    return int(figure.value), unit


def fill_from_text(request: MatchRequest, *, today: date | None = None) -> MatchRequest:
    """``request`` with each structured field it leaves empty filled from its text (a field
    given stays as given): batch matching reads "5.000 Stück … nach Hamburg innerhalb von 60
    Tagen" as 5,000 pcs to DE within 60 days only where the file has no value."""
    read = read_request(request.text, today=today)
    return replace(
        request,
        quantity=request.quantity if request.quantity is not None else read.quantity,
        unit=request.unit or (read.unit if request.quantity is None else None),
        destination=request.destination or read.destination,
        required_certifications=request.required_certifications
        or frozenset(read.certifications),
        max_lead_time_days=request.max_lead_time_days
        if request.max_lead_time_days is not None
        else read.max_lead_time_days,
    )
