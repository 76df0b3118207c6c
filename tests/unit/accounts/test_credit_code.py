"""The unified social credit code's two check characters (GB 32100-2015, GB 11714-1997)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradebase.accounts.credit_code import (
    ALPHABET,
    check_character,
    is_valid,
    organisation_check_character,
    problem,
)

# Published codes: the standard's example, Alibaba (China), Huawei, Tencent (Shenzhen).
KNOWN = ["91350100M000100Y43", "91330100716105852F", "914403001922038216",
         "9144030071526726XG"]


@pytest.mark.parametrize("code", KNOWN)
def test_known_codes_are_valid(code: str) -> None:
    assert problem(code) is None


@pytest.mark.parametrize(("code", "why"), [
    ("91350100M000100Y44", "check"),  # last character changed
    ("91350100M000100Y4", "length"),
    ("91350100M000100Y433", "length"),
    ("", "length"),
    ("91350100m000100y43", "alphabet"),  # lower case is not the standard's
    ("91350100M00010OY43", "alphabet"),
    ("91350100M000100I43", "alphabet"),
    ("9135010SM000100Y43", "alphabet"),
    ("91350100V000100Y43", "alphabet"),
    ("91350100M00Z100Y43", "alphabet"),
    ("91350100M000100X43", "organisation_check"),
    ("９１350100M000100Y43", "alphabet"),  # full-width digits
])
def test_wrong_codes_say_why(code: str, why: str) -> None:
    assert problem(code) == why


def test_organisation_code_check() -> None:
    # The organisation codes inside two of the known codes: Huawei 19220382-1, M000100Y-4.
    assert organisation_check_character("19220382") == "1"
    assert organisation_check_character("M000100Y") == "4"


body = st.text(alphabet=ALPHABET, min_size=8, max_size=8)
head = st.text(alphabet=ALPHABET, min_size=8, max_size=8)


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    org = draw(body)
    check = organisation_check_character(org)
    first = draw(head) + org + check
    return first + check_character(first)


@given(valid_codes())
def test_built_codes_are_valid(code: str) -> None:
    assert is_valid(code)


@given(valid_codes(), st.integers(0, 17), st.sampled_from(ALPHABET))
def test_any_one_changed_character_is_caught(code: str, at: int, char: str) -> None:
    changed = code[:at] + char + code[at + 1:]
    assert is_valid(changed) == (changed == code)


@given(st.text(max_size=30))
def test_any_text_is_judged_without_error(text: str) -> None:
    assert problem(text) in {None, "length", "alphabet", "organisation_check", "check"}
