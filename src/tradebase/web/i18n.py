"""The interface languages: choosing one per request, the Babel catalogs, localised names.

The catalogs are the ``.po`` files under ``web/i18n/``; they are read once per process and
compiled in memory, so no ``pybabel compile`` step is needed to run the app. English is the
source language of every message.
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

from tradebase.settings import get_settings

CATALOG_DIR = Path(__file__).parent / "i18n"
DOMAIN = "messages"
LANGUAGES: tuple[str, ...] = ("zh", "en")
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
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


def supported(code: str | None) -> str | None:
    """``code`` as one of LANGUAGES (``zh-CN`` -> ``zh``), or None when it is not one."""
    if not code:
        return None
    primary = code.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The supported language the browser prefers most, by the q-values of Accept-Language."""
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
        lang = supported(tag)
        if lang and quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else None


def request_language(request: Request) -> str:
    """The language of a request: the ``lang`` cookie, else Accept-Language, else the default."""
    return (
        supported(request.cookies.get(COOKIE))
        or from_accept_language(request.headers.get("accept-language"))
        or supported(get_settings().default_language)
        or LANGUAGES[0]
    )


def localized(obj: object, field: str, lang: str) -> str:
    """``obj.<field>_<lang>``, falling back to the other language when that one is empty."""
    order = [lang, *(other for other in LANGUAGES if other != lang)]
    for code in order:
        text = getattr(obj, f"{field}_{code}", "") or ""
        if text:
            return str(text)
    return ""


@lru_cache(maxsize=len(LANGUAGES))
def _country_catalog(lang: str) -> gettext_module.NullTranslations:
    if lang == "zh":
        return gettext_module.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True
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
