"""Validation and domain error messages, said in the user's language, one per form field.

Pydantic and the register's services speak English; a form shows a message next to the field
it is about, in the interface language. Known messages are matched here and translated through
the catalog; an unknown one is shown as it came, which is still a message a user can act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from tradebase.errors import TradebaseError
from tradebase.web.i18n import N_

Gettext = Callable[[str], str]

# Pydantic error types -> messages; ``%(name)s`` takes the error's context.
_BY_TYPE = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("Use at most %(max_length)s characters."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "greater_than_equal": N_("Enter a number of at least %(ge)s."),
    "less_than_equal": N_("Enter a number of at most %(le)s."),
    "enum": N_("Choose one of the listed values."),
    "literal_error": N_("Choose one of the listed values."),
}

# Errors and notes that carry a code and parameters (``registry/hs_codes.py``).
_BY_CODE = {
    "hs_code_form": N_("'%(written)s' is not an HS code: write six digits such as 940153 or "
                       "9401.53, or a national code of 8 or 10 digits."),
    "hs_code_unknown": N_("HS code %(written)s is not a subheading of HS 2022, HS 2017 or "
                          "HS 2012."),
    "hs_edition_form": N_("'%(written)s' is not an HS edition: choose 2022, 2017 or 2012."),
    "hs_older_edition": N_("%(code)s is not an HS %(asked)s subheading; it was read as "
                           "HS %(edition)s."),
    "hs_newer_edition": N_("%(code)s is not an HS %(asked)s subheading; it was read as "
                           "HS %(edition)s."),
    "hs_renumbered": N_("HS %(edition)s code %(code)s is HS 2022 code %(hs2022)s."),
    "hs_confirm_subheading": N_("HS %(edition)s code %(code)s was split into %(candidates)s "
                                "in HS 2022: it is matched on heading %(heading)s; confirm "
                                "the subheading."),
    "hs_choose_code": N_("HS %(edition)s code %(code)s became %(candidates)s in HS 2022, "
                         "under different headings: choose one; until then the listing is "
                         "not matched on an HS code."),
}

_PATTERN_BY_FIELD = {
    "sku": N_("Use letters, digits and . _ / - only, starting with a letter or digit."),
}

# English messages of the schemas and services -> translatable messages with named groups.
_KNOWN: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"'(?P<code>[^']*)' is not an ISO 3166 alpha-2 country code"),
     N_("'%(code)s' is not a country code; use two letters such as US or DE.")),
    (re.compile(r"a certification is a short code"),
     N_("A certification is a short code such as FSC or ISO9001.")),
    (re.compile(r"founded cannot be in the future"),
     N_("The year founded cannot be in the future.")),
    (re.compile(r"not an e-mail address"),
     N_("This is not an e-mail address.")),
    (re.compile(r"needs a name in Chinese or English"),
     N_("Give a name in Chinese or in English.")),
    (re.compile(r"sku (?P<sku>.+) exists already"),
     N_("SKU %(sku)s exists already; choose another.")),
    (re.compile(r"^(?P<what>base|region|enterprise) (?P<id>\d+) does not exist", re.I),
     N_("This choice no longer exists; choose another.")),
    (re.compile(r"^(Enterprise|Product|Base) (?P<id>\d+) does not exist"),
     N_("This record does not exist (any more).")),
    (re.compile(r"hs_code filters by a prefix"),
     N_("Enter up to six digits of an HS code, e.g. 9401.")),
    (re.compile(r"log in or send an API token to make changes"),
     N_("Log in to make changes.")),
    (re.compile(r"may not .* here|read-only"),
     N_("Your account may not make this change.")),
    (re.compile(r"unknown (region|industry)"),
     N_("This choice is not known.")),
]


# Errors the services raise with a code (``TradebaseError.code``) -> translatable messages;
# ``%(name)s`` takes the error's parameters. Filled by the capabilities that raise them.
CODED_MESSAGES: dict[str, str] = dict(_BY_CODE)


def coded_message(exc: TradebaseError, gettext: Gettext) -> str:
    """``exc`` in the interface language: by its code when it has a known one."""
    msgid = CODED_MESSAGES.get(exc.code)
    if msgid is None:
        return translate_message(exc.message, gettext)
    try:
        return gettext(msgid) % exc.params
    except (KeyError, TypeError, ValueError):
        return gettext(msgid)


def code_message(code: str, params: Mapping[str, Any], gettext: Gettext) -> str | None:
    """The message of an error or note code with its parameters in the interface language;
    None for a code without one."""
    msgid = CODED_MESSAGES.get(code)
    return None if msgid is None else gettext(msgid) % dict(params)


def translate_message(message: str, gettext: Gettext) -> str:
    """``message`` (English, from a schema or a service) in the interface language."""
    for pattern, msgid in _KNOWN:
        match = pattern.search(message)
        if match:
            return gettext(msgid) % match.groupdict()
    return message


def _pydantic_message(error: Any, field: str | None, gettext: Gettext) -> str:
    kind = str(error.get("type", ""))
    context = {key: value for key, value in (error.get("ctx") or {}).items()
               if isinstance(value, str | int | float)}
    if kind == "string_pattern_mismatch":
        return gettext(_PATTERN_BY_FIELD.get(field or "", N_("This value has the wrong form.")))
    if kind in _BY_TYPE:
        return gettext(_BY_TYPE[kind]) % context
    if kind in _BY_CODE:
        return gettext(_BY_CODE[kind]) % context
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    return translate_message(message, gettext)


def validation_errors(
    exc: ValidationError, gettext: Gettext, *, default_field: str
) -> dict[str, str]:
    """The first message for each field of ``exc``; a model-level error goes to
    ``default_field``."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = error.get("loc") or ()
        field = str(loc[0]) if loc else default_field
        errors.setdefault(field, _pydantic_message(error, field, gettext))
    return errors


def domain_errors(
    exc: TradebaseError, gettext: Gettext, *, default_field: str
) -> dict[str, str]:
    """A service's error as ``{field: message}``."""
    return {exc.field or default_field: coded_message(exc, gettext)}
