"""Bases, their designations and their key-enterprise and key-project lists. Each function
takes ``session`` keyword-only and never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize
from tradebase.accounts.policy import Permission
from tradebase.errors import InvalidInput
from tradebase.registry import schemas, search
from tradebase.registry.models import (
    Base,
    Designation,
    Industry,
    KeyEnterprise,
    KeyProject,
    Region,
    base_regions,
)
from tradebase.registry.records import NO_FILTERS, ListFilters, flush, get_one, page, searched
from tradebase.registry.reference import region_and_descendants, resolve_industry, resolve_region
from tradebase.registry.versioning import check_version, load_for_update


def list_bases(
    *, session: Session, filters: ListFilters = NO_FILTERS, limit: int = 50, offset: int = 0
) -> tuple[list[Base], int]:
    stmt = select(Base).order_by(Base.id)
    stmt = searched(session, stmt, search.BASE, Base.id, filters.q)
    if filters.region:
        region = resolve_region(session=session, ref=filters.region)
        ids = region_and_descendants(session=session, region_id=region.id)
        stmt = stmt.where(
            exists().where(base_regions.c.base_id == Base.id, base_regions.c.region_id.in_(ids))
        )
    if filters.industry:
        stmt = stmt.where(
            Base.industry_id == resolve_industry(session=session, ref=filters.industry).id
        )
    return page(session, stmt, limit=limit, offset=offset)


def get_base(*, session: Session, base_id: int) -> Base:
    return get_one(session, Base, base_id, "Base")


def get_base_by_key(*, session: Session, key: str) -> Base | None:
    return session.scalars(select(Base).where(Base.key == key)).first()


def _regions(session: Session, ids: Sequence[int]) -> list[Region]:
    regions = []
    for region_id in dict.fromkeys(ids):
        region = session.get(Region, region_id)
        if region is None:
            raise InvalidInput(f"region {region_id} does not exist",
                           field="region_ids", code="choice_missing")
        regions.append(region)
    return regions


def _check_industry(session: Session, industry_id: int | None) -> None:
    if industry_id is not None and session.get(Industry, industry_id) is None:
        raise InvalidInput(f"industry {industry_id} does not exist",
                           field="industry_id", code="choice_missing")


def create_base(*, session: Session, data: schemas.BaseCreate) -> Base:
    authorize(session, Permission.CREATE_BASE)
    _check_industry(session, data.industry_id)
    base = Base(
        key=data.key,
        name_zh=data.name_zh,
        name_en=data.name_en,
        industry_id=data.industry_id,
        description_zh=data.description_zh,
        description_en=data.description_en,
        regions=_regions(session, data.region_ids),
    )
    session.add(base)
    flush(session, "Base")
    return base


def update_base(
    *, session: Session, base_id: int, data: schemas.BaseUpdate,
    expected_version: int | None = None,
) -> Base:
    """Change a base; ``expected_version`` is the version the change was based on (None: the
    stored one, whatever it is; concurrent changes wait for each other on the row's lock)."""
    base = load_for_update(session, Base, base_id, "Base")
    authorize(session, Permission.MANAGE_BASE, base_id=base.id)
    check_version(base, expected_version, "Base")
    changes = data.model_dump(exclude_unset=True)
    if "industry_id" in changes:
        _check_industry(session, changes["industry_id"])
    if "region_ids" in changes:
        if changes["region_ids"] is None:
            raise InvalidInput("a base needs at least one region", field="region_ids")
        base.regions = _regions(session, changes.pop("region_ids"))
    for name, value in changes.items():
        if name in {"name_zh", "name_en", "description_zh", "description_en"} and value is None:
            raise InvalidInput(f"{name} cannot be null", field=name)
        setattr(base, name, value)
    if not (base.name_zh or base.name_en):
        raise InvalidInput("a base needs a name in Chinese or English", field="name_en",
                           code="name_required")
    flush(session, "Base")
    return base


def delete_base(
    *, session: Session, base_id: int, expected_version: int | None = None
) -> None:
    authorize(session, Permission.DELETE_BASE, base_id=base_id)
    base = load_for_update(session, Base, base_id, "Base")
    check_version(base, expected_version, "Base")
    session.delete(base)
    flush(session, "Base")


def list_designations(
    *, session: Session, base_id: int | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[Designation], int]:
    stmt = select(Designation).order_by(Designation.base_id, Designation.year, Designation.id)
    if base_id is not None:
        stmt = stmt.where(Designation.base_id == base_id)
    return page(session, stmt, limit=limit, offset=offset)


def get_designation(*, session: Session, designation_id: int) -> Designation:
    return get_one(session, Designation, designation_id, "Designation")


def create_designation(*, session: Session, data: schemas.DesignationCreate) -> Designation:
    get_base(session=session, base_id=data.base_id)
    authorize(session, Permission.MANAGE_BASE, base_id=data.base_id)
    designation = Designation(**data.model_dump())
    session.add(designation)
    flush(session, "Designation")
    return designation


def update_designation(
    *, session: Session, designation_id: int, data: schemas.DesignationUpdate,
    expected_version: int | None = None,
) -> Designation:
    designation = load_for_update(session, Designation, designation_id, "Designation")
    authorize(session, Permission.MANAGE_BASE, base_id=designation.base_id)
    check_version(designation, expected_version, "Designation")
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is None and name != "year":
            raise InvalidInput(f"{name} cannot be null", field=name)
        setattr(designation, name, value)
    flush(session, "Designation")
    return designation


def delete_designation(
    *, session: Session, designation_id: int, expected_version: int | None = None
) -> None:
    designation = load_for_update(session, Designation, designation_id, "Designation")
    authorize(session, Permission.MANAGE_BASE, base_id=designation.base_id)
    check_version(designation, expected_version, "Designation")
    session.delete(designation)
    flush(session, "Designation")


def list_key_enterprises(*, session: Session, base_id: int) -> list[KeyEnterprise]:
    stmt = select(KeyEnterprise).where(KeyEnterprise.base_id == base_id).order_by(KeyEnterprise.id)
    return list(session.scalars(stmt))


def list_key_projects(*, session: Session, base_id: int) -> list[KeyProject]:
    stmt = select(KeyProject).where(KeyProject.base_id == base_id).order_by(KeyProject.id)
    return list(session.scalars(stmt))
