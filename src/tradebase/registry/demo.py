"""The demo data set: the five reference bases with the figures of their published articles,
and sample enterprises and catalogs (marked ``is_sample``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.registry import indicators, schemas, service
from tradebase.registry.models import (
    Base,
    Designation,
    Industry,
    KeyEnterprise,
    KeyProject,
    Region,
    Source,
)

DEMO_DIR = Path(__file__).parent / "demo"
# The articles the reference bases' figures come from (demo/sources/, see its README).
ARTICLES_DIR = DEMO_DIR / "sources"
# What the sample enterprises' made-up series cite.
SAMPLE_SOURCE_ID = "sample-data"
SAMPLE_SOURCE_TITLE = "Sample data (fictitious enterprises)"


@dataclass(frozen=True)
class DemoSummary:
    bases: int
    enterprises: int
    products: int
    facts: int
    loaded: bool


def _read(name: str) -> Any:
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


def is_loaded(*, session: Session) -> bool:
    return session.scalar(select(Base.id).where(Base.key == "anxi")) is not None


def load_demo(*, session: Session) -> DemoSummary:
    """Load the demo data set unless it is there already. Never commits."""
    if is_loaded(session=session):
        return DemoSummary(0, 0, 0, 0, loaded=False)
    service.load_hs_codes(session=session)
    data = _read("bases.json")
    for item in data["sources"]:
        if session.get(Source, item["id"]) is None:
            session.add(Source(
                id=item["id"], title=item.get("title") or "",
                publisher=item.get("publisher") or "",
                published_on=date.fromisoformat(item["date"]) if item.get("date") else None,
                language=item.get("language") or "", url=item.get("url") or "",
            ))
    if session.get(Source, SAMPLE_SOURCE_ID) is None:
        session.add(Source(id=SAMPLE_SOURCE_ID, title=SAMPLE_SOURCE_TITLE, language="en"))

    regions: dict[str, Region] = {}
    for item in data["regions"]:
        region = session.scalar(select(Region).where(Region.code == item.get("code")))
        if region is None:
            parent = regions.get(item["parent"]) if item.get("parent") else None
            region = Region(
                code=item.get("code"), name_zh=item["name_zh"], name_en=item["name_en"],
                level=item["level"], parent=parent,
            )
            session.add(region)
        regions[item["key"]] = region

    industries: dict[str, Industry] = {}
    for item in data["industries"]:
        industry = session.scalar(select(Industry).where(Industry.key == item["key"]))
        if industry is None:
            industry = Industry(key=item["key"], name_zh=item["name_zh"], name_en=item["name_en"])
            session.add(industry)
        industries[item["key"]] = industry
    session.flush()

    bases: dict[str, Base] = {}
    facts = 0
    for item in data["bases"]:
        base = Base(
            key=item["key"], name_zh=item["name_zh"], name_en=item["name_en"],
            industry=industries[item["industry"]],
            regions=[regions[key] for key in item["regions"]],
            description_zh=item.get("description_zh", ""),
            description_en=item.get("description_en", ""),
        )
        for designation in item.get("designations", []):
            base.designations.append(
                Designation(**schemas.DesignationIn.model_validate(designation).model_dump())
            )
        session.add(base)
        session.flush()
        bases[item["key"]] = base
        for fact in item.get("indicators", []):
            indicators.create_indicator(
                session=session,
                data=_fact(fact, base_id=base.id, source_id=fact["source"], is_sample=False),
            )
            facts += 1

    enterprise_count = product_count = 0
    enterprises: dict[str, int] = {}
    for item in _read("enterprises.json"):
        contact = item.get("contact") or {}
        enterprise = service.create_enterprise(
            session=session,
            data=schemas.EnterpriseCreate(
                name_zh=item["name_zh"], name_en=item["name_en"],
                base_id=bases[item["base"]].id, region_id=regions[item["region"]].id,
                size=item.get("size"), employees=item.get("employees"),
                founded=item.get("founded"), certifications=item.get("certifications", []),
                markets=item.get("markets", []), contact_name=contact.get("name", ""),
                contact_email=contact.get("email", ""), contact_phone=contact.get("phone", ""),
                website=item.get("website") or "", description_en=item.get("description_en", ""),
                description_zh=item.get("description_zh", ""), is_sample=True,
            ),
        )
        enterprises[item["key"]] = enterprise.id
        enterprise_count += 1
        for product in item.get("products", []):
            service.create_product(
                session=session,
                data=schemas.ProductCreate(
                    enterprise_id=enterprise.id, is_sample=True, **product
                ),
            )
            product_count += 1
        for fact in item.get("indicators", []):
            indicators.create_indicator(
                session=session,
                data=_fact(
                    fact, enterprise_id=enterprise.id, is_sample=True,
                    source_id=SAMPLE_SOURCE_ID,
                ),
            )
            facts += 1

    for item in data["bases"]:
        base = bases[item["key"]]
        for entry in item.get("key_enterprises", []):
            session.add(
                KeyEnterprise(
                    base_id=base.id,
                    enterprise_id=enterprises.get(entry.get("enterprise") or ""),
                    name_zh=entry.get("name_zh", ""), name_en=entry.get("name_en", ""),
                    list_title_zh=entry.get("list_title_zh", ""),
                    list_title_en=entry.get("list_title_en", ""),
                    listed_by=entry.get("listed_by_en", ""), year=entry.get("year"),
                )
            )
        for entry in item.get("key_projects", []):
            session.add(
                KeyProject(
                    base_id=base.id, name_zh=entry.get("name_zh", ""),
                    name_en=entry.get("name_en", ""),
                    list_title_zh=entry.get("list_title_zh", ""),
                    list_title_en=entry.get("list_title_en", ""),
                    listed_by=entry.get("listed_by_en", ""), year=entry.get("year"),
                    description_en=entry.get("description_en", ""),
                )
            )
    session.flush()
    return DemoSummary(len(bases), enterprise_count, product_count, facts, loaded=True)


def _fact(
    item: dict[str, Any], *, source_id: str, is_sample: bool,
    base_id: int | None = None, enterprise_id: int | None = None,
) -> schemas.IndicatorCreate:
    return schemas.IndicatorCreate(
        base_id=base_id, enterprise_id=enterprise_id, metric=item["metric"],
        value=item["value"], currency=item.get("currency"), unit=item.get("unit"),
        year=item.get("year"), month=item.get("month"), qualifier=item.get("qualifier"),
        source=schemas.Source(id=source_id, quote=item.get("quote") or ""),
        note=item.get("note") or "", is_sample=is_sample,
    )
