"""Jinja2 environments (one per interface language) and the page response helpers."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from tradebase.accounts.policy import ANONYMOUS, Permission, is_allowed
from tradebase.figures.certifications import split_list
from tradebase.registry.hs_names import hs_name
from tradebase.registry.metrics import METRICS
from tradebase.registry.models import IndicatorFact
from tradebase.registry.numbers import (
    format_figure,
    format_file_size,
    format_money,
    format_number,
)
from tradebase.web.auth import csrf_token
from tradebase.web.i18n import (
    HTML_LANG,
    LANGUAGE_NAMES,
    LANGUAGES,
    country_name,
    country_options,
    get_translations,
    language_name,
    languages_for,
    localized,
    request_language,
)
from tradebase.web.pages.award_words import round_status, unit_name
from tradebase.web.pages.reasons import reason_lines
from tradebase.web.pages.vocab import DESIGNATION_LEVELS, REGION_LEVELS, SIZE_LABELS

TEMPLATES_DIR = Path(__file__).parent.parent / "templates"


def metric_label(metric: str, lang: str) -> str:
    """The documented label of ``metric`` in ``lang`` (its name when it is not documented)."""
    found = METRICS.get(metric)
    if found is None:
        return metric
    return found.label_zh if lang == "zh" else found.label_en


COUNTED_UNITS = frozenset({"companies", "enterprises", "meetings", "cities", "countries"})
"""Units that count things, said with the plural the count takes ("1 company", "2 companies")
in every language but Chinese (whose measure words ``format_figure`` writes)."""


def _counted(unit: str, count: int, lang: str) -> str:
    """``unit`` counted ``count`` times in ``lang``, ``%(num)s`` standing for the number."""
    t = get_translations(lang)
    if unit == "companies":
        return t.ngettext("%(num)s company", "%(num)s companies", count)
    if unit == "enterprises":
        return t.ngettext("%(num)s enterprise", "%(num)s enterprises", count)
    if unit == "meetings":
        return t.ngettext("%(num)s meeting", "%(num)s meetings", count)
    if unit == "cities":
        return t.ngettext("%(num)s city", "%(num)s cities", count)
    return t.ngettext("%(num)s country", "%(num)s countries", count)


def fact_figure(fact: IndicatorFact, lang: str) -> str:
    """An indicator fact written for ``lang`` with its qualifier: "超过 2,200 家",
    "1 company"."""
    if lang != "zh" and fact.currency is None and fact.unit in COUNTED_UNITS:
        number = format_figure(fact.value, lang=lang, qualifier=fact.qualifier)
        count = int(fact.value) if float(fact.value).is_integer() else 2
        return _counted(fact.unit, count, lang) % {"num": number}
    return format_figure(
        fact.value, lang=lang, currency=fact.currency, unit=fact.unit, qualifier=fact.qualifier
    )


def period(fact: IndicatorFact) -> str:
    """"2020" or "2022-06"; empty when the figure was published without a date."""
    if fact.year is None:
        return ""
    return f"{fact.year}-{fact.month:02d}" if fact.month else str(fact.year)


@lru_cache(maxsize=len(LANGUAGES))
def environment(lang: str) -> Environment:
    """The template environment of ``lang``: its catalog and its number and name filters."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(get_translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        figure=lambda value, currency=None, unit=None, qualifier=None: format_figure(
            value, lang=lang, currency=currency, unit=unit, qualifier=qualifier
        ),
        fact=lambda fact: fact_figure(fact, lang),
        number=lambda value: "" if value is None else format_number(value, lang, compact=False),
        filesize=lambda count: "" if count is None else format_file_size(count, lang),
        money=lambda value, currency: "" if value is None else format_money(
            value, currency, lang=lang),
        loc=lambda obj, field="name": localized(obj, field, lang),
        country=lambda code: country_name(code, lang),
        metric=lambda name: metric_label(name, lang),
        period=period,
        language=lambda tag: language_name(tag, lang) if tag else "",
        hs=lambda code: hs_name(code, lang) if code else None,
        reasons=lambda codes, texts=(): reason_lines(codes or (), texts, lang),
        unit=lambda unit: unit_name(unit, get_translations(lang).gettext),
        round_status=lambda code: round_status(code, get_translations(lang).gettext),
        json_text=lambda value: json.dumps(value, ensure_ascii=False, indent=1),
        country_codes=lambda text: list(dict.fromkeys(
            code.upper() for code in split_list(text or ""))),
    )
    env.globals.update(
        lang=lang,
        html_lang=HTML_LANG[lang],
        languages=[(code, LANGUAGE_NAMES[code]) for code in ("zh", "en")],
        countries=country_options(lang),
        size_labels=SIZE_LABELS,
        designation_levels=DESIGNATION_LEVELS,
        region_levels=REGION_LEVELS,
    )
    return env


def here(request: Request) -> str:
    """The path and query of ``request``, for a ``next=`` parameter."""
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return quote(target, safe="")


def is_htmx(request: Request) -> bool:
    """An HTMX request for a fragment (not a history restore, which needs the whole page)."""
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def _no_unread() -> int:
    return 0


def render_text(request: Request, template: str, context: dict[str, Any] | None = None,
                *, lang: str | None = None) -> str:
    """``template`` rendered in the request's language, as text (what ``render`` sends, and
    what ``web/pdf.py`` typesets)."""
    lang = lang or request_language(request)
    page = environment(lang).get_template(template)
    actor = getattr(request.state, "actor", ANONYMOUS)
    return page.render({
        "request": request,
        "here": here(request),
        "actor": actor,
        # The top bar's links, decided by the policy as on the pages they lead to.
        "may_audit": is_allowed(actor, Permission.VIEW_AUDIT),
        "csrf_token": lambda: csrf_token(request),
        "unread_notifications": getattr(request.state, "unread_notifications", _no_unread),
        "languages": [(code, LANGUAGE_NAMES[code]) for code in languages_for(request)],
        **(context or {}),
    })


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    lang: str | None = None,
) -> HTMLResponse:
    """Render ``template`` in the request's language."""
    lang = lang or request_language(request)
    response = HTMLResponse(render_text(request, template, context, lang=lang),
                            status_code=status_code)
    response.headers["Vary"] = "Cookie, Accept-Language, HX-Request"
    response.headers["Content-Language"] = HTML_LANG[lang]
    return response


def gettext_for(request: Request) -> Any:
    """The ``gettext`` of the request's language, for messages built in Python."""
    return get_translations(request_language(request)).gettext
