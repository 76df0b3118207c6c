"""Enterprises: their profiles, lists and who may edit them and their catalogs. Each
function takes ``session`` keyword-only and never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize
from tradebase.accounts.policy import Permission
from tradebase.errors import InvalidInput
from tradebase.registry import schemas, search
from tradebase.registry.certificates import updated_rows
from tradebase.registry.models import (
    Base,
    Enterprise,
    EnterpriseCertification,
    EnterpriseMarket,
    Product,
    Region,
)
from tradebase.registry.records import NO_FILTERS, ListFilters, flush, get_one, page, searched
from tradebase.registry.reference import region_and_descendants, resolve_industry, resolve_region
from tradebase.registry.versioning import check_version, load_for_update


def enterprise_filters(session: Session, stmt: Select[Any], filters: ListFilters) -> Select[Any]:
    stmt = searched(session, stmt, search.ENTERPRISE, Enterprise.id, filters.q)
    if filters.base_id is not None:
        stmt = stmt.where(Enterprise.base_id == filters.base_id)
    if filters.region:
        region = resolve_region(session=session, ref=filters.region)
        ids = region_and_descendants(session=session, region_id=region.id)
        stmt = stmt.where(Enterprise.region_id.in_(ids))
    if filters.industry:
        industry = resolve_industry(session=session, ref=filters.industry)
        stmt = stmt.where(
            Enterprise.base_id.in_(select(Base.id).where(Base.industry_id == industry.id))
        )
    if filters.certification:
        stmt = stmt.where(
            exists().where(
                EnterpriseCertification.enterprise_id == Enterprise.id,
                func.upper(EnterpriseCertification.code) == filters.certification.upper(),
            )
        )
    if filters.market:
        stmt = stmt.where(
            exists().where(
                EnterpriseMarket.enterprise_id == Enterprise.id,
                EnterpriseMarket.country == filters.market.upper(),
            )
        )
    if filters.hs_code:
        stmt = stmt.where(
            exists().where(
                Product.enterprise_id == Enterprise.id,
                Product.hs_code.startswith(hs_prefix(filters.hs_code)),
            )
        )
    return stmt


def hs_prefix(code: str) -> str:
    prefix = code.replace(".", "").strip()
    if not prefix.isdecimal() or len(prefix) > 6:
        raise InvalidInput("hs_code filters by a prefix of up to six digits", field="hs_code",
                           code="hs_prefix")
    return prefix


def list_enterprises(
    *, session: Session, filters: ListFilters = NO_FILTERS, limit: int = 50, offset: int = 0
) -> tuple[list[Enterprise], int]:
    stmt = enterprise_filters(session, select(Enterprise).order_by(Enterprise.id), filters)
    return page(session, stmt, limit=limit, offset=offset)


def get_enterprise(*, session: Session, enterprise_id: int) -> Enterprise:
    return get_one(session, Enterprise, enterprise_id, "Enterprise")


def find_enterprise_by_name(*, session: Session, name: str) -> Enterprise | None:
    return session.scalars(
        select(Enterprise)
        .where(or_(Enterprise.name_en == name, Enterprise.name_zh == name))
        .order_by(Enterprise.id)
    ).first()


def _check_refs(session: Session, base_id: int | None, region_id: int | None) -> None:
    if base_id is not None and session.get(Base, base_id) is None:
        raise InvalidInput(f"base {base_id} does not exist",
                           field="base_id", code="choice_missing")
    if region_id is not None and session.get(Region, region_id) is None:
        raise InvalidInput(f"region {region_id} does not exist",
                           field="region_id", code="choice_missing")


def _set_enterprise_lists(
    enterprise: Enterprise, certifications: list[str] | None, markets: list[str] | None,
    certificates: list[schemas.CertificateIn] | None = None,
) -> None:
    rows = updated_rows(enterprise.certification_rows, certificates=certificates,
                        codes=certifications, make=lambda code: EnterpriseCertification(code=code))
    if rows is not None:
        enterprise.certification_rows = rows
    if markets is not None:
        enterprise.market_rows = [EnterpriseMarket(country=code) for code in dict.fromkeys(markets)]


def create_enterprise(*, session: Session, data: schemas.EnterpriseCreate) -> Enterprise:
    _check_refs(session, data.base_id, data.region_id)
    authorize(session, Permission.CREATE_ENTERPRISE, base_id=data.base_id)
    fields = data.model_dump(exclude={"certifications", "certificates", "markets"})
    enterprise = Enterprise(**fields)
    _set_enterprise_lists(enterprise, data.certifications, data.markets, data.certificates)
    session.add(enterprise)
    flush(session, "Enterprise")
    return enterprise


_REQUIRED_TEXT = {
    "name_zh", "name_en", "contact_name", "contact_email", "contact_phone", "website",
    "description_zh", "description_en", "is_sample",
}


def update_enterprise(
    *, session: Session, enterprise_id: int, data: schemas.EnterpriseUpdate,
    expected_version: int | None = None,
) -> Enterprise:
    enterprise = load_for_update(session, Enterprise, enterprise_id, "Enterprise")
    authorize(
        session, Permission.EDIT_ENTERPRISE, base_id=enterprise.base_id, enterprise_id=enterprise.id
    )
    check_version(enterprise, expected_version, "Enterprise")
    changes = data.model_dump(exclude_unset=True)
    _check_refs(session, changes.get("base_id"), changes.get("region_id"))
    if "base_id" in changes and changes["base_id"] != enterprise.base_id:
        # Moving an enterprise between bases is a decision of the administrators of both.
        authorize(session, Permission.DELETE_ENTERPRISE, base_id=enterprise.base_id)
        authorize(session, Permission.CREATE_ENTERPRISE, base_id=changes["base_id"])
    changes.pop("certificates", None)
    _set_enterprise_lists(
        enterprise,
        changes.pop("certifications", None),
        changes.pop("markets", None),
        data.certificates,
    )
    for name, value in changes.items():
        if value is None and name in _REQUIRED_TEXT:
            raise InvalidInput(f"{name} cannot be null", field=name)
        setattr(enterprise, name, value)
    if not (enterprise.name_zh or enterprise.name_en):
        raise InvalidInput("an enterprise needs a name in Chinese or English", field="name_en",
                           code="name_required")
    flush(session, "Enterprise")
    return enterprise


def delete_enterprise(
    *, session: Session, enterprise_id: int, expected_version: int | None = None
) -> None:
    enterprise = load_for_update(session, Enterprise, enterprise_id, "Enterprise")
    authorize(session, Permission.DELETE_ENTERPRISE, base_id=enterprise.base_id)
    check_version(enterprise, expected_version, "Enterprise")
    session.execute(delete(Product).where(Product.enterprise_id == enterprise.id))
    session.delete(enterprise)
    flush(session, "Enterprise")


def authorize_catalog(session: Session, enterprise: Enterprise) -> None:
    authorize(
        session, Permission.EDIT_ENTERPRISE, base_id=enterprise.base_id, enterprise_id=enterprise.id
    )


def check_can_edit_enterprise(*, session: Session, enterprise: Enterprise) -> None:
    """Raise unless the acting user may edit this enterprise's profile and catalog (an edit
    form is refused before it is shown, not only when it is sent)."""
    authorize_catalog(session, enterprise)


def check_can_create_enterprise(*, session: Session, base_id: int | None) -> None:
    authorize(session, Permission.CREATE_ENTERPRISE, base_id=base_id)
