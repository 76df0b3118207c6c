"""Numbers read the way each of the six languages writes them, and read back from Babel."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import pytest
from babel.numbers import format_compact_decimal, format_decimal
from hypothesis import given
from hypothesis import strategies as st

from tradebase.figures import chinese_numeral, find_numbers, parse_number
from tradebase.figures.numbers import LANGUAGES

BABEL_LOCALES = {"en": "en", "zh": "zh_Hans_CN", "sv": "sv", "de": "de", "es": "es", "fr": "fr"}


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("2,000", "en", 2000),
        ("2.000", "de", 2000),
        ("2.000", "es", 2000),
        ("2 000", "fr", 2000),
        ("2\u00a0000", "sv", 2000),
        ("2\u202f000", "fr", 2000),
        ("2'000", "de", 2000),
        ("2’000", "de", 2000),
        ("1 234 567,5", "sv", Decimal("1234567.5")),
        ("1.234.567,5", "de", Decimal("1234567.5")),
        ("1,234,567.5", "en", Decimal("1234567.5")),
        ("2k", "en", 2000),
        ("2K", "sv", 2000),
        ("2 k", "fr", 2000),
        ("1.5k", "en", 1500),
        ("1.5万", "zh", 15000),
        ("2万", "zh", 20000),
        ("3亿", "zh", 300_000_000),
        ("3千", "zh", 3000),
        ("3万5千", "zh", 35000),
        ("2万", "de", 20000),
        ("1,5 Mio.", "de", 1_500_000),
        ("2,5 Mrd.", "de", 2_500_000_000),
        ("3 Tsd.", "de", 3000),
        ("2 Millionen", "de", 2_000_000),
        ("2 miljoner", "sv", 2_000_000),
        ("3 milj.", "sv", 3_000_000),
        ("12 tn", "sv", 12000),
        ("3 millones", "es", 3_000_000),
        ("500 mil", "es", 500_000),
        ("2 mil millones", "es", 2_000_000_000),
        ("1,5 M", "es", 1_500_000),
        ("2 millions", "fr", 2_000_000),
        ("2 Md", "fr", 2_000_000_000),
        ("5 mille", "fr", 5000),
        ("2 million", "en", 2_000_000),
        ("3M", "en", 3_000_000),
        ("1.2B", "en", 1_200_000_000),
        ("5mn", "en", 5_000_000),
        ("两万", "zh", 20000),
        ("五千", "zh", 5000),
        ("一万五千", "zh", 15000),
        ("十五", "zh", 15),
        ("3.5", "en", Decimal("3.5")),
        ("3,5", "de", Decimal("3.5")),
        ("2,50", "fr", Decimal("2.5")),
    ],
)
def test_parse_number(text: str, lang: str, expected: int | Decimal) -> None:
    assert parse_number(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "whole", "expected"),
    [
        ("2,000", "de", False, Decimal("2")),
        ("2,000", "de", True, Decimal("2000")),
        ("2.000", "en", False, Decimal("2")),
        ("2.000", "en", True, Decimal("2000")),
        ("2,5", "de", True, Decimal("2.5")),
        ("2,5", "en", False, Decimal("2.5")),  # cannot be a group of thousands
        ("0,500", "de", True, Decimal("0.5")),
    ],
)
def test_an_ambiguous_separator_is_a_group_in_whole_numbers(
    text: str, lang: str, whole: bool, expected: Decimal
) -> None:
    assert parse_number(text, lang, whole=whole) == expected


@pytest.mark.parametrize(
    "text", ["15.03.2027", "1.2.3", "2,000.000,5", "", "abc", "万向轮", "千万", "2 3"]
)
def test_what_is_not_one_number(text: str) -> None:
    assert parse_number(text, "de") is None


@pytest.mark.parametrize(
    ("text", "lang", "values"),
    [
        ("500 T-shirts, 5 t steel", "en", [500, 5]),  # neither T nor t is a scale
        ("size M, 2 M pieces", "en", [2]),  # English writes 2M, not 2 M
        ("ISO9001 and EN71, 300 pcs", "en", [300]),  # a code is not a number
        ("120x60 cm", "en", [120]),
        ("万向轮 500个", "zh", [500]),  # caster wheels
        ("统一包装, 两个月内, 一件", "zh", [2, 1]),  # a lone numeral only before a measure word
        ("size 2 5000 pcs", "en", [2, 5000]),  # a space joins groups of three digits only
        ("2 kg", "en", [2]),  # k is a scale only where no letter follows
        ("500 milliers", "fr", [500_000]),
        ("3千克, 五千克, 两千米", "zh", [3, 5, 2]),  # 千克 is a kilogram, 千米 a kilometre
    ],
)
def test_find_numbers(text: str, lang: str, values: list[int]) -> None:
    assert [figure.value for figure in find_numbers(text, lang)] == values


def test_a_figure_knows_where_it_is_and_its_scale() -> None:
    text = "Wir brauchen 1,5 Mio. Stück"
    (figure,) = find_numbers(text, "de")
    assert text[figure.start : figure.end] == "1,5 Mio."
    assert figure.scale == "Mio."
    assert figure.is_whole


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("两万", 20000),
        ("五千", 5000),
        ("一万五千", 15000),
        ("二十", 20),
        ("十", 10),
        ("三亿五千万", 350_000_000),
        ("一百零五", 105),
        ("万向", None),
        ("千万", None),
    ],
)
def test_chinese_numerals(numeral: str, value: int | None) -> None:
    assert chinese_numeral(numeral) == value


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(LANGUAGES))
def test_babel_integers_read_back(number: int, lang: str) -> None:
    text = format_decimal(number, locale=BABEL_LOCALES[lang])
    assert parse_number(text, lang, whole=True) == number


@given(
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(LANGUAGES),
)
def test_babel_decimals_read_back(number: Decimal, lang: str) -> None:
    text = format_decimal(number, locale=BABEL_LOCALES[lang], decimal_quantization=False)
    assert parse_number(text, lang) == number


@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=11),
    st.sampled_from(LANGUAGES),
    st.sampled_from(["short", "long"]),
)
def test_babel_compact_numbers_read_back(
    mantissa: int, exponent: int, lang: str, length: Literal["short", "long"]
) -> None:
    number = mantissa * 10**exponent
    if lang == "zh":
        length = "short"  # Chinese has no long compact form
    text = format_compact_decimal(
        number, format_type=length, locale=BABEL_LOCALES[lang], fraction_digits=2
    )
    assert parse_number(text, lang, whole=True) == number
