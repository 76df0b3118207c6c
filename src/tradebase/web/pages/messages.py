"""What an error code says, in the user's language: the one table from codes to messages.

Errors carry a code and parameters, never a sentence to parse: a domain error its ``code``
and ``params`` (``tradebase.errors``), a schema's rule its ``PydanticCustomError`` code, a
Pydantic check its error type and context (``web/errors.py:field_errors``). Every page says
them here, through the catalog; the API answers with the same codes. A code that has no
message here is said as "This value is not valid." rather than in English.

A code may have a message for one field (``"string_pattern_mismatch:sku"``) that is said
instead of the code's own when the error is about that field, and one for a place that says
it otherwise (``context``: a file's row report says "must not be empty" where a form says
"This field is required."); a code that has no message in its place is not said by another
place's (``say_in``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from tradebase.errors import TradebaseError
from tradebase.registry.numbers import format_file_size
from tradebase.web.errors import FieldError
from tradebase.web.i18n import N_, language_of

Gettext = Callable[[str], str]

FALLBACK = N_("This value is not valid.")

_DATE = N_("Enter a date such as 2027-03-01.")
_WHOLE = N_("Enter a whole number.")
_NUMBER = N_("Enter a number such as 12.50.")
_CHOICE = N_("Choose one of the listed values.")
_REQUIRED = N_("This field is required.")
_COUNTRY = N_("Use a country code of two letters such as US or DE.")
_CURRENCY = N_("Use a currency code of three letters such as EUR or CNY.")
_MONTH = N_("Enter a month such as 2027-03.")

MESSAGES: dict[str, str] = {
    # Pydantic's checks (error types), their context as parameters
    "missing": _REQUIRED,
    "string_too_short": _REQUIRED,
    "too_short": _REQUIRED,
    "string_too_long": N_("Use at most %(max_length)s characters."),
    "too_long": N_("Give at most %(max_length)s entries."),
    "int_parsing": _WHOLE,
    "int_type": _WHOLE,
    "int_from_float": _WHOLE,
    "int_parsing_size": _WHOLE,
    "float_parsing": _NUMBER,
    "float_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "decimal_max_digits": N_("Use at most %(max_digits)s digits."),
    "decimal_max_places": N_("Use at most %(decimal_places)s decimal places."),
    "finite_number": _NUMBER,
    "greater_than_equal": N_("Enter a number of at least %(ge)s."),
    "greater_than": N_("Enter a number greater than %(gt)s."),
    "less_than_equal": N_("Enter a number of at most %(le)s."),
    "less_than": N_("Enter a number less than %(lt)s."),
    "enum": _CHOICE,
    "literal_error": _CHOICE,
    "bool_parsing": _CHOICE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "date_type": _DATE,
    "string_pattern_mismatch": N_("This value has the wrong form."),
    "string_pattern_mismatch:sku": N_(
        "Use letters, digits and . _ / - only, starting with a letter or digit."),
    "string_pattern_mismatch:destination": _COUNTRY,
    "string_pattern_mismatch:currency": _CURRENCY,
    "string_pattern_mismatch:price_currency": _CURRENCY,
    "string_pattern_mismatch:month": _MONTH,
    "string_pattern_mismatch:hs_code": N_("Enter an HS code of four or six digits, e.g. 9401."),
    "extra_forbidden": N_("This field is not expected here."),
    # The kinds of domain errors raised without a code of their own (``errors.py``)
    "error": FALLBACK,
    "invalid": FALLBACK,
    "not_found": N_("This record does not exist (any more)."),
    "conflict": N_("This clashes with what is stored; check the value."),
    "stale": N_(
        "Someone else saved this record while you were editing it. The form now shows what "
        "is stored; make your change again and save."),
    "too_large": N_("The file is larger than the limit."),
    "unauthenticated": N_("Log in to make changes."),
    "forbidden": N_("Your account may not make this change."),
    "rate_limited": N_("Too many attempts. Try again later."),
    # The register's rules (``registry/schemas.py``, ``registry/service.py``)
    "country_code": N_("'%(code)s' is not a country code; use two letters such as US or DE."),
    "currency_code": N_("'%(code)s' is not a currency code; use three letters such as EUR."),
    "certification_form": N_("A certification is a short code such as FSC or ISO9001."),
    "founded_future": N_("The year founded cannot be in the future."),
    "email_form": N_("This is not an e-mail address."),
    "name_required": N_("Give a name in Chinese or in English."),
    "sku_taken": N_("SKU %(sku)s exists already; choose another."),
    "choice_missing": N_("This choice no longer exists; choose another."),
    "choice_unknown": N_("This choice is not known."),
    "hs_prefix": N_("Enter up to six digits of an HS code, e.g. 9401."),
    "price_range": N_("The highest price must not be below the lowest."),
    "price_currency_needed": N_("Give the currency of the price range."),
    "language_tag": N_("'%(lang)s' is not a language tag such as zh or de."),
    # HS codes as written (``registry/hs_codes.py``)
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
    # Docking requests, quotes and intentions (``docking/schemas.py``)
    "request.currency_needed": N_("Give the currency of the target price."),
    "request.expires_before_deadline": N_(
        "The request cannot expire before its quote deadline."),
    "request.choose_listing": N_("Choose one of this enterprise's products."),
    "intention.delivery_before_start": N_("The delivery date must not be before the start date."),
    "capacity.hs_or_product": N_("Give an HS code or a product."),
    # Procurement rounds (``allocation/round_schemas.py``, ``web/pages/procurement.py``)
    "blank": _REQUIRED,
    "round.tier_range": N_("Each threshold must be between 1 and %(limit)s."),
    "round.material_twice": N_("Each material may be listed once."),
    "round.month": _MONTH,
    "round.tier_twice": N_("Each quantity may start one tier only (%(quantity)s is there twice)."),
    "round.tier_out_of_range": N_("A tier's quantity or price is out of range."),
    "round.price_breaks_form": N_("Write each tier as quantity:price, e.g. 0:10; 1000:8."),
    "round.percent": _NUMBER,
}


FILE_SIZES: dict[str, tuple[str, ...]] = {}
"""The parameters of a code that are a number of bytes (errors carry bytes, as the API
answers them): said as a size in the reader's language, "10 MB", never as bytes."""


def add_messages(messages: Mapping[str, str], *, context: str | None = None,
                 sizes: Mapping[str, tuple[str, ...]] | None = None) -> None:
    """Add a capability's codes to the table (its page module does, when it is imported);
    with ``context``, as what they say in that place only; ``sizes`` names the parameters
    of a code that are a number of bytes."""
    MESSAGES.update({_key(code, context): msgid for code, msgid in messages.items()})
    FILE_SIZES.update(sizes or {})


def _sized(code: str, params: Mapping[str, Any], gettext: Gettext) -> dict[str, Any]:
    """``params`` with each size of ``code`` written as a size in ``gettext``'s language."""
    names = FILE_SIZES.get(code, ())
    if not names:
        return dict(params)
    lang = language_of(gettext)
    return {name: format_file_size(int(value), lang)
            if name in names and isinstance(value, int) else value
            for name, value in params.items()}


def _key(code: str, context: str | None) -> str:
    return f"{context}/{code}" if context else code


def say_in(context: str, code: str, params: Mapping[str, Any], gettext: Gettext) -> str | None:
    """The message of ``code`` in ``context`` with its ``params``; None if it has none there
    (or the message names a parameter that is missing), for the caller to say otherwise."""
    msgid = MESSAGES.get(_key(code, context))
    if msgid is None:
        return None
    try:
        return gettext(msgid) % _sized(code, params, gettext)
    except (KeyError, TypeError, ValueError):
        return None


def say(code: str, params: Mapping[str, Any], gettext: Gettext, *,
        field: str | None = None) -> str:
    """The message of ``code`` with its ``params`` in the interface language."""
    msgid = MESSAGES.get(f"{code}:{field}") if field else None
    msgid = msgid or MESSAGES.get(code) or FALLBACK
    try:
        return gettext(msgid) % _sized(code, params, gettext)
    except (KeyError, TypeError, ValueError):  # a parameter the message names is missing
        return gettext(FALLBACK)


def say_error(exc: TradebaseError, gettext: Gettext) -> str:
    """A domain error in the interface language, by its code."""
    return say(exc.code, exc.params, gettext, field=exc.field)


def field_messages(
    errors: Iterable[FieldError], gettext: Gettext, *, default_field: str
) -> dict[str, str]:
    """The first message for each form field of ``errors`` (a nested field such as
    ``materials.0.name`` is its form field's, ``materials``); an error about the whole
    form goes to ``default_field``."""
    found: dict[str, str] = {}
    for error in errors:
        name = (error.field or default_field).split(".")[0]
        found.setdefault(name, say(error.code, error.params, gettext, field=name))
    return found
