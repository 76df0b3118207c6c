"""The register's reference lists: the HS nomenclature, regions and industries. Each function
takes ``session`` keyword-only and never commits."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from tradebase.errors import InvalidInput
from tradebase.registry import search
from tradebase.registry.hs_names import HsName, hs_name
from tradebase.registry.models import HsCode, Industry, Region
from tradebase.registry.records import get_one, page

HS_DIR = Path(__file__).parent / "hs"


# --- HS nomenclature ---------------------------------------------------------------------


def load_hs_codes(*, session: Session, path: Path | None = None) -> int:
    """Load the HS nomenclature (chapters, headings, subheadings) if the table is empty.

    Aggregate rows (section ``TOTAL``) are not goods and are skipped. Returns rows added.
    """
    if session.scalar(select(func.count()).select_from(HsCode)):
        return 0
    path = path or HS_DIR / "harmonized-system.csv"
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["section"] == "TOTAL" or row["level"] not in {"2", "4", "6"}:
                continue
            parent = row["parent"] if row["parent"] != "TOTAL" else None
            rows.append(
                {
                    "code": row["hscode"],
                    "level": int(row["level"]),
                    "description": row["description"],
                    "parent_code": parent,
                    "section": row["section"],
                }
            )
    session.execute(insert(HsCode), rows)
    search.index_hs_codes(session.connection())
    return len(rows)


def list_hs_codes(
    *, session: Session, prefix: str | None = None, q: str | None = None, level: int | None = None,
    limit: int = 50, offset: int = 0,
) -> tuple[list[HsCode], int]:
    stmt = select(HsCode).order_by(HsCode.code)
    if prefix:
        stmt = stmt.where(HsCode.code.startswith(prefix))
    if level:
        stmt = stmt.where(HsCode.level == level)
    condition = search.hs_matching(session, q)
    if condition is not None:
        stmt = stmt.where(condition)
    return page(session, stmt, limit=limit, offset=offset)


def get_hs_code(*, session: Session, code: str) -> HsCode:
    return get_one(session, HsCode, code, "HS code")


def hs_descriptions(
    *, session: Session, codes: Iterable[str], language: str = "en"
) -> dict[str, HsName]:
    """The name in ``language`` of each of ``codes`` the register knows: Chinese where the
    project has one, else the register's English description marked as a fallback."""
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    rows = session.execute(select(HsCode.code, HsCode.description).where(HsCode.code.in_(wanted)))
    names = {row.code: hs_name(row.code, language, english=row.description) for row in rows}
    return {code: name for code, name in names.items() if name is not None}


# --- regions and industries -------------------------------------------------------------


def list_regions(*, session: Session, level: str | None = None) -> list[Region]:
    stmt = select(Region).order_by(Region.code, Region.id)
    if level:
        stmt = stmt.where(Region.level == level)
    return list(session.scalars(stmt))


def get_region(*, session: Session, region_id: int) -> Region:
    return get_one(session, Region, region_id, "Region")


def resolve_region(*, session: Session, ref: str) -> Region:
    """A region by id, administrative code or English/Chinese name."""
    region = None
    if ref.isdecimal() and len(ref) <= 9:  # an id (a longer number is no id, maybe a code)
        region = session.get(Region, int(ref))
    if region is None:
        region = session.scalars(
            select(Region).where(
                or_(Region.code == ref, Region.name_en == ref, Region.name_zh == ref)
            )
        ).first()
    if region is None:
        raise InvalidInput(f"unknown region '{ref}'", field="region", code="choice_unknown")
    return region


def region_and_descendants(*, session: Session, region_id: int) -> set[int]:
    """The region and every region below it (a province includes its cities and counties)."""
    found = {region_id}
    frontier = {region_id}
    while frontier:
        children = set(session.scalars(select(Region.id).where(Region.parent_id.in_(frontier))))
        frontier = children - found
        found |= frontier
    return found


def list_industries(*, session: Session) -> list[Industry]:
    return list(session.scalars(select(Industry).order_by(Industry.id)))


def get_industry(*, session: Session, industry_id: int) -> Industry:
    return get_one(session, Industry, industry_id, "Industry")


def resolve_industry(*, session: Session, ref: str) -> Industry:
    industry = (session.get(Industry, int(ref))
                if ref.isdecimal() and len(ref) <= 9 else None)  # an id, or a name
    if industry is None:
        industry = session.scalars(
            select(Industry).where(
                or_(Industry.key == ref, Industry.name_en == ref, Industry.name_zh == ref)
            )
        ).first()
    if industry is None:
        raise InvalidInput(f"unknown industry '{ref}'", field="industry",
                           code="choice_unknown")
    return industry
