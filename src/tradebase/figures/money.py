"""Sums of money as buyers write them in the six request languages.

Reads a number (``numbers.find_numbers`` with ``whole=True``: "2.500 €" is 2500 euros) with a
currency before or after it: a symbol (``€12``, ``12 €``, ``US$ 3.20``, ``$3``, ``£5``, ``¥25`` —
yuan in Chinese text, yen otherwise — ``kr 30``), an ISO code validated against Babel's currency
list (``12,50 EUR``, ``CHF 12``, ``30 SEK``), or a currency's name: Babel's names in the six
languages plus the words people type (``12 euros``, ``12 dólares``, ``3 美元``, ``5欧元``,
``25元``, ``25 元/件``).

Pure: no database, no web.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.numbers import list_currencies

from tradebase.figures.numbers import Figure, find_numbers, language_code

# Currencies whose Babel names are read in every language (others are read by ISO code).
_NAMED_CURRENCIES = (
    "EUR",
    "USD",
    "CNY",
    "SEK",
    "CHF",
    "GBP",
    "JPY",
    "CAD",
    "AUD",
    "HKD",
    "NOK",
    "DKK",
    "PLN",
    "SAR",
    "AED",
)
_BABEL_LOCALES = ("en", "de", "sv", "es", "fr", "zh_Hans_CN")

# Symbols, longest first where one contains another ("US$" before "$").
_SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "$US": "USD",
    "USD$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "AU$": "AUD",
    "A$": "AUD",
    "HK$": "HKD",
    "NZ$": "NZD",
    "R$": "BRL",
    "CN¥": "CNY",
    "RMB¥": "CNY",
    "JP¥": "JPY",
    "€": "EUR",
    "£": "GBP",
    "$": "USD",
    "₹": "INR",
    "₩": "KRW",
    "￥": "CNY",
}
# Words people type that Babel's names lack; matched without case.
_WORDS: dict[str, str] = {
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "dollar": "USD",
    "dollars": "USD",
    "dólar": "USD",
    "dólares": "USD",
    "dolares": "USD",
    "usd": "USD",
    "yuan": "CNY",
    "yuans": "CNY",
    "yuanes": "CNY",
    "rmb": "CNY",
    "renminbi": "CNY",
    "kronor": "SEK",
    "krona": "SEK",
    "kr": "SEK",
    "kr.": "SEK",
    "franken": "CHF",
    "franc": "CHF",
    "francs": "CHF",
    "fr.": "CHF",
    "pfund": "GBP",
    "pounds": "GBP",
    "libras": "GBP",
    "yen": "JPY",
    "元": "CNY",
    "块": "CNY",
    "块钱": "CNY",
    "人民币": "CNY",
    "美元": "USD",
    "美金": "USD",
    "欧元": "EUR",
    "英镑": "GBP",
    "日元": "JPY",
    "港币": "HKD",
    "瑞典克朗": "SEK",
    "瑞士法郎": "CHF",
    "加元": "CAD",
    "澳元": "AUD",
}
# Three capitals that are ISO currency codes but far more often something else in a request.
_NOT_CODES = frozenset(
    {"ALL", "CUP", "TOP", "MOP", "BOB", "SOS", "LAK", "PEN", "MAD", "BAM", "GEL", "AMD", "TRY"}
)

_SPACES = " \u00a0\u202f\u2009"
_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?=\d)")


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str  # ISO 4217

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


@dataclass(frozen=True, slots=True)
class MoneyMention:
    """A sum of money found in a text and where it is (the number and the currency)."""

    money: Money
    start: int
    end: int
    figure: Figure

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(list_currencies())


@cache
def _currency_words() -> tuple[tuple[str, str], ...]:
    """Every currency word or symbol (folded to lower case) with its code, longest first."""
    words: dict[str, str] = {}
    for locale_name in _BABEL_LOCALES:
        locale = Locale.parse(locale_name)
        plurals = locale._data["currency_names_plural"]
        for code in _NAMED_CURRENCIES:
            names = [locale.currencies.get(code)]
            names.extend(dict(plurals.get(code, {})).values())
            for name in names:
                if name:
                    words.setdefault(name.casefold(), code)
    for word, code in {**_WORDS, **{s.casefold(): c for s, c in _SYMBOLS.items()}}.items():
        words.setdefault(word.casefold(), code)
    return tuple(sorted(words.items(), key=lambda item: -len(item[0])))


def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and ord(ch) < 0x2E80


def _yen_or_yuan(lang: str) -> str:
    return "CNY" if lang == "zh" else "JPY"


def _currency_after(text: str, pos: int, lang: str) -> tuple[str, int] | None:
    """The currency written at ``pos`` (after at most one space) and where it ends."""
    gap = pos + 1 if pos < len(text) and text[pos] in _SPACES else pos
    rest = text[gap:]
    if rest[:1] in {"¥"}:
        return _yen_or_yuan(lang), gap + 1
    code = re.match(r"[A-Z]{3}(?![A-Za-z])", rest)
    if code and code.group(0) in currency_codes() and code.group(0) not in _NOT_CODES:
        return code.group(0), gap + 3
    folded = rest.casefold()
    for word, currency in _currency_words():
        if not folded.startswith(word):
            continue
        end = gap + len(word)
        after = text[end] if end < len(text) else ""
        if _is_latin_letter(word[-1]) and (_is_latin_letter(after) or after.isdigit()):
            continue
        return currency, end
    return None


def _currency_before(text: str, pos: int, lang: str) -> tuple[str, int] | None:
    """The currency written just before ``pos`` (at most one space between) and where it
    starts."""
    gap = pos - 1 if pos > 0 and text[pos - 1] in _SPACES else pos
    head = text[:gap]
    if head.endswith("¥") and not head.endswith(("CN¥", "JP¥", "RMB¥")):
        return _yen_or_yuan(lang), gap - 1
    code = re.search(r"(?<![A-Za-z])([A-Z]{3})$", head)
    if code and code.group(1) in currency_codes() and code.group(1) not in _NOT_CODES:
        return code.group(1), gap - 3
    folded = head.casefold()
    for word, currency in _currency_words():
        if not folded.endswith(word):
            continue
        start = gap - len(word)
        before = text[start - 1] if start > 0 else ""
        if _is_latin_letter(word[0]) and (_is_latin_letter(before) or before.isdigit()):
            continue
        return currency, start
    return None


def _glued_code_figures(text: str, lang: str) -> list[Figure]:
    """Numbers written right after a currency code ("USD3", "EUR12,50"), which
    ``find_numbers`` leaves alone as it does "ISO9001"."""
    figures: list[Figure] = []
    for match in _CODE.finditer(text):
        if match.group(1) not in currency_codes() or match.group(1) in _NOT_CODES:
            continue
        start = match.end()
        found = find_numbers(text[start:], lang, whole=True)
        if found and found[0].start == 0:
            first = found[0]
            figures.append(Figure(first.value, start, start + first.end, first.scale))
    return figures


def find_money(text: str, lang: str | None) -> list[MoneyMention]:
    """Every sum of money in ``text``, in order of position."""
    code = language_code(lang)
    mentions: list[MoneyMention] = []
    figures = find_numbers(text, code, whole=True) + _glued_code_figures(text, code)
    for figure in sorted(figures, key=lambda f: f.start):
        before = _currency_before(text, figure.start, code)
        after = _currency_after(text, figure.end, code)
        if before is not None:
            currency, start = before
            mentions.append(MoneyMention(Money(figure.value, currency), start, figure.end, figure))
        elif after is not None:
            currency, end = after
            mentions.append(MoneyMention(Money(figure.value, currency), figure.start, end, figure))
    return mentions
