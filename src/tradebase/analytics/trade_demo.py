"""Sample trade flows for the demo's sample enterprises, so that every trade view has
something to show: made up (``is_sample``, source ``tradebase``, file ``sample``), never the
reference bases' published figures, and deterministic (the same rows on every load).

Each sample enterprise exports its catalog's HS codes to its export markets (and one market
more some years, so that markets are won and lost) in 2019-2023, in USD; each base's rows are
the sums of its sample enterprises' (the base as one reporter). No country rows are made up:
RCA against the world says "reference missing" until real statistics are imported; against a
group of bases it works.

Loaded after ``registry.demo.load_demo`` (analytics sits above the registry); idempotent.
"""

from __future__ import annotations

import random
import zlib
from collections import defaultdict
from typing import Any

import pycountry
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from tradebase.analytics.trade_models import TradeRecord
from tradebase.registry.models import Enterprise, EnterpriseMarket, Product

YEARS = range(2019, 2024)
SOURCE_FILE = "sample"
_EXTRA_MARKETS = ("AUS", "ARE", "SAU", "MYS", "THA", "POL", "CHL", "ZAF")


def _alpha3(alpha2: str) -> str | None:
    country = pycountry.countries.get(alpha_2=alpha2.upper())
    return country.alpha_3 if country else None


def load_demo_trade(*, session: Session) -> int:
    """Write the sample flows unless they are there; the number of rows written."""
    loaded = session.execute(select(func.count()).select_from(TradeRecord).where(
        TradeRecord.is_sample.is_(True), TradeRecord.source_file == SOURCE_FILE)).scalar_one()
    if loaded:
        return 0
    enterprises = session.execute(
        select(Enterprise.id, Enterprise.base_id, Enterprise.name_en)
        .where(Enterprise.is_sample.is_(True)).order_by(Enterprise.id)).all()
    markets: dict[int, list[str]] = defaultdict(list)
    for enterprise_id, country in session.execute(
            select(EnterpriseMarket.enterprise_id, EnterpriseMarket.country)
            .order_by(EnterpriseMarket.enterprise_id, EnterpriseMarket.country)):
        code = _alpha3(country)
        if code and code != "CHN":
            markets[enterprise_id].append(code)
    codes: dict[int, list[str]] = defaultdict(list)
    for enterprise_id, hs in session.execute(
            select(Product.enterprise_id, Product.hs_code)
            .where(Product.hs_code.is_not(None), Product.is_sample.is_(True))
            .distinct().order_by(Product.enterprise_id, Product.hs_code)):
        if hs:
            codes[enterprise_id].append(hs)
    rows: list[dict[str, Any]] = []
    base_sums: dict[tuple[int, str, str, int], float] = defaultdict(float)
    for enterprise_id, base_id, name in enterprises:
        rng = random.Random(zlib.crc32(name.encode()))  # noqa: S311 (sample figures)
        products = codes.get(enterprise_id, [])[:3]
        partners = markets.get(enterprise_id) or ["USA", "DEU"]
        if not products:
            continue
        scale = rng.uniform(2e5, 5e6)
        extra = rng.choice(_EXTRA_MARKETS)
        for year in YEARS:
            growth = (1 + rng.uniform(-0.05, 0.15)) ** (year - YEARS[0])
            year_partners = [*partners, extra] if (year + enterprise_id) % 3 else partners
            for hs in products:
                for partner in year_partners:
                    value = round(scale * growth * rng.uniform(0.2, 1.0) / len(partners), 2)
                    rows.append(_row(f"enterprise:{enterprise_id}", "enterprise", hs, partner,
                                     year, value, enterprise_id=enterprise_id))
                    if base_id is not None:
                        base_sums[(base_id, hs, partner, year)] += value
    for (base_id, hs, partner, year), value in sorted(base_sums.items()):
        rows.append(_row(f"base:{base_id}", "base", hs, partner, year, round(value, 2),
                         base_id=base_id))
    if rows:
        session.execute(insert(TradeRecord), rows)
    return len(rows)


def _row(reporter: str, kind: str, hs: str, partner: str, year: int, value: float, *,
         base_id: int | None = None, enterprise_id: int | None = None) -> dict[str, Any]:
    return {"reporter": reporter, "reporter_kind": kind, "base_id": base_id,
            "enterprise_id": enterprise_id, "region_id": None, "reporter_country": None,
            "flow": "export", "hs_written": hs, "hs_edition": 2022,
            "hs2022": hs if len(hs) in (4, 6) else None, "partner": partner, "year": year,
            "month": None, "value": value, "currency": "USD", "quantity": None, "unit": None,
            "source": "tradebase", "source_file": SOURCE_FILE, "is_sample": True}
