"""Sums of money in the six request languages, and read back from Babel's own formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from tradebase.figures import Money, find_money
from tradebase.figures.money import currency_codes
from tradebase.figures.numbers import LANGUAGES
from tradebase.registry.numbers import format_figure

BABEL_LOCALES = {"en": "en", "zh": "zh_Hans_CN", "sv": "sv", "de": "de", "es": "es", "fr": "fr"}


@pytest.mark.parametrize(
    ("text", "lang", "amount", "currency"),
    [
        ("€12", "en", "12", "EUR"),
        ("12 €", "de", "12", "EUR"),
        ("12,50 EUR", "de", "12.50", "EUR"),
        ("2.500 € pro Stück", "de", "2500", "EUR"),
        ("US$ 3.20", "en", "3.20", "USD"),
        ("$3", "en", "3", "USD"),
        ("USD3", "en", "3", "USD"),
        ("¥25", "zh", "25", "CNY"),
        ("¥25", "en", "25", "JPY"),
        ("25元", "zh", "25", "CNY"),
        ("25 元/件", "zh", "25", "CNY"),
        ("kr 30", "sv", "30", "SEK"),
        ("30 kr", "sv", "30", "SEK"),
        ("30 kronor", "sv", "30", "SEK"),
        ("30 SEK", "sv", "30", "SEK"),
        ("CHF 12", "de", "12", "CHF"),
        ("12 Franken", "de", "12", "CHF"),
        ("£5", "en", "5", "GBP"),
        ("12 euros", "fr", "12", "EUR"),
        ("12 euros", "es", "12", "EUR"),
        ("12 dólares", "es", "12", "USD"),
        ("3 美元", "zh", "3", "USD"),
        ("5欧元", "zh", "5", "EUR"),
        ("1,5 Mio. Euro", "de", "1500000", "EUR"),
        ("2万元", "zh", "20000", "CNY"),
    ],
)
def test_find_money(text: str, lang: str, amount: str, currency: str) -> None:
    (mention,) = find_money(text, lang)
    assert mention.money == Money(Decimal(amount), currency)


def test_the_span_covers_number_and_currency() -> None:
    text = "Zielpreis 2,50 € pro Stück"
    (mention,) = find_money(text, "de")
    assert text[mention.start : mention.end] == "2,50 €"


@pytest.mark.parametrize(
    "text",
    ["500 pcs", "ALL 500 pcs in TOP quality", "pour 30 pièces", "30 krabbor", "ISO9001"],
)
def test_no_money(text: str) -> None:
    assert find_money(text, "en") == []


def test_codes_come_from_babel() -> None:
    assert {"EUR", "SEK", "CNY", "CHF"} <= currency_codes()


@given(
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(LANGUAGES),
    st.sampled_from(["EUR", "USD", "SEK", "CHF", "GBP", "CNY"]),
)
def test_babel_currency_formats_read_back(amount: Decimal, lang: str, currency: str) -> None:
    text = format_currency(amount, currency, locale=BABEL_LOCALES[lang])
    (mention,) = find_money(text, lang)
    assert mention.money == Money(amount, currency)


@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=9),
    st.sampled_from(["zh", "en"]),
    st.sampled_from(["CNY", "USD", "EUR"]),
)
def test_registry_figures_read_back(mantissa: int, exponent: int, lang: str, currency: str) -> None:
    amount = mantissa * 10**exponent
    text = format_figure(amount, lang=lang, currency=currency)
    (mention,) = find_money(text, lang)
    assert mention.money.currency == currency
    assert mention.money.amount == pytest.approx(amount, rel=0.01)
