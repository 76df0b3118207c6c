"""The interface languages: choosing one per request, the Babel catalogs, localised names.

The catalogs are the ``.po`` files under ``web/i18n/``; they are read once per process and
compiled in memory, so no ``pybabel compile`` step is needed to run the app. English is the
source language of every message.

Buyers read their pages and mails in any of ``BUYER_LANGUAGES`` (German, Spanish, French and
Swedish besides Chinese and English); factories, administrators and officers work in
``STAFF_LANGUAGES`` (``accounts.policy.interface_languages``). A message of a page only staff
see may stay untranslated in the buyers' catalogs: gettext falls back to its English source.
"""

from __future__ import annotations

import gettext as gettext_module
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Protocol

import pycountry
from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from starlette.requests import Request

from tradebase.accounts.policy import (
    BUYER_LANGUAGES,
    Actor,
    interface_languages,
)
from tradebase.accounts.policy import (
    STAFF_LANGUAGES as STAFF_LANGUAGES,
)
from tradebase.accounts.roles import Role
from tradebase.settings import get_settings

CATALOG_DIR = Path(__file__).parent / "i18n"
DOMAIN = "messages"
LANGUAGES: tuple[str, ...] = BUYER_LANGUAGES
"""Every interface language; a reader may use those of ``languages_for``."""
LANGUAGE_NAMES = {"zh": "中文", "en": "English", "de": "Deutsch", "es": "Español",
                  "fr": "Français", "sv": "Svenska"}
HTML_LANG = {"zh": "zh-Hans", "en": "en", "de": "de", "es": "es", "fr": "fr", "sv": "sv"}
# The pages a visitor who is not signed in may read in a buyer's language: what a buyer uses
# (requests, quotes, products, signing up and in). Elsewhere visitors read zh or en.
BUYER_PAGES = ("/docking", "/enquiries", "/products/", "/signup", "/privacy", "/login",
               "/password-reset", "/account", "/my", "/inbox", "/lang/")
STAFF_PAGES = ("/docking/inbox", "/docking/bases/", "/products/new")
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def N_(message: str) -> str:  # noqa: N802 - the conventional name pybabel extracts
    """Mark ``message`` for extraction; it is translated later, where the language is known."""
    return message


class Gettext(Protocol):
    def __call__(self, message: str, /) -> str: ...


@lru_cache(maxsize=len(LANGUAGES))
def get_translations(lang: str) -> NullTranslations:
    """The catalog of ``lang``, compiled in memory from its ``.po`` file and cached.

    English is the source language: its "catalog" returns every message unchanged."""
    po_path = CATALOG_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == "en" or not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def language_of(gettext: Gettext) -> str:
    """The language whose catalog ``gettext`` is (from ``get_translations``); English for
    any other, as it says every message unchanged. For words that need more than the
    catalog, such as a number written the language's way."""
    for lang in LANGUAGES:
        if gettext == get_translations(lang).gettext:
            return lang
    return "en"


def supported(code: str | None, allowed: tuple[str, ...] = LANGUAGES) -> str | None:
    """``code`` as one of ``allowed`` (``zh-CN`` -> ``zh``), or None when it is not one."""
    if not code:
        return None
    primary = code.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in allowed else None


def from_accept_language(header: str | None, allowed: tuple[str, ...] = LANGUAGES) -> str | None:
    """The language of ``allowed`` the browser prefers most, by the q-values of
    Accept-Language (a German browser reading a factory's page gets the English one)."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        lang = supported(tag, allowed)
        if lang and quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else None


def _actor(request: Request) -> Actor | None:
    actor = getattr(request.state, "actor", None)
    return actor if isinstance(actor, Actor) else None


def languages_for(request: Request) -> tuple[str, ...]:
    """The languages the reader of ``request`` may use: a buyer's six, staff's zh and en; a
    visitor who is not signed in the buyer's six on the pages a buyer uses."""
    actor = _actor(request)
    if actor is not None and actor.role is not None:
        return interface_languages(actor.role)
    path = request.url.path
    if path.startswith(BUYER_PAGES) and not path.startswith(STAFF_PAGES):
        return BUYER_LANGUAGES
    return STAFF_LANGUAGES


def request_language(request: Request) -> str:
    """The language of a request, among those its reader may use: the ``lang`` cookie (the
    language switch of this browser), else the user's own setting, else Accept-Language, else
    the platform's default, else English."""
    allowed = languages_for(request)
    actor = _actor(request)
    return (
        supported(request.cookies.get(COOKIE), allowed)
        or supported(actor.language if actor else None, allowed)
        or from_accept_language(request.headers.get("accept-language"), allowed)
        or supported(get_settings().default_language, allowed)
        or "en"
    )


def user_language(role: object, setting: str | None, default: str) -> str:
    """The language of what is written to a user outside a page (a mail): its own setting
    when its role may use it, else the platform's default, else English."""
    allowed = interface_languages(role if isinstance(role, Role) else _role(role))
    return supported(setting, allowed) or supported(default, allowed) or "en"


def reader_language(request: Request, role: object, setting: str | None) -> str:
    """The language of a mail to a reader that a request caused (a reset link asked for):
    its own setting, else this browser's language switch or Accept-Language, else the
    platform's default, else English: each among the languages the reader's role may use
    (not the asker's: a buyer's reset asked through the API is still in its six)."""
    allowed = interface_languages(role if isinstance(role, Role) else _role(role))
    return (
        supported(setting, allowed)
        or supported(request.cookies.get(COOKIE), allowed)
        or from_accept_language(request.headers.get("accept-language"), allowed)
        or supported(get_settings().default_language, allowed)
        or "en"
    )


def _role(value: object) -> Role | None:
    try:
        return Role(str(value))
    except ValueError:
        return None


def localized(obj: object, field: str, lang: str) -> str:
    """``obj.<field>_<lang>``, falling back to the other languages when that one is empty or
    missing (the register is written in zh and en: a German reader gets the English)."""
    order = fallback_order(lang)
    for code in order:
        text = getattr(obj, f"{field}_{code}", "") or ""
        if text:
            return str(text)
    return ""


def fallback_order(lang: str) -> list[str]:
    """``lang`` and then the others to try when a text is missing in it: English before
    Chinese for every reader but a Chinese one."""
    rest = ("zh", "en") if lang == "zh" else ("en", "zh")
    return [lang, *(code for code in (*rest, *LANGUAGES) if code != lang)]


_PYCOUNTRY_LOCALES = {"zh": "zh_CN", "de": "de", "es": "es", "fr": "fr", "sv": "sv"}


@lru_cache(maxsize=len(LANGUAGES))
def _country_catalog(lang: str) -> gettext_module.NullTranslations:
    locale = _PYCOUNTRY_LOCALES.get(lang)
    if locale is not None:
        return gettext_module.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True
        )
    return gettext_module.NullTranslations()


@lru_cache(maxsize=1024)
def country_name(code: str, lang: str) -> str:
    """The name of an ISO 3166 alpha-2 country in ``lang`` (the code itself when unknown)."""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    name = str(getattr(country, "common_name", None) or country.name)
    translated = _country_catalog(lang).gettext(str(country.name))
    return translated if lang != "en" else name


@lru_cache(maxsize=8)
def country_options(lang: str) -> tuple[tuple[str, str], ...]:
    """Every ISO 3166 country as (alpha-2 code, name in ``lang``), sorted by name: the
    choices of a country field, whose posted value stays the code."""
    named = ((str(country.alpha_2), country_name(str(country.alpha_2), lang))
             for country in pycountry.countries)
    return tuple(sorted(named, key=lambda pair: pair[1]))


@lru_cache(maxsize=256)
def language_name(tag: str, lang: str) -> str:
    """The name of the language ``tag`` (BCP 47, "sv") in ``lang``: "瑞典语", "Swedish"; the
    tag itself when Babel does not know it."""
    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name(Locale.parse(lang))
    except (UnknownLocaleError, ValueError):
        return tag
    return name or tag
