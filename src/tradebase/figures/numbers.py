"""Numbers as buyers type them in the six request languages (sv, de, es, fr, zh, en).

Reads digits with the group and decimal separators of each language (``2,000`` ``2.000``
``2 000`` with a space, NBSP or narrow NBSP, Swiss ``2'000``), followed by a scale word taken from
Babel's compact number patterns (``1,5 Mio.``, ``2 miljoner``, ``3 millones``, ``1.5万``, ``3亿``)
or one of the abbreviations people type that Babel lacks (``2k``, ``Tsd.``, ``milj.``, ``mn``),
and Chinese numerals (``两万``, ``一万五千``). A single capital ``M``/``B``/``T`` is a scale only
where the language's own compact pattern uses it, written right after the number; ``t`` (tonnes)
never is.

When a separator could be either (``2,000`` in German, ``2.000`` in English) the reading depends
on ``whole``: counts and money (``whole=True``) read a group separator, other figures the
language's decimal separator. A run of digits that cannot be a number in any language
(``15.03.2027``, ``1.2.3``) is not read at all.

Pure functions over Babel's CLDR data: no database, no web.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel import Locale

LANGUAGES = ("en", "zh", "sv", "de", "es", "fr")

# Group and decimal separator per language, as CLDR gives them (the decimal one is what counts).
DECIMAL_SEPARATOR: dict[str, str] = {
    "en": ".",
    "zh": ".",
    "sv": ",",
    "de": ",",
    "es": ",",
    "fr": ",",
}
_SPACES = " \u00a0\u202f\u2009"
_APOSTROPHES = "'’"
_GROUP_ONLY = _SPACES + _APOSTROPHES  # never a decimal separator
_PUNCT = ".,"

# Abbreviations people type that Babel's compact patterns lack, per language; every language
# also reads ``k``/``K`` and the Chinese scale characters.
_EXTRA_SCALES: dict[str, dict[str, int]] = {
    "common": {
        "k": 10**3,
        "K": 10**3,
        "千": 10**3,
        "万": 10**4,
        "百万": 10**6,
        "千万": 10**7,
        "亿": 10**8,
        "万亿": 10**12,
    },
    "en": {
        "thousands": 10**3,
        "mn": 10**6,
        "mln": 10**6,
        "mio": 10**6,
        "bn": 10**9,
        "millions": 10**6,
        "billions": 10**9,
    },
    "de": {
        "Tsd.": 10**3,
        "Tsd": 10**3,
        "Mio": 10**6,
        "Mrd": 10**9,
        "Mia.": 10**9,
        "Mia": 10**9,
        "mln": 10**6,
    },
    "sv": {"milj.": 10**6, "milj": 10**6, "mdr": 10**9, "mln": 10**6, "miljon": 10**6},
    "es": {
        "mill.": 10**6,
        "millon": 10**6,
        "millón": 10**6,
        "millones": 10**6,
        "mln": 10**6,
        "miles": 10**3,
    },
    "fr": {
        "mille": 10**3,
        "milliers": 10**3,
        "millier": 10**3,
        "million": 10**6,
        "millions": 10**6,
        "milliard": 10**9,
        "milliards": 10**9,
        "Mds": 10**9,
        "mln": 10**6,
    },
    "zh": {},
}

_BABEL_LOCALE = {"en": "en", "zh": "zh_Hans_CN", "sv": "sv", "de": "de", "es": "es", "fr": "fr"}

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_LARGE = {"万": 10**4, "亿": 10**8}
_CN_RUN = re.compile("[零〇一二两三四五六七八九十百千万亿]+")
# Measure words after which a lone Chinese digit ("两个月", "一件") is a number.
_CN_MEASURE = frozenset("个件双套只台条张天日周月年箱")
# After 千 these make a unit, not a thousand: 千克 kg, 千米 km, 千瓦 kW, 千卡 kcal, 千伏 kV.
_KILO_UNITS = frozenset("克米瓦卡伏")

_DIGIT_RUN = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Figure:
    """A number found in a text: its value, where it is, and the scale word it used."""

    value: Decimal
    start: int
    end: int
    scale: str | None = None  # "Mio.", "万", "k" … as written; None for plain digits

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def is_whole(self) -> bool:
        return self.value == self.value.to_integral_value()


@dataclass(frozen=True, slots=True)
class _Scale:
    word: str
    factor: int
    spaced: bool  # may a space stand between the number and a single-capital word


def language_code(lang: str | None) -> str:
    code = (lang or "en").split("_")[0].split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def _babel_scales(lang: str) -> list[_Scale]:
    """Scale words of the language's compact decimal patterns ("0 Mio." → Mio. = 10⁶)."""
    data = Locale.parse(_BABEL_LOCALE[lang])._data["compact_decimal_formats"]
    found: list[_Scale] = []
    for length in ("short", "long"):
        if length not in data:
            continue
        for patterns in data[length].values():
            for magnitude, pattern in patterns.items():
                text = pattern.pattern.replace("'", "")
                zeros = text.count("0")
                if zeros == 0:
                    continue  # French "mille" for exactly 1000 carries no number
                spaced = any(ch in _SPACES for ch in text)
                word = " ".join(text.replace("0", " ").split())
                if word:
                    found.append(_Scale(word, int(magnitude) // 10 ** (zeros - 1), spaced))
    return found


@cache
def scale_words(lang: str) -> tuple[_Scale, ...]:
    """Every scale word read in ``lang``, longest first (so "mil M" wins over "mil")."""
    code = language_code(lang)
    by_word: dict[str, _Scale] = {}
    for scale in _babel_scales(code):
        by_word.setdefault(scale.word, scale)
    for table in (_EXTRA_SCALES["common"], _EXTRA_SCALES[code]):
        for word, factor in table.items():
            by_word.setdefault(word, _Scale(word, factor, spaced=True))
    return tuple(sorted(by_word.values(), key=lambda s: -len(s.word)))


def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and ord(ch) < 0x2E80


def _match_scale(text: str, pos: int, lang: str) -> tuple[_Scale, int] | None:
    """The scale word starting at ``pos`` (after optional spaces), and where it ends."""
    gap = pos
    while gap < len(text) and text[gap] in _SPACES:
        gap += 1
    spaced = gap > pos
    if gap - pos > 1:
        return None
    for scale in scale_words(lang):
        word = scale.word
        single_capital = len(word) == 1 and word.isupper() and word.isascii()
        if single_capital and spaced and not scale.spaced:
            continue
        candidate = text[gap : gap + len(word)]
        if single_capital or len(word) == 1:
            matches = candidate == word
        else:
            words_pattern = r"\s+".join(re.escape(part) for part in word.split(" "))
            found = re.match(words_pattern, text[gap:], flags=re.IGNORECASE)
            matches = found is not None
            if found is not None:
                candidate = found.group(0)
        if not matches:
            continue
        end = gap + len(candidate)
        after = text[end] if end < len(text) else ""
        if _is_latin_letter(word[-1]) and (_is_latin_letter(after) or after.isdigit()):
            continue
        if single_capital and after in {"-", "/", "&"}:
            continue  # "500 T-shirts", "M/L"
        if word == "千" and after in _KILO_UNITS:
            continue  # "3千克" is 3 kg
        return scale, end
    return None


def _digit_groups(text: str, start: int) -> tuple[list[str], list[str], int]:
    """Digit groups and the separators between them from ``start``; a space or apostrophe joins
    only groups of three digits (so "size 2 5000" is two numbers)."""
    first = _DIGIT_RUN.match(text, start)
    assert first is not None  # the caller found a digit here
    groups = [first.group(0)]
    seps: list[str] = []
    pos = first.end()
    while pos + 1 < len(text) and text[pos] in _PUNCT + _GROUP_ONLY:
        nxt = _DIGIT_RUN.match(text, pos + 1)
        if nxt is None:
            break
        if text[pos] in _GROUP_ONLY:
            prior_ok = len(groups) > 1 or len(groups[0]) <= 3
            if len(nxt.group(0)) != 3 or not prior_ok or (seps and seps[-1] in _PUNCT):
                break
        groups.append(nxt.group(0))
        seps.append(text[pos])
        pos = nxt.end()
    return groups, seps, pos


def _interpret(groups: list[str], seps: list[str], lang: str, whole: bool) -> Decimal | None:
    """The value of digit groups; None when they cannot be one number (a date, a version)."""
    if not seps:
        return Decimal(groups[0])
    decimal_at: int | None = None
    last = len(seps) - 1
    if seps[last] in _PUNCT and seps.count(seps[last]) == 1:
        if last > 0:
            decimal_at = last  # "1.234,5", "2 000,50": the odd one out is the decimal
        elif len(groups[-1]) != 3 or len(groups[0]) > 3 or groups[0] == "0":
            decimal_at = last  # cannot be a group of thousands
        elif seps[last] == DECIMAL_SEPARATOR[lang] and not whole:
            decimal_at = last
    group_seps = seps if decimal_at is None else seps[:decimal_at]
    if group_seps:
        puncts = {s for s in group_seps if s in _PUNCT}
        if len(puncts) > 1:
            return None  # two different group separators
        grouped = groups if decimal_at is None else groups[: decimal_at + 1]
        if len(grouped[0]) > 3 or any(len(g) != 3 for g in grouped[1:]):
            return None
    if decimal_at is None:
        return Decimal("".join(groups))
    return Decimal("".join(groups[: decimal_at + 1]) + "." + groups[decimal_at + 1])


def chinese_numeral(text: str) -> int | None:
    """The value of a run of Chinese numerals ("两万" 20000, "一万五千" 15000), or None when the
    run has no numeral digit ("万向轮" is a caster wheel, "千万" an adverb)."""
    if not text or not (text[0] in _CN_DIGITS or text[0] == "十"):
        return None
    total = section = number = 0
    for ch in text:
        if ch in _CN_DIGITS:
            number = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (number or (1 if ch == "十" else 0)) * _CN_SMALL[ch]
            number = 0
        elif ch == "万":
            total += (section + number) * _CN_LARGE[ch]
            section = number = 0
        elif ch == "亿":
            total = (total + section + number) * _CN_LARGE[ch]
            section = number = 0
        else:
            return None
    return total + section + number


def _chinese_figures(text: str) -> list[Figure]:
    figures: list[Figure] = []
    for run in _CN_RUN.finditer(text):
        numeral, end = run.group(0), run.end()
        after = text[end] if end < len(text) else ""
        if numeral.endswith("千") and after in _KILO_UNITS:
            numeral, end, after = numeral[:-1], end - 1, "千"  # "五千克" is 5 kg
        value = chinese_numeral(numeral)
        if value is None:
            continue
        if value < 10 and len(numeral) == 1 and after not in _CN_MEASURE | {"千"}:
            continue  # "统一", "一般": a lone digit is a number only before a measure word
        scale = next((ch for ch in reversed(numeral) if ch in "十百千万亿"), None)
        figures.append(Figure(Decimal(value), run.start(), end, scale))
    return figures


def find_numbers(text: str, lang: str | None, *, whole: bool = False) -> list[Figure]:
    """Every number in ``text`` read the way ``lang`` writes them, in order of position."""
    code = language_code(lang)
    figures: list[Figure] = []
    pos = 0
    while True:
        found = re.compile(r"\d").search(text, pos)
        if found is None:
            break
        start = found.start()
        groups, seps, end = _digit_groups(text, start)
        pos = end
        before = text[start - 1] if start else ""
        if _is_latin_letter(before) or (
            start > 1 and before in _PUNCT and text[start - 2].isdigit()
        ):
            continue  # "ISO9001", "EN71", "A4": a code, not a number
        value = _interpret(groups, seps, code, whole)
        if value is None:
            continue
        scale_word: str | None = None
        matched = _match_scale(text, end, code)
        if matched is not None:
            scale, end = matched
            value *= scale.factor
            scale_word = scale.word
            pos = end
            if scale.factor in _CN_LARGE.values():
                value, end, pos = _chinese_remainder(text, end, value, scale.factor, code)
        figures.append(Figure(value, start, end, scale_word))
    figures.extend(_chinese_figures(text))
    return sorted(figures, key=lambda figure: figure.start)


def _chinese_remainder(
    text: str, end: int, value: Decimal, factor: int, lang: str
) -> tuple[Decimal, int, int]:
    """ "1万5千": the smaller scaled part right after a 万 or 亿 belongs to the same number."""
    rest = _DIGIT_RUN.match(text, end)
    if rest is None:
        return value, end, end
    matched = _match_scale(text, rest.end(), lang)
    if matched is None or matched[1] - rest.end() != 1 or matched[0].factor >= factor:
        return value, end, end
    return value + Decimal(rest.group(0)) * matched[0].factor, matched[1], matched[1]


def parse_number(text: str, lang: str | None, *, whole: bool = False) -> Decimal | None:
    """The number ``text`` is (spaces around it allowed), or None if it is not exactly one."""
    stripped = text.strip(_SPACES + "\t\n")
    if not stripped:
        return None
    figures = find_numbers(stripped, lang, whole=whole)
    if len(figures) != 1:
        return None
    figure = figures[0]
    if figure.start != 0 or figure.end != len(stripped):
        return None
    return figure.value
