"""Figures are written the way each language writes them."""

from __future__ import annotations

import pytest

from tradebase.registry.numbers import axis_label, format_figure, format_file_size, format_number


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (22_000, "zh", "2.2 万"),
        (22_000, "en", "22,000"),
        (2.0e10, "zh", "200 亿"),
        (252, "zh", "252"),
        (6.5e6, "en", "6.5 million"),
    ],
)
def test_format_number(value: float, lang: str, expected: str) -> None:
    assert format_number(value, lang) == expected


def test_money_in_chinese_and_english() -> None:
    assert format_figure(2.0e10, lang="zh", currency="CNY") == "200 亿元"
    assert format_figure(2.0e10, lang="en", currency="CNY") == "20 billion yuan"
    assert format_figure(2.0e7, lang="en", currency="USD", qualifier="more_than") == (
        "more than 20 million US dollars"
    )


def test_units_qualifiers_and_percentages() -> None:
    assert format_figure(2200, lang="en", unit="enterprises", qualifier="more_than") == (
        "more than 2,200 enterprises"
    )
    assert format_figure(2200, lang="zh", unit="enterprises", qualifier="more_than") == (
        "超过 2,200家"
    )
    assert format_figure(150_000, lang="zh", unit="persons") == "15 万人"
    assert format_figure(90, lang="en", unit="%") == "90%"
    assert format_figure(5.4e10, lang="zh", currency="CNY", qualifier="nearly") == "近 540 亿元"


def test_axis_labels_name_the_currency_or_the_unit() -> None:
    assert axis_label(lang="en", currency="CNY") == "Chinese Yuan (CNY)"
    assert axis_label(lang="zh", currency="CNY") == "人民币 (CNY)"
    assert axis_label(lang="zh", currency="USD") == "美元 (USD)"
    assert axis_label(lang="en", unit="enterprises") == "enterprises"
    assert axis_label(lang="zh", unit="enterprises") == "家"
    assert axis_label(lang="zh", unit="%") == "%"
    assert axis_label(lang="en") == ""


@pytest.mark.parametrize(
    ("count", "lang", "expected"),
    [
        (20 * 1_048_576, "zh", "20 MB"),
        (20 * 1_048_576, "en", "20 MB"),
        (10 * 1_048_576, "de", "10 MB"),
        (1_572_864, "de", "1,5 MB"),
        (1_572_864, "sv", "1,5 MB"),
        (1_572_864, "es", "1,5 MB"),
        (20 * 1_048_576, "fr", "20\u202fMo"),
        (65_536, "zh", "64 kB"),
        (512, "fr", "0,5\u202fko"),
        (1_024, "de", "1 kB"),  # CLDR's own pattern would say "1 kbyte"
        (3, "en", "0.1 kB"),  # a few bytes are not "0 kB"
        (0, "en", "0 kB"),
    ],
)
def test_file_sizes_are_said_with_a_unit_never_in_bytes(
    count: int, lang: str, expected: str,
) -> None:
    assert format_file_size(count, lang) == expected
