"""The "Exports by market" section of a base page: a world map (``static/js/worldmap.js``
draws it from the JSON written beside it) and its table, sortable, with the year's new and
lost markets; and the table as CSV or XLSX.

Shown only to whoever may read the base's trade records (``policy.may_read_trade``): a
base's trade is commercial, so anonymous readers, buyers and suppliers see no section.
"""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from fastapi import Response
from sqlalchemy.orm import Session
from starlette.requests import Request

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import TradeReporter, may_read_trade
from tradebase.analytics import markets
from tradebase.analytics.markets import Market, MarketsOfYear
from tradebase.errors import InvalidInput, Unauthenticated
from tradebase.registry import service
from tradebase.registry.numbers import format_figure, format_number
from tradebase.registry.transfer.files import write_table
from tradebase.web.deps import DbSession
from tradebase.web.exports import ExportFormat
from tradebase.web.i18n import country_name, request_language
from tradebase.web.pages.messages import Gettext
from tradebase.web.pages.routing import page_router

router = page_router()

ATLAS = "/static/vendor/countries-110m.json"
EXPORT_COLUMNS = ("partner", "country", "year", "value", "currency", "share", "sample")


@lru_cache(maxsize=2048)
def market_name(partner: str, lang: str) -> str:
    """A partner's name in ``lang``: Babel's territory name (CLDR), else pycountry's, else
    the code as the records write it (areas such as ``XX`` no country stands for)."""
    _, alpha2 = markets.country_codes(partner)
    if alpha2 is None:
        return partner
    name = Locale.parse(lang).territories.get(alpha2)
    return str(name) if name else country_name(alpha2, lang)


def _year(request: Request) -> int | None:
    raw = (request.query_params.get("markets_year") or "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdecimal() or len(raw) != 4:
        raise InvalidInput(f"'{raw}' is not a year", field="year", code="markets_year_form",
                           params={"input": raw})
    return int(raw)


def _percent(share: float | None, lang: str) -> str:
    return "" if share is None else f"{format_number(share * 100, lang, compact=False)}%"


def _row(market: Market, data: MarketsOfYear, lang: str) -> dict[str, Any]:
    return {"partner": market.partner, "name": market_name(market.partner, lang),
            "value": market.value, "share": _percent(market.share, lang),
            "text": format_figure(market.value, lang=lang, currency=data.currency)}


def section(*, session: Session, request: Request, base_id: int,
            gettext: Gettext) -> dict[str, Any] | None:
    """The section's context, None when the reader may not read the base's trade or the
    base has no exports recorded."""
    if not may_read_trade(current_actor(session), TradeReporter("base", base_id=base_id)):
        return None
    lang = request_language(request)
    notice = None
    try:
        data = markets.exports_by_market(session=session, base_id=base_id, year=_year(request))
    except InvalidInput as exc:  # an unknown year: the latest one, and say so
        notice = gettext("No exports are recorded for the year asked for; the latest year "
                         "is shown.") if exc.field == "year" else None
        data = markets.exports_by_market(session=session, base_id=base_id)
    if data.year is None:
        return None
    sort = request.query_params.get("markets_sort", "value")
    sort = sort if sort in markets.SORT_KEYS else "value"
    order = request.query_params.get("markets_order", "desc" if sort == "value" else "asc")
    descending = order == "desc"
    names = {market.partner: market_name(market.partner, lang) for market in data.markets}
    ordered = markets.sorted_markets(data.markets, key=sort, descending=descending, names=names)
    mapped = [market for market in data.markets if market.numeric is not None]
    return {
        "data": data, "sort": sort, "descending": descending, "notice": notice,
        "rows": [_row(market, data, lang) for market in ordered],
        "new": [_row(market, data, lang) for market in data.new],
        "lost": [_row(market, data, lang) for market in data.lost],
        "total": format_figure(data.total, lang=lang, currency=data.currency),
        "map": {
            "lang": lang, "atlas": ATLAS,
            "label": gettext("Exports %(year)s (%(currency)s)") % {
                "year": data.year, "currency": data.currency},
            "values": [{"id": market.numeric, "name": names[market.partner],
                        "value": market.value,
                        "text": format_figure(market.value, lang=lang,
                                              currency=data.currency)}
                       for market in mapped],
        },
    }


@router.get("/bases/{base_id:int}/markets/export")
def export(base_id: int, request: Request, db: DbSession,
           format: ExportFormat = ExportFormat.csv) -> Response:
    """The year's table of the section as CSV or XLSX, country names in the reader's
    language, values as numbers."""
    base = service.get_base(session=db, base_id=base_id)
    if not current_actor(db).is_authenticated:
        raise Unauthenticated("log in to read a base's trade records")
    lang = request_language(request)
    data = markets.exports_by_market(session=db, base_id=base.id, year=_year(request))
    rows = [[market.partner, market_name(market.partner, lang), data.year, market.value,
             data.currency, market.share, "sample" if data.is_sample else ""]
            for market in data.markets]
    name = f"exports-by-market-base-{base.id}{f'-{data.year}' if data.year else ''}"
    name = f"{name}.{format.value}"
    with tempfile.TemporaryDirectory(prefix="tradebase-export-") as folder:
        path = Path(folder) / name
        write_table(path, EXPORT_COLUMNS, rows, format.value, sheet="markets")
        content = path.read_bytes()
    return Response(content, media_type=format.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
