"""Figures in buyers' text, in the six request languages: numbers with their separators and
scale words (``numbers``), sums of money (``money``) and certification codes (``certifications``).

Pure: no database, no web. The docking, analytics and extraction contexts read text through it.
"""

from tradebase.figures.certifications import (
    CertificationMention,
    certification_key,
    find_certifications,
    normalise_certification,
    split_certifications,
    split_list,
)
from tradebase.figures.money import Money, MoneyMention, find_money
from tradebase.figures.numbers import Figure, chinese_numeral, find_numbers, parse_number

__all__ = [
    "CertificationMention",
    "Figure",
    "Money",
    "MoneyMention",
    "certification_key",
    "chinese_numeral",
    "find_certifications",
    "find_money",
    "find_numbers",
    "normalise_certification",
    "parse_number",
    "split_certifications",
    "split_list",
]
