"""The unified social credit code (统一社会信用代码) of a Chinese organisation, checked by its
two check characters. A pure engine: text in, a verdict out.

GB 32100-2015: 18 characters from the 31 of ``ALPHABET`` (the digits and the capitals
without I, O, S, V and Z). Characters 9-17 are the organisation code of GB 11714-1997 (eight
characters and their own check character, 0-9 or X); character 18 checks the first 17.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714: each of the eight characters weighted, letters A-Z worth 10-35.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_character(first_17: str) -> str:
    """The 18th character of a code that starts with ``first_17`` (in ``ALPHABET``)."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first_17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check_character(body: str) -> str:
    """The check character of a GB 11714 organisation code of eight characters ``body``."""
    total = sum(int(char, 36) * weight for char, weight in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def problem(code: str) -> str | None:
    """Why ``code`` is not a unified social credit code, as an error code; None when it is.

    ``length``: not 18 characters; ``alphabet``: a character outside ``ALPHABET`` (lower
    case included: the standard writes capitals); ``organisation_check``: characters 9-17
    are not an organisation code; ``check``: the 18th character is not the check of the
    first 17."""
    if len(code) != LENGTH:
        return "length"
    if any(char not in _VALUE for char in code):
        return "alphabet"
    if organisation_check_character(code[8:16]) != code[16]:
        return "organisation_check"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None
